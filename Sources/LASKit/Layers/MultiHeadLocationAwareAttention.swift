/// Multi-head location-aware attention: the multi-head attention of Vaswani et al. 2017 (§3.2.2)
/// in the form Chiu et al. 2018 (§2.2.1) brought to LAS, each head location-aware as in
/// Chorowski et al. 2015. H heads h = 1…H, each with its own projections and location filter:
///
///     f^h_i = F_h ∗ α^h_{i-1}                                        (C channels, kernel K)
///     e^h_ij = w_hᵀ tanh(W_h s_i + V_h h_j + U_h f^h_ij + b_h)       (A/H wide)
///     α^h_i = softmax over the utterance's frames of e^h_i
///     c_i = [c^1_i; …; c^H_i],   c^h_i = Σ_j α^h_ij h_j[(h−1)E/H ..< hE/H]
///
/// Shapes: s_i [Dq]; h_j [E]; W_h [A/H, Dq], b_h [A/H], V_h [A/H, E], U_h [A/H, C], F_h [C, K],
/// w_h [A/H]. Each head scores every frame with the whole h_j but reads its context from its own
/// E/H features, so the concatenation is E wide, the context the speller expects. This is
/// Vaswani et al.'s MultiHead = Concat(head_1, …, head_H) W^O with each value projection W^V_h
/// the h-th block of the identity and no W^O: the speller's cell input and output layer are
/// linear in c_i and take the place of W^O, and the listener's last layer that of W^V.
/// With H = 1 it is `LocationAwareAttention` with attention size A, exactly (tested).
///
/// Layouts: α_i is [R, H, T] per step (a decoder row's heads next to each other, so search
/// reorders and splits rows as for one head); the keys V_h h_j are head-major [H, U, T, A/H]
/// in `AttentionMemory.keys`, and each `AttentionStepBuffers` buffer holds one block per head
/// (`AttentionStepBuffers.head`). The heads run one after another through
/// `LocationAwareAttention.score` and `scoreBackward`; the cost per step is that of one
/// location-aware attention of size A with H·C location channels.
public struct MultiHeadLocationAwareAttention: Attention {
    public let querySize: Int
    public let encoderSize: Int
    public let attentionSize: Int
    public let channels: Int
    public let kernelSize: Int
    /// The H heads, each a location-aware attention of size A/H whose context is `contextColumns(h)`.
    public let headAttentions: [LocationAwareAttention]

    public var heads: Int { headAttentions.count }
    public var featureChannels: Int { heads * channels }
    public var usesHidden: Bool { true }
    /// A/H, each head's attention size.
    public var headSize: Int { attentionSize / heads }

    /// The context features head h fills, [h·E/H, (h+1)·E/H).
    public func contextColumns(_ h: Int) -> Range<Int> {
        let width = encoderSize / heads
        return (h * width)..<((h + 1) * width)
    }

    public init(name: String, querySize: Int, encoderSize: Int, attentionSize: Int, heads: Int,
                channels: Int, kernelSize: Int, rng: inout SplitMix64) {
        precondition(heads >= 1 && attentionSize % heads == 0 && encoderSize % heads == 0,
                     "the heads share the attention size and the context evenly")
        self.querySize = querySize; self.encoderSize = encoderSize; self.attentionSize = attentionSize
        self.channels = channels; self.kernelSize = kernelSize
        headAttentions = (0..<heads).map { h in
            LocationAwareAttention(name: "\(name).head\(h)", querySize: querySize, encoderSize: encoderSize,
                                   attentionSize: attentionSize / heads, channels: channels, kernelSize: kernelSize, rng: &rng)
        }
    }

    public var parameters: [Parameter] { headAttentions.flatMap(\.parameters) }

    public func packedQueryWeights() -> [PackedMatrix] { headAttentions.map { $0.queryProjection.packedWeights() } }

    /// Keys of every head, head-major [H, U, T, A/H].
    public func memory(encoder: [Float], utterances: Int, frames: Int, lengths: [Int]) -> AttentionMemory {
        let rows = utterances * frames, block = rows * headSize
        var keys = [Float](repeating: 0, count: heads * block)
        encoder.withUnsafeBufferPointer { ep in
            keys.withUnsafeMutableBufferPointer { kp in
                for (h, head) in headAttentions.enumerated() {
                    head.keyProjection.forward(ep.baseAddress!, rows: rows, into: kp.baseAddress! + h * block)
                }
            }
        }
        return AttentionMemory(encoder: encoder, utterances: utterances, frames: frames, encoderSize: encoderSize,
                               lengths: lengths, keys: keys, keySize: attentionSize)
    }

    private func headBuffers(_ h: Int, _ buffers: AttentionStepBuffers, rows R: Int, frames T: Int) -> AttentionStepBuffers {
        buffers.head(h, of: heads, rows: R, frames: T, attentionSize: headSize, channels: channels)
    }

    public func forward(query: UnsafePointer<Float>, previous: UnsafePointer<Float>, rows R: Int,
                        rowUtterance: UnsafePointer<Int>?, memory: AttentionMemory,
                        buffers: AttentionStepBuffers,
                        weights: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>) {
        let T = memory.frames, S = heads * T, block = memory.utterances * T * headSize
        memory.keys.withUnsafeBufferPointer { kp in
        memory.encoder.withUnsafeBufferPointer { ep in
            for (h, head) in headAttentions.enumerated() {
                let hb = headBuffers(h, buffers, rows: R, frames: T)
                head.score(query: query, previous: previous + h * T, weightStride: S, rows: R, rowUtterance: rowUtterance,
                           memory: memory, keys: kp.baseAddress! + h * block, buffers: hb,
                           packedQueryWeights: h < buffers.queryWeights.count ? buffers.queryWeights[h] : nil)
                AttentionMath.attend(energies: hb.energies, rows: R, rowUtterance: rowUtterance, memory: memory,
                                     encoder: ep.baseAddress!, weights: weights + h * T, weightStride: S,
                                     context: context, contextColumns: contextColumns(h))
            }
        }}
    }

    public func backward(query: UnsafePointer<Float>, previous: UnsafePointer<Float>, rows R: Int,
                         memory: AttentionMemory, buffers: AttentionStepBuffers,
                         weights: UnsafePointer<Float>, dContext: UnsafePointer<Float>,
                         dWeights: UnsafeMutablePointer<Float>, dPrevious: UnsafeMutablePointer<Float>,
                         dQuery: UnsafeMutablePointer<Float>) {
        let T = memory.frames, S = heads * T, E = encoderSize, block = memory.utterances * T * headSize
        memory.encoder.withUnsafeBufferPointer { ep in
        memory.dEncoder.withUnsafeMutableBufferPointer { dep in
        memory.dKeys.withUnsafeMutableBufferPointer { dkp in
            for (h, head) in headAttentions.enumerated() {
                let hb = headBuffers(h, buffers, rows: R, frames: T), c0 = contextColumns(h).lowerBound
                for r in 0..<R {
                    AttentionMath.contextAndSoftmaxBackward(
                        weights: weights + r * S + h * T, dContext: dContext + r * E + c0,
                        encoder: ep.baseAddress! + r * T * E + c0, dEncoder: dep.baseAddress! + r * T * E + c0,
                        length: memory.lengths[r], frames: T, encoderSize: E,
                        columns: contextColumns(h).count, encoderStride: E,
                        dWeights: dWeights + r * S + h * T, dEnergies: hb.energies + r * T)
                }
                // dQuery = Σ_h (dL/d(W_h s_i)) W_h: the first head writes it, the others add.
                head.scoreBackward(query: query, previous: previous + h * T, weightStride: S, rows: R, memory: memory,
                                   dKeys: dkp.baseAddress! + h * block, buffers: hb,
                                   dPrevious: dPrevious + h * T, dQuery: dQuery, dQueryBeta: h == 0 ? 0 : 1)
            }
        }}}
    }

    /// dV_h += dKeys_hᵀ enc and dEnc += Σ_h dKeys_h V_h.
    public func finishBackward(memory: AttentionMemory) {
        let rows = memory.utterances * memory.frames, block = rows * headSize
        memory.encoder.withUnsafeBufferPointer { ep in
        memory.dKeys.withUnsafeBufferPointer { dk in
        memory.dEncoder.withUnsafeMutableBufferPointer { de in
            for (h, head) in headAttentions.enumerated() {
                head.keyProjection.backward(x: ep.baseAddress!, dy: dk.baseAddress! + h * block, rows: rows,
                                            dx: de.baseAddress!, dxBeta: 1)
            }
        }}}
    }
}
