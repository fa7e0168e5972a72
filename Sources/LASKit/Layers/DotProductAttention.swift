/// Content-only attention, for comparison with the location-aware kind:
/// e_ij = (W s_i + b)ᵀ (V h_j) / √A (Luong et al. 2015's "general" score with the
/// scaling of Vaswani et al. 2017). It sees no alignment history.
public struct DotProductAttention: Attention {
    public let querySize: Int
    public let encoderSize: Int
    public let attentionSize: Int
    public let queryProjection: Linear   // W, b
    public let keyProjection: Linear     // V (no bias)

    public var featureChannels: Int { 0 }
    public var usesHidden: Bool { false }
    public var heads: Int { 1 }

    public func packedQueryWeights() -> [PackedMatrix] { [queryProjection.packedWeights()] }

    public init(name: String, querySize: Int, encoderSize: Int, attentionSize: Int, rng: inout SplitMix64) {
        self.querySize = querySize; self.encoderSize = encoderSize; self.attentionSize = attentionSize
        queryProjection = Linear(name: name + ".W", inputSize: querySize, outputSize: attentionSize, rng: &rng)
        keyProjection = Linear(name: name + ".V", inputSize: encoderSize, outputSize: attentionSize, bias: false, rng: &rng)
    }

    public var parameters: [Parameter] { queryProjection.parameters + keyProjection.parameters }

    private var scale: Float { 1 / Float(attentionSize).squareRoot() }

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
            for r in 0..<R {
                let u = rowUtterance?[r] ?? r
                sgemm(transB: true, m: 1, n: memory.lengths[u], k: A, alpha: scale, buffers.projectedQuery + r * A,
                      kp.baseAddress! + u * T * A, buffers.energies + r * T)
            }
            AttentionMath.attend(energies: buffers.energies, rows: R, rowUtterance: rowUtterance, memory: memory,
                                 encoder: ep.baseAddress!, weights: weights, context: context)
        }}
    }

    public func backward(query: UnsafePointer<Float>, previous: UnsafePointer<Float>, rows R: Int,
                         memory: AttentionMemory, buffers: AttentionStepBuffers,
                         weights: UnsafePointer<Float>, dContext: UnsafePointer<Float>,
                         dWeights: UnsafeMutablePointer<Float>, dPrevious: UnsafeMutablePointer<Float>,
                         dQuery: UnsafeMutablePointer<Float>) {
        let T = memory.frames, A = attentionSize, E = encoderSize
        let dq = buffers.dProjectedQuery
        memory.encoder.withUnsafeBufferPointer { ep in
        memory.dEncoder.withUnsafeMutableBufferPointer { dep in
        memory.keys.withUnsafeBufferPointer { kp in
        memory.dKeys.withUnsafeMutableBufferPointer { dkp in
            for r in 0..<R {
                let len = memory.lengths[r]
                let de = buffers.energies + r * T
                AttentionMath.contextAndSoftmaxBackward(
                    weights: weights + r * T, dContext: dContext + r * E,
                    encoder: ep.baseAddress! + r * T * E, dEncoder: dep.baseAddress! + r * T * E,
                    length: len, frames: T, encoderSize: E, dWeights: dWeights + r * T, dEnergies: de)
                // dq_r = scale Σ_j de_j k_j ;  dk_j += scale de_j q_r
                sgemm(m: 1, n: A, k: len, alpha: scale, de, kp.baseAddress! + r * T * A, dq + r * A)
                sgemm(transA: true, m: len, n: A, k: 1, alpha: scale, de, buffers.projectedQuery + r * A,
                      beta: 1, dkp.baseAddress! + r * T * A)
            }
        }}}}
        queryProjection.backward(x: query, dy: dq, rows: R, dx: dQuery)
    }

    public func finishBackward(memory: AttentionMemory) {
        AttentionMath.keysBackward(keyProjection, memory: memory)
    }
}
