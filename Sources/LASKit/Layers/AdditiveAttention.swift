/// Content-only additive attention (Bahdanau, Cho & Bengio 2015, eq. 6 and appendix A.1.2):
///
///     e_ij = vᵀ tanh(W s_i + V h_j + b)
///     α_i = softmax over the utterance's frames of e_i,   c_i = Σ_j α_ij h_j
///
/// Shapes: s_i [Dq] (the speller state), h_j [E] (a listener frame), W [A, Dq] with bias b [A],
/// V [A, E] (no bias; V h_j is computed once per utterance, `AttentionMemory.keys`), v [A].
/// It is location-aware attention without the location term U f_ij: it scores each frame by
/// its content alone and does not see where it attended at the previous step.
///
/// Training keeps z_ij = tanh(W s_i + V h_j + b) [R, T, A] for the backward pass,
///
///     dv += Σ_ij de_ij z_ij,   g_ij = de_ij v ⊙ (1 − z_ij²),   d(W s_i + b) = Σ_j g_ij,   d(V h_j) += g_ij;
///
/// search forms z inside its energy loop and stores nothing but the energies.
public struct AdditiveAttention: Attention {
    public let querySize: Int
    public let encoderSize: Int
    public let attentionSize: Int
    public let queryProjection: Linear   // W, b
    public let keyProjection: Linear     // V (no bias)
    public let scorer: Parameter         // v [A]

    public var featureChannels: Int { 0 }
    public var usesHidden: Bool { true }
    public var heads: Int { 1 }

    public init(name: String, querySize: Int, encoderSize: Int, attentionSize: Int, rng: inout SplitMix64) {
        self.querySize = querySize; self.encoderSize = encoderSize; self.attentionSize = attentionSize
        queryProjection = Linear(name: name + ".W", inputSize: querySize, outputSize: attentionSize, rng: &rng)
        keyProjection = Linear(name: name + ".V", inputSize: encoderSize, outputSize: attentionSize, bias: false, rng: &rng)
        scorer = Parameter(name: name + ".w.weight", shape: [attentionSize],
                           uniform: 1 / Float(attentionSize).squareRoot(), rng: &rng)
    }

    public var parameters: [Parameter] { queryProjection.parameters + keyProjection.parameters + [scorer] }

    public func packedQueryWeights() -> [PackedMatrix] { [queryProjection.packedWeights()] }

    public func memory(encoder: [Float], utterances: Int, frames: Int, lengths: [Int]) -> AttentionMemory {
        AttentionMath.memory(keyProjection, encoder: encoder, utterances: utterances, frames: frames, lengths: lengths)
    }

    public func forward(query: UnsafePointer<Float>, previous: UnsafePointer<Float>, rows R: Int,
                        rowUtterance: UnsafePointer<Int>?, memory: AttentionMemory,
                        buffers: AttentionStepBuffers,
                        weights: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>) {
        let T = memory.frames, A = attentionSize
        queryProjection.forward(query, rows: R, into: buffers.projectedQuery, packed: buffers.queryWeights.first)
        memory.keys.withUnsafeBufferPointer { kp in
        memory.encoder.withUnsafeBufferPointer { ep in
        scorer.value.withUnsafeBufferPointer { vp in
            for r in 0..<R {
                let u = rowUtterance?[r] ?? r
                let ws = buffers.projectedQuery + r * A
                for j in 0..<memory.lengths[u] {
                    let key = kp.baseAddress! + (u * T + j) * A
                    buffers.energies[r * T + j] = Self.energy(query: ws, key: key, scorer: vp.baseAddress!, count: A,
                                                              keeping: buffers.hidden.map { $0 + (r * T + j) * A })
                }
            }
            AttentionMath.attend(energies: buffers.energies, rows: R, rowUtterance: rowUtterance, memory: memory,
                                 encoder: ep.baseAddress!, weights: weights, context: context)
        }}}
    }

    /// e = v · tanh(W s + b + V h), sixteen lanes at a time so that several tanh evaluations
    /// overlap; with `keeping`, z = tanh(…) is stored there for the backward pass.
    @inline(__always)
    static func energy(query ws: UnsafePointer<Float>, key: UnsafePointer<Float>, scorer v: UnsafePointer<Float>,
                       count A: Int, keeping z: UnsafeMutablePointer<Float>?) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        var a = 0
        while a + 16 <= A {
            let z0 = Kernels.tanh(Kernels.load8(ws + a) + Kernels.load8(key + a))
            let z1 = Kernels.tanh(Kernels.load8(ws + a + 8) + Kernels.load8(key + a + 8))
            if let z { Kernels.store8(z0, z + a); Kernels.store8(z1, z + a + 8) }
            acc0 = Kernels.multiplyAdd(z0, Kernels.load8(v + a), acc0)
            acc1 = Kernels.multiplyAdd(z1, Kernels.load8(v + a + 8), acc1)
            a += 16
        }
        var e = (acc0 + acc1).sum()
        for i in a..<A {
            let zi = Kernels.tanh(ws[i] + key[i])
            z?[i] = zi
            e += v[i] * zi
        }
        return e
    }

    public func backward(query: UnsafePointer<Float>, previous: UnsafePointer<Float>, rows R: Int,
                         memory: AttentionMemory, buffers: AttentionStepBuffers,
                         weights: UnsafePointer<Float>, dContext: UnsafePointer<Float>,
                         dWeights: UnsafeMutablePointer<Float>, dPrevious: UnsafeMutablePointer<Float>,
                         dQuery: UnsafeMutablePointer<Float>) {
        let T = memory.frames, A = attentionSize, E = encoderSize
        guard let z = buffers.hidden else { preconditionFailure("attention backward needs the forward's hidden buffer") }
        let dws = buffers.dProjectedQuery
        dws.update(repeating: 0, count: R * A)
        memory.encoder.withUnsafeBufferPointer { ep in
        memory.dEncoder.withUnsafeMutableBufferPointer { dep in
        memory.dKeys.withUnsafeMutableBufferPointer { dkp in
        scorer.value.withUnsafeBufferPointer { vp in
        scorer.grad.withUnsafeMutableBufferPointer { dvp in
            for r in 0..<R {
                let len = memory.lengths[r]
                let de = buffers.energies + r * T
                AttentionMath.contextAndSoftmaxBackward(
                    weights: weights + r * T, dContext: dContext + r * E,
                    encoder: ep.baseAddress! + r * T * E, dEncoder: dep.baseAddress! + r * T * E,
                    length: len, frames: T, encoderSize: E, dWeights: dWeights + r * T, dEnergies: de)
                let dwsr = dws + r * A
                for j in 0..<len {
                    let zj = z + (r * T + j) * A, dk = dkp.baseAddress! + (r * T + j) * A
                    let d = de[j]
                    for a in 0..<A {
                        let zv = zj[a]
                        dvp[a] += d * zv
                        let g = d * vp[a] * (1 - zv * zv)
                        dwsr[a] += g
                        dk[a] += g
                    }
                }
            }
        }}}}}
        queryProjection.backward(x: query, dy: dws, rows: R, dx: dQuery)
    }

    public func finishBackward(memory: AttentionMemory) {
        AttentionMath.keysBackward(keyProjection, memory: memory)
    }
}
