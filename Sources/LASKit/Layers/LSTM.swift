#if canImport(Glibc)
import Glibc
#endif

/// Unidirectional LSTM (Hochreiter & Schmidhuber 1997, the formulation PyTorch uses)
/// over a padded, time-major batch x[T, B, D] with per-sequence lengths:
///
///     [i f g o] = x_t W_ihᵀ + h_{t-1} W_hhᵀ + b
///     c_t = σ(f)·c_{t-1} + σ(i)·tanh(g),   h_t = σ(o)·tanh(c_t)
///
/// The input projection of all time steps is one sgemm; each step adds one [B,H]×[H,4H]
/// product against W_hh packed once per pass (`PackedMatrix`) and applies the four gates in
/// one fused loop. A sequence past its length keeps
/// its state and outputs zeros, so padding never reaches results or gradients.
public struct LSTM: ParameterContainer {
    public let inputSize: Int
    public let hiddenSize: Int
    public let weightIH: Parameter   // [4H, D], gate blocks i, f, g, o
    public let weightHH: Parameter   // [4H, H]
    public let bias: Parameter       // [4H]

    public init(name: String, inputSize: Int, hiddenSize: Int, rng: inout SplitMix64) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        let bound = 1 / Float(hiddenSize).squareRoot()
        weightIH = Parameter(name: name + ".weight_ih", shape: [4 * hiddenSize, inputSize], uniform: bound, rng: &rng)
        weightHH = Parameter(name: name + ".weight_hh", shape: [4 * hiddenSize, hiddenSize], uniform: bound, rng: &rng)
        bias = Parameter(name: name + ".bias", shape: [4 * hiddenSize], uniform: bound, rng: &rng)
    }

    public var parameters: [Parameter] { [weightIH, weightHH, bias] }

    /// What the backward pass needs from the forward pass.
    public struct Cache {
        public var steps = 0, batch = 0
        public var lengths: [Int] = []
        var input: [Float] = []     // [T, B, D]
        var gates: [Float] = []     // [T, B, 4H] after their nonlinearities
        var cells: [Float] = []     // [T+1, B, H], cells[0] = 0
        var states: [Float] = []    // [T+1, B, H], states[0] = 0
        public init() {}
    }

    /// Returns h[T, B, H], zero at padded positions.
    public func forward(_ x: [Float], steps T: Int, batch B: Int, lengths: [Int], cache: inout Cache) -> [Float] {
        let H = hiddenSize, G = 4 * hiddenSize, D = inputSize
        precondition(x.count == T * B * D && lengths.count == B)
        cache.steps = T; cache.batch = B; cache.lengths = lengths; cache.input = x
        // Every gate row is written by the input product, every cell and state after step 0 by
        // its step (padding copies the previous one).
        cache.gates = [Float](overwrittenCount: T * B * G)
        cache.cells = [Float](overwrittenCount: (T + 1) * B * H)
        cache.states = [Float](overwrittenCount: (T + 1) * B * H)
        var output = [Float](repeating: 0, count: T * B * H)
        guard T > 0 && B > 0 else { return output }
        cache.cells.withUnsafeMutableBufferPointer { $0.baseAddress!.initialize(repeating: 0, count: B * H) }
        cache.states.withUnsafeMutableBufferPointer { $0.baseAddress!.initialize(repeating: 0, count: B * H) }
        let wih = weightIH.value, whh = weightHH.value, b = bias.value
        x.withUnsafeBufferPointer { xp in
        wih.withUnsafeBufferPointer { wihp in
        whh.withUnsafeBufferPointer { whhp in
        b.withUnsafeBufferPointer { bp in
        lengths.withUnsafeBufferPointer { lens in
        cache.gates.withUnsafeMutableBufferPointer { gp in
        cache.cells.withUnsafeMutableBufferPointer { cp in
        cache.states.withUnsafeMutableBufferPointer { sp in
        output.withUnsafeMutableBufferPointer { yp in
            let gates = gp.baseAddress!, cells = cp.baseAddress!, states = sp.baseAddress!, y = yp.baseAddress!
            sgemm(transB: true, m: T * B, n: G, k: D, xp.baseAddress!, wihp.baseAddress!, gates)
            Kernels.addRowVector(gates, rows: T * B, cols: G, bp.baseAddress!)
            let recurrent = PackedMatrix(transposeOf: whhp.baseAddress!, outputs: G, inputs: H)
            for t in 0..<T {
                let g = gates + t * B * G
                let hPrev = states + t * B * H, cPrev = cells + t * B * H
                let hNext = states + (t + 1) * B * H, cNext = cells + (t + 1) * B * H
                recurrent.multiply(rows: B, hPrev, beta: 1, g)
                for bi in 0..<B {
                    let row = g + bi * G, hp = hPrev + bi * H, cpv = cPrev + bi * H
                    let hn = hNext + bi * H, cn = cNext + bi * H, yo = y + (t * B + bi) * H
                    if t >= lens[bi] {
                        for j in 0..<H { hn[j] = hp[j]; cn[j] = cpv[j] }
                        continue
                    }
                    LSTMGates.forward(row, cPrev: cpv, cNext: cn, hNext: hn, hidden: H)
                    yo.update(from: hn, count: H)
                }
            }
        }}}}}}}}}
        return output
    }

    /// Given dL/dh[T, B, H], accumulates parameter gradients and returns dL/dx[T, B, D]
    /// (empty without `inputGradient`: the listener's first layer reads features, which need none).
    public func backward(_ dy: [Float], cache: Cache, inputGradient: Bool = true) -> [Float] {
        let T = cache.steps, B = cache.batch, H = hiddenSize, G = 4 * hiddenSize, D = inputSize
        var dx = [Float](overwrittenCount: inputGradient ? T * B * D : 0)
        guard T > 0 && B > 0 else { return dx }
        // Running rows are written by their step; padded ones are zeroed there (they enter the
        // weight-gradient products below and must add nothing).
        var dGates = [Float](overwrittenCount: T * B * G)
        var dh = [Float](repeating: 0, count: B * H), dc = [Float](repeating: 0, count: B * H)
        var dhPrev = [Float](repeating: 0, count: B * H)
        let whh = weightHH.value
        dy.withUnsafeBufferPointer { dyp in
        whh.withUnsafeBufferPointer { whhp in
        cache.lengths.withUnsafeBufferPointer { lens in
        cache.gates.withUnsafeBufferPointer { gp in
        cache.cells.withUnsafeBufferPointer { cp in
        dGates.withUnsafeMutableBufferPointer { dgp in
        dh.withUnsafeMutableBufferPointer { dhp in
        dc.withUnsafeMutableBufferPointer { dcp in
        dhPrev.withUnsafeMutableBufferPointer { dhpp in
            let dhB = dhp.baseAddress!, dcB = dcp.baseAddress!
            let recurrent = PackedMatrix(whhp.baseAddress!, rows: G, columns: H)
            for t in stride(from: T - 1, through: 0, by: -1) {
                let g = gp.baseAddress! + t * B * G, dg = dgp.baseAddress! + t * B * G
                for bi in 0..<B {
                    let row = g + bi * G, drow = dg + bi * G
                    if t >= lens[bi] { drow.update(repeating: 0, count: G); continue }
                    let cPrev = cp.baseAddress! + (t * B + bi) * H, cNow = cp.baseAddress! + ((t + 1) * B + bi) * H
                    let dyo = dyp.baseAddress! + (t * B + bi) * H
                    let dhr = dhB + bi * H
                    Kernels.add(dyo, into: dhr, count: H)
                    LSTMGates.backward(row, cPrev: cPrev, cNow: cNow, dh: dhr, dc: dcB + bi * H, dRow: drow, hidden: H)
                }
                // dh_{t-1} = dGates_t W_hh for running sequences; finished ones pass dh through.
                recurrent.multiply(rows: B, dg, dhpp.baseAddress!)
                for bi in 0..<B where t < lens[bi] {
                    (dhB + bi * H).update(from: dhpp.baseAddress! + bi * H, count: H)
                }
            }
        }}}}}}}}}
        // Weight gradients for all steps at once: dW_hh += dGatesᵀ h_{t-1}, dW_ih += dGatesᵀ x.
        dGates.withUnsafeBufferPointer { dgp in
            cache.states.withUnsafeBufferPointer { sp in
                weightHH.grad.withUnsafeMutableBufferPointer { gw in
                    sgemm(transA: true, m: G, n: H, k: T * B, dgp.baseAddress!, sp.baseAddress!, beta: 1, gw.baseAddress!)
                }
            }
            cache.input.withUnsafeBufferPointer { xp in
                weightIH.grad.withUnsafeMutableBufferPointer { gw in
                    sgemm(transA: true, m: G, n: D, k: T * B, dgp.baseAddress!, xp.baseAddress!, beta: 1, gw.baseAddress!)
                }
            }
            bias.grad.withUnsafeMutableBufferPointer { gb in
                Kernels.accumulateColumnSums(dgp.baseAddress!, rows: T * B, cols: G, into: gb.baseAddress!)
            }
            guard inputGradient else { return }
            weightIH.value.withUnsafeBufferPointer { w in
                dx.withUnsafeMutableBufferPointer { dxp in
                    sgemm(m: T * B, n: D, k: G, dgp.baseAddress!, w.baseAddress!, dxp.baseAddress!)
                }
            }
        }
        return dx
    }
}
