/// The speller (Chan et al. 2016, §3.2): a character decoder that at step i reads the
/// previous character and the previous context (input feeding, Luong et al. 2015),
///
///     s_i = LSTMCell([emb(y_{i-1}); c_{i-1}], s_{i-1})
///     α_i, c_i = Attend(s_i, α_{i-1}, h)
///     logits_i = W_o [s_i; c_i] + b_o
///
/// `forward` runs teacher forcing over a whole batch and keeps what `backward` needs;
/// `SpellerDecoder` (in Decoding) runs the same step for search.
public struct Speller: ParameterContainer {
    public let vocabularySize: Int
    public let embeddingSize: Int
    public let hiddenSize: Int
    public let encoderSize: Int
    public let embedding: Embedding
    public let cellInput: Linear      // W_ih [4H, Emb+E], b
    public let cellRecurrent: Linear  // W_hh [4H, H], no bias
    public let attention: any Attention
    public let output: Linear         // [V, H+E]

    public init(name: String, vocabularySize: Int, embeddingSize: Int, hiddenSize: Int,
                attention: any Attention, rng: inout SplitMix64) {
        self.vocabularySize = vocabularySize; self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize; self.encoderSize = attention.encoderSize
        embedding = Embedding(name: name + ".embedding", vocabularySize: vocabularySize, size: embeddingSize, rng: &rng)
        let bound = 1 / Float(hiddenSize).squareRoot()
        let input = Linear(name: name + ".cell.input", inputSize: embeddingSize + encoderSize, outputSize: 4 * hiddenSize, rng: &rng)
        let recurrent = Linear(name: name + ".cell.recurrent", inputSize: hiddenSize, outputSize: 4 * hiddenSize, bias: false, rng: &rng)
        // PyTorch's LSTMCell draws every weight from U(±1/√H), not U(±1/√fan_in).
        for p in input.parameters + recurrent.parameters {
            for k in 0..<p.count { p.value[k] = Float(rng.nextUniform() * 2 - 1) * bound }
        }
        cellInput = input; cellRecurrent = recurrent
        self.attention = attention
        output = Linear(name: name + ".output", inputSize: hiddenSize + encoderSize, outputSize: vocabularySize, rng: &rng)
    }

    public var parameters: [Parameter] {
        embedding.parameters + cellInput.parameters + cellRecurrent.parameters + attention.parameters + output.parameters
    }

    /// Activations of a teacher-forced pass over L steps of B utterances, time-major.
    public final class Trace {
        public let steps: Int, batch: Int, frames: Int
        public internal(set) var inputTokens: [Int32]   // [L, B]
        public internal(set) var logits: [Float]        // [L, B, V]
        public internal(set) var weights: [Float]       // [L+1, B, heads, T]; weights[0] = initial α
        let memory: AttentionMemory
        var cellInputs: [Float]     // [L, B, Emb+E] = [emb(y_{i-1}); c_{i-1}]
        var gates: [Float]          // [L, B, 4H]
        var cells: [Float]          // [L+1, B, H]
        var states: [Float]         // [L+1, B, H]
        var features: [Float]       // [L, B, H+E] = [s_i; c_i]
        var projectedQuery: [Float] // [L, B, A]
        var locationFeatures: [Float] // [L, B, T, C]
        var hidden: [Float]         // [L, B, T, A]
        var energies: [Float]       // [L, B, heads, T]

        init(steps L: Int, batch B: Int, memory: AttentionMemory, speller s: Speller) {
            steps = L; batch = B; frames = memory.frames; self.memory = memory
            let T = memory.frames, H = s.hiddenSize, E = s.encoderSize, A = s.attention.attentionSize
            let W = s.attention.heads * T
            inputTokens = [Int32](repeating: 0, count: L * B)
            logits = [Float](repeating: 0, count: L * B * s.vocabularySize)
            weights = [Float](repeating: 0, count: (L + 1) * B * W)
            cellInputs = [Float](repeating: 0, count: L * B * (s.embeddingSize + E))
            gates = [Float](repeating: 0, count: L * B * 4 * H)
            cells = [Float](repeating: 0, count: (L + 1) * B * H)
            states = [Float](repeating: 0, count: (L + 1) * B * H)
            features = [Float](repeating: 0, count: L * B * (H + E))
            projectedQuery = [Float](repeating: 0, count: L * B * A)
            locationFeatures = [Float](repeating: 0, count: L * B * T * s.attention.featureChannels)
            hidden = [Float](repeating: 0, count: s.attention.usesHidden ? L * B * T * A : 0)
            energies = [Float](repeating: 0, count: L * B * W)
        }
    }

    /// Initial attention weights α_0 [rows, heads, frames]: every head uniform over its row's valid
    /// frames, so the first location features are not biased toward the start.
    public static func initialWeights(lengths: [Int], frames: Int, heads: Int = 1, into a: UnsafeMutablePointer<Float>) {
        for (r, len) in lengths.enumerated() {
            for h in 0..<heads {
                for j in 0..<frames { a[(r * heads + h) * frames + j] = j < len ? 1 / Float(len) : 0 }
            }
        }
    }

    /// Teacher-forced pass. inputTokens[L, B] are <sos> y_1 … y_{L-1} (padded as the caller likes).
    /// With samplingProbability p > 0 (scheduled sampling, Bengio et al. 2015) each input after the
    /// first is, with probability p, replaced by the model's own greedy choice at the previous step.
    public func forward(memory: AttentionMemory, inputTokens: [Int32], steps L: Int,
                        samplingProbability: Float = 0, rng: inout SplitMix64) -> Trace {
        var rngs = rng.split(memory.utterances)
        return forward(memory: memory, inputTokens: inputTokens, steps: L, samplingProbability: samplingProbability, rngs: &rngs)
    }

    /// As above with one generator per utterance for the scheduled-sampling draws.
    public func forward(memory: AttentionMemory, inputTokens: [Int32], steps L: Int,
                        samplingProbability: Float = 0, rngs: inout [SplitMix64]) -> Trace {
        let B = memory.utterances, T = memory.frames
        precondition(inputTokens.count == L * B)
        let trace = Trace(steps: L, batch: B, memory: memory, speller: self)
        trace.inputTokens = inputTokens
        let H = hiddenSize, E = encoderSize, X = embeddingSize + encoderSize, G = 4 * H, V = vocabularySize
        let A = attention.attentionSize, C = attention.featureChannels, F = H + E
        let W = attention.heads * T
        trace.weights.withUnsafeMutableBufferPointer {
            Self.initialWeights(lengths: memory.lengths, frames: T, heads: attention.heads, into: $0.baseAddress!)
        }
        var contexts = [Float](repeating: 0, count: B * E)
        contexts.withUnsafeMutableBufferPointer { cx in
        trace.cellInputs.withUnsafeMutableBufferPointer { xp in
        trace.gates.withUnsafeMutableBufferPointer { gp in
        trace.cells.withUnsafeMutableBufferPointer { cp in
        trace.states.withUnsafeMutableBufferPointer { sp in
        trace.features.withUnsafeMutableBufferPointer { fp in
        trace.weights.withUnsafeMutableBufferPointer { wp in
        trace.logits.withUnsafeMutableBufferPointer { lp in
        trace.projectedQuery.withUnsafeMutableBufferPointer { pq in
        trace.locationFeatures.withUnsafeMutableBufferPointer { lf in
        trace.hidden.withUnsafeMutableBufferPointer { hd in
        trace.energies.withUnsafeMutableBufferPointer { en in
        embedding.table.value.withUnsafeBufferPointer { table in
            for i in 0..<L {
                for b in 0..<B {
                    var tok = inputTokens[i * B + b]
                    if i > 0 && samplingProbability > 0 && rngs[b].nextUniform() < Double(samplingProbability) {
                        tok = Int32(Self.argmax(lp.baseAddress! + ((i - 1) * B + b) * V, count: V))
                    }
                    trace.inputTokens[i * B + b] = tok
                    let x = xp.baseAddress! + (i * B + b) * X
                    x.update(from: table.baseAddress! + Int(tok) * embeddingSize, count: embeddingSize)
                    // c_{i-1}: the previous step's context, zero before the first step.
                    if i > 0 { (x + embeddingSize).update(from: fp.baseAddress! + ((i - 1) * B + b) * F + H, count: E) }
                }
                let g = gp.baseAddress! + i * B * G
                cellInput.forward(xp.baseAddress! + i * B * X, rows: B, into: g)
                cellRecurrent.forward(sp.baseAddress! + i * B * H, rows: B, into: g, beta: 1)
                for b in 0..<B {
                    LSTMGates.forward(g + b * G, cPrev: cp.baseAddress! + (i * B + b) * H,
                                      cNext: cp.baseAddress! + ((i + 1) * B + b) * H,
                                      hNext: sp.baseAddress! + ((i + 1) * B + b) * H, hidden: H)
                }
                let s = sp.baseAddress! + (i + 1) * B * H
                let buffers = AttentionStepBuffers(
                    projectedQuery: pq.baseAddress! + i * B * A,
                    locationFeatures: (lf.baseAddress ?? pq.baseAddress!) + i * B * T * C,
                    hidden: (hd.baseAddress ?? pq.baseAddress!) + (attention.usesHidden ? i * B * T * A : 0),
                    energies: en.baseAddress! + i * B * W,
                    dProjectedQuery: pq.baseAddress!, dLocationFeatures: pq.baseAddress!)
                let feat = fp.baseAddress! + i * B * F, ctx = cx.baseAddress!
                attention.forward(query: s, previous: wp.baseAddress! + i * B * W, rows: B, rowUtterance: nil,
                                  memory: memory, buffers: buffers,
                                  weights: wp.baseAddress! + (i + 1) * B * W, context: ctx)
                for b in 0..<B {
                    (feat + b * F).update(from: s + b * H, count: H)
                    (feat + b * F + H).update(from: ctx + b * E, count: E)
                }
                output.forward(feat, rows: B, into: lp.baseAddress! + i * B * V)
            }
        }}}}}}}}}}}}}
        return trace
    }

    /// Backward of `forward` given dL/dlogits[L, B, V]. Accumulates parameter gradients;
    /// returns dL/d(encoder output)[B, T, E].
    public func backward(_ trace: Trace, dLogits: [Float]) -> [Float] {
        let L = trace.steps, B = trace.batch, T = trace.frames, memory = trace.memory
        let H = hiddenSize, E = encoderSize, X = embeddingSize + encoderSize, G = 4 * H
        let A = attention.attentionSize, C = attention.featureChannels, F = H + E, W = attention.heads * T
        memory.prepareBackward()
        var dFeatures = [Float](repeating: 0, count: L * B * F)
        trace.features.withUnsafeBufferPointer { fp in
            dLogits.withUnsafeBufferPointer { dl in
                dFeatures.withUnsafeMutableBufferPointer { df in
                    output.backward(x: fp.baseAddress!, dy: dl.baseAddress!, rows: L * B, dx: df.baseAddress!)
                }
            }
        }
        var dGates = [Float](repeating: 0, count: L * B * G)
        var dCellInputs = [Float](repeating: 0, count: L * B * X)
        var dh = [Float](repeating: 0, count: B * H), dc = [Float](repeating: 0, count: B * H)
        var dContext = [Float](repeating: 0, count: B * E), dContextCarry = [Float](repeating: 0, count: B * E)
        var dWeights = [Float](repeating: 0, count: B * W), dPrevious = [Float](repeating: 0, count: B * W)
        var dQuery = [Float](repeating: 0, count: B * H)
        var dProjectedQuery = [Float](repeating: 0, count: B * A)
        var dLocationFeatures = [Float](repeating: 0, count: max(1, B * T * C))
        trace.cellInputs.withUnsafeMutableBufferPointer { xp in
        trace.gates.withUnsafeMutableBufferPointer { gp in
        trace.cells.withUnsafeMutableBufferPointer { cp in
        trace.states.withUnsafeMutableBufferPointer { sp in
        trace.weights.withUnsafeMutableBufferPointer { wp in
        trace.projectedQuery.withUnsafeMutableBufferPointer { pq in
        trace.locationFeatures.withUnsafeMutableBufferPointer { lf in
        trace.hidden.withUnsafeMutableBufferPointer { hd in
        trace.energies.withUnsafeMutableBufferPointer { en in
        dFeatures.withUnsafeMutableBufferPointer { df in
        dGates.withUnsafeMutableBufferPointer { dg in
        dCellInputs.withUnsafeMutableBufferPointer { dx in
        dh.withUnsafeMutableBufferPointer { dhp in
        dc.withUnsafeMutableBufferPointer { dcp in
        dContext.withUnsafeMutableBufferPointer { dctx in
        dContextCarry.withUnsafeMutableBufferPointer { dcarry in
        dWeights.withUnsafeMutableBufferPointer { dwts in
        dPrevious.withUnsafeMutableBufferPointer { dprev in
        dQuery.withUnsafeMutableBufferPointer { dq in
        dProjectedQuery.withUnsafeMutableBufferPointer { dpq in
        dLocationFeatures.withUnsafeMutableBufferPointer { dlf in
            // dL/dα_i arrives in `carry`; the step writes dL/dα_{i-1} into `next`; then they trade places.
            var carry = dwts.baseAddress!, next = dprev.baseAddress!
            for i in stride(from: L - 1, through: 0, by: -1) {
                let dfi = df.baseAddress! + i * B * F
                for b in 0..<B {
                    // dc_i = from the output layer + from the next step's cell input (input feeding).
                    let d = dctx.baseAddress! + b * E
                    d.update(from: dfi + b * F + H, count: E)
                    Kernels.add(dcarry.baseAddress! + b * E, into: d, count: E)
                }
                next.update(repeating: 0, count: B * W)
                let buffers = AttentionStepBuffers(
                    projectedQuery: pq.baseAddress! + i * B * A,
                    locationFeatures: (lf.baseAddress ?? pq.baseAddress!) + i * B * T * C,
                    hidden: (hd.baseAddress ?? pq.baseAddress!) + (attention.usesHidden ? i * B * T * A : 0),
                    energies: en.baseAddress! + i * B * W,
                    dProjectedQuery: dpq.baseAddress!, dLocationFeatures: dlf.baseAddress!)
                let s = sp.baseAddress! + (i + 1) * B * H
                attention.backward(query: s, previous: wp.baseAddress! + i * B * W, rows: B, memory: memory,
                                   buffers: buffers, weights: wp.baseAddress! + (i + 1) * B * W,
                                   dContext: dctx.baseAddress!, dWeights: carry,
                                   dPrevious: next, dQuery: dq.baseAddress!)
                swap(&carry, &next)
                let g = gp.baseAddress! + i * B * G, dgi = dg.baseAddress! + i * B * G
                for b in 0..<B {
                    let dhr = dhp.baseAddress! + b * H
                    Kernels.add(dfi + b * F, into: dhr, count: H)
                    Kernels.add(dq.baseAddress! + b * H, into: dhr, count: H)
                    LSTMGates.backward(g + b * G, cPrev: cp.baseAddress! + (i * B + b) * H,
                                       cNow: cp.baseAddress! + ((i + 1) * B + b) * H,
                                       dh: dhr, dc: dcp.baseAddress! + b * H, dRow: dgi + b * G, hidden: H)
                }
                // dh_{i-1} = dGates W_hh; d[emb; c_{i-1}] = dGates W_ih.
                cellRecurrent.backward(x: sp.baseAddress! + i * B * H, dy: dgi, rows: B, dx: dhp.baseAddress!)
                let dxi = dx.baseAddress! + i * B * X
                cellInput.backward(x: xp.baseAddress! + i * B * X, dy: dgi, rows: B, dx: dxi)
                for b in 0..<B {
                    (dcarry.baseAddress! + b * E).update(from: dxi + b * X + embeddingSize, count: E)
                }
            }
        }}}}}}}}}}}}}}}}}}}}}
        // Embedding gradient: the first Emb columns of each d(cell input) row.
        embedding.table.grad.withUnsafeMutableBufferPointer { tg in
            dCellInputs.withUnsafeBufferPointer { dx in
                for (n, tok) in trace.inputTokens.enumerated() {
                    Kernels.add(dx.baseAddress! + n * X, into: tg.baseAddress! + Int(tok) * embeddingSize, count: embeddingSize)
                }
            }
        }
        attention.finishBackward(memory: memory)
        return memory.dEncoder
    }

    @inline(__always)
    static func argmax(_ x: UnsafePointer<Float>, count: Int) -> Int {
        var best = 0
        for k in 1..<count where x[k] > x[best] { best = k }
        return best
    }
}
