/// Location-aware attention (Chorowski et al. 2015, eq. 5–9):
///
///     f_i = F ∗ α_{i-1}                       (C channels, kernel K, zero padding K/2)
///     e_ij = wᵀ tanh(W s_i + V h_j + U f_ij + b)
///     α_i = softmax over the utterance's frames of e_i
///
/// Seeing where it attended last lets the model move forward monotonically through
/// the utterance instead of jumping between similar-sounding frames.
public struct LocationAwareAttention: Attention {
    public let querySize: Int
    public let encoderSize: Int
    public let attentionSize: Int
    public let channels: Int
    public let kernelSize: Int
    public let queryProjection: Linear      // W, b
    public let keyProjection: Linear        // V (no bias)
    public let convolution: Parameter       // F [C, K]
    public let locationProjection: Linear   // U (no bias)
    public let scorer: Parameter            // w [A]

    public var featureChannels: Int { channels }
    public var usesHidden: Bool { true }
    public var heads: Int { 1 }

    public func packedQueryWeights() -> [PackedMatrix] { [queryProjection.packedWeights()] }

    public init(name: String, querySize: Int, encoderSize: Int, attentionSize: Int,
                channels: Int, kernelSize: Int, rng: inout SplitMix64) {
        precondition(kernelSize % 2 == 1, "an odd kernel keeps the convolution centred")
        self.querySize = querySize; self.encoderSize = encoderSize; self.attentionSize = attentionSize
        self.channels = channels; self.kernelSize = kernelSize
        queryProjection = Linear(name: name + ".W", inputSize: querySize, outputSize: attentionSize, rng: &rng)
        keyProjection = Linear(name: name + ".V", inputSize: encoderSize, outputSize: attentionSize, bias: false, rng: &rng)
        convolution = Parameter(name: name + ".conv.weight", shape: [channels, kernelSize],
                                uniform: 1 / Float(kernelSize).squareRoot(), rng: &rng)
        locationProjection = Linear(name: name + ".U", inputSize: channels, outputSize: attentionSize, bias: false, rng: &rng)
        scorer = Parameter(name: name + ".w.weight", shape: [attentionSize],
                           uniform: 1 / Float(attentionSize).squareRoot(), rng: &rng)
    }

    public var parameters: [Parameter] {
        queryProjection.parameters + keyProjection.parameters + [convolution]
            + locationProjection.parameters + [scorer]
    }

    public func memory(encoder: [Float], utterances: Int, frames: Int, lengths: [Int]) -> AttentionMemory {
        AttentionMath.memory(keyProjection, encoder: encoder, utterances: utterances, frames: frames, lengths: lengths)
    }

    public func forward(query: UnsafePointer<Float>, previous: UnsafePointer<Float>, rows R: Int,
                        rowUtterance: UnsafePointer<Int>?, memory: AttentionMemory,
                        buffers: AttentionStepBuffers,
                        weights: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>) {
        memory.keys.withUnsafeBufferPointer { kp in
        memory.encoder.withUnsafeBufferPointer { ep in
            score(query: query, previous: previous, weightStride: memory.frames, rows: R, rowUtterance: rowUtterance,
                  memory: memory, keys: kp.baseAddress!, buffers: buffers, packedQueryWeights: buffers.queryWeights.first)
            AttentionMath.attend(energies: buffers.energies, rows: R, rowUtterance: rowUtterance, memory: memory,
                                 encoder: ep.baseAddress!, weights: weights, context: context)
        }}
    }

    /// The energies e_i[R, T] into `buffers.energies`, from α_{i-1} at previous + r·weightStride and
    /// this attention's keys V h_j at `keys` ([U, T, A]); a multi-head attention calls it per head.
    func score(query: UnsafePointer<Float>, previous: UnsafePointer<Float>, weightStride S: Int, rows R: Int,
               rowUtterance: UnsafePointer<Int>?, memory: AttentionMemory, keys: UnsafePointer<Float>,
               buffers: AttentionStepBuffers, packedQueryWeights: PackedMatrix?) {
        let T = memory.frames, A = attentionSize, C = channels, K = kernelSize, P = kernelSize / 2
        queryProjection.forward(query, rows: R, into: buffers.projectedQuery, packed: packedQueryWeights)
        // Search keeps the features channel-major, [R, C, T], so the convolution's sweeps are
        // contiguous; training keeps [R, T, C], the layout of U's product and its backward.
        let channelMajor = buffers.hidden == nil
        convolution.value.withUnsafeBufferPointer { fw in
            let F = fw.baseAddress!
            for r in 0..<R {
                let prev = previous + r * S, feat = buffers.locationFeatures + r * T * C
                // Frames innermost: for each tap, a sweep of independent multiply-adds rather than
                // one dependent chain of K adds per (frame, channel).
                feat.update(repeating: 0, count: T * C)
                for c in 0..<C {
                    for k in 0..<K {
                        let w = F[c * K + k]
                        let j0 = max(0, P - k), j1 = min(T, T + P - k)   // 0 ≤ j + k − P < T
                        if j0 >= j1 { continue }   // utterances shorter than half the kernel
                        if channelMajor {
                            let out = feat + c * T, src = prev + k - P
                            for j in j0..<j1 { out[j] += w * src[j] }
                        } else {
                            var j = j0
                            while j < j1 { feat[j * C + c] += w * prev[j + k - P]; j += 1 }
                        }
                    }
                }
            }
        }
        // hidden = tanh(U f + W s + V h), then e = hidden · w.
        scorer.value.withUnsafeBufferPointer { wp in
            if let hidden = buffers.hidden {
                locationProjection.forward(buffers.locationFeatures, rows: R * T, into: hidden)
                for r in 0..<R {
                    let u = rowUtterance?[r] ?? r
                    let ws = buffers.projectedQuery + r * A
                    for j in 0..<memory.lengths[u] {
                        let z = hidden + (r * T + j) * A, key = keys + (u * T + j) * A
                        buffers.energies[r * T + j] = Self.energy(z, query: ws, key: key, scorer: wp.baseAddress!, count: A)
                    }
                }
            } else {
                // Uᵀ [C, A], so that U f_ij is C multiply-adds of contiguous rows.
                withUnsafeTemporaryAllocation(of: Float.self, capacity: C * A) { ut in
                    locationProjection.weight.value.withUnsafeBufferPointer { u in
                        for a in 0..<A { for c in 0..<C { ut[c * A + a] = u[a * C + c] } }
                    }
                    for r in 0..<R {
                        let u = rowUtterance?[r] ?? r
                        let ws = buffers.projectedQuery + r * A
                        for j in 0..<memory.lengths[u] {
                            buffers.energies[r * T + j] = Self.energy(
                                features: buffers.locationFeatures + r * T * C + j, stride: T, channels: C, locationWeights: ut.baseAddress!,
                                query: ws, key: keys + (u * T + j) * A, scorer: wp.baseAddress!, count: A)
                        }
                    }
                }
            }
        }
    }

    /// e = w · tanh(Σ_c f_c Uᵀ[c] + W s + V h) without storing the pre-activations (search);
    /// f_c is at f[c · stride].
    @inline(__always)
    static func energy(features f: UnsafePointer<Float>, stride: Int, channels C: Int, locationWeights ut: UnsafePointer<Float>,
                       query ws: UnsafePointer<Float>, key: UnsafePointer<Float>,
                       scorer w: UnsafePointer<Float>, count A: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        var a = 0
        while a + 16 <= A {
            var z0 = Kernels.load8(ws + a) + Kernels.load8(key + a)
            var z1 = Kernels.load8(ws + a + 8) + Kernels.load8(key + a + 8)
            for c in 0..<C {
                let fc = SIMD8<Float>(repeating: f[c * stride]), row = ut + c * A + a
                z0 = Kernels.multiplyAdd(fc, Kernels.load8(row), z0)
                z1 = Kernels.multiplyAdd(fc, Kernels.load8(row + 8), z1)
            }
            acc0 = Kernels.multiplyAdd(Kernels.tanh(z0), Kernels.load8(w + a), acc0)
            acc1 = Kernels.multiplyAdd(Kernels.tanh(z1), Kernels.load8(w + a + 8), acc1)
            a += 16
        }
        var e = (acc0 + acc1).sum()
        for i in a..<A {
            var z = ws[i] + key[i]
            for c in 0..<C { z += f[c * stride] * ut[c * A + i] }
            e += w[i] * Kernels.tanh(z)
        }
        return e
    }

    /// z = tanh(z + W s + V h) in place, then e = z · w (the same sums as `Kernels.dot`), sixteen
    /// lanes at a time so that several tanh evaluations overlap.
    @inline(__always)
    static func energy(_ z: UnsafeMutablePointer<Float>, query ws: UnsafePointer<Float>, key: UnsafePointer<Float>,
                       scorer w: UnsafePointer<Float>, count A: Int) -> Float {
        var acc = SIMD8<Float>()
        var a = 0
        while a + 16 <= A {
            let v0 = Kernels.tanh(Kernels.load8(z + a) + Kernels.load8(ws + a) + Kernels.load8(key + a))
            let v1 = Kernels.tanh(Kernels.load8(z + a + 8) + Kernels.load8(ws + a + 8) + Kernels.load8(key + a + 8))
            Kernels.store8(v0, z + a); Kernels.store8(v1, z + a + 8)
            acc += v0 * Kernels.load8(w + a)
            acc += v1 * Kernels.load8(w + a + 8)
            a += 16
        }
        for i in a..<A { z[i] = Kernels.tanh(z[i] + ws[i] + key[i]) }
        return acc.sum() + Kernels.dot(z + a, w + a, count: A - a)
    }

    public func backward(query: UnsafePointer<Float>, previous: UnsafePointer<Float>, rows R: Int,
                         memory: AttentionMemory, buffers: AttentionStepBuffers,
                         weights: UnsafePointer<Float>, dContext: UnsafePointer<Float>,
                         dWeights: UnsafeMutablePointer<Float>, dPrevious: UnsafeMutablePointer<Float>,
                         dQuery: UnsafeMutablePointer<Float>) {
        let T = memory.frames, E = encoderSize
        // de into the energies buffer, whose values are no longer needed.
        memory.encoder.withUnsafeBufferPointer { ep in
        memory.dEncoder.withUnsafeMutableBufferPointer { dep in
            for r in 0..<R {
                AttentionMath.contextAndSoftmaxBackward(
                    weights: weights + r * T, dContext: dContext + r * E,
                    encoder: ep.baseAddress! + r * T * E, dEncoder: dep.baseAddress! + r * T * E,
                    length: memory.lengths[r], frames: T, encoderSize: E, dWeights: dWeights + r * T,
                    dEnergies: buffers.energies + r * T)
            }
        }}
        memory.dKeys.withUnsafeMutableBufferPointer { dkp in
            scoreBackward(query: query, previous: previous, weightStride: T, rows: R, memory: memory,
                          dKeys: dkp.baseAddress!, buffers: buffers, dPrevious: dPrevious, dQuery: dQuery, dQueryBeta: 0)
        }
    }

    /// Backward of `score` (rows are utterances) with de[R, T] in `buffers.energies`: accumulates
    /// the parameter gradients, dKeys ([U, T, A]) and dPrevious (rows weightStride apart), and
    /// writes dQuery (adds to it with dQueryBeta 1).
    func scoreBackward(query: UnsafePointer<Float>, previous: UnsafePointer<Float>, weightStride S: Int, rows R: Int,
                       memory: AttentionMemory, dKeys: UnsafeMutablePointer<Float>, buffers: AttentionStepBuffers,
                       dPrevious: UnsafeMutablePointer<Float>, dQuery: UnsafeMutablePointer<Float>, dQueryBeta: Float) {
        let T = memory.frames, A = attentionSize, C = channels, K = kernelSize, P = kernelSize / 2
        // Turn hidden into dpre = de·w ⊙ (1 − z²) in place after its value has served for dw.
        let dws = buffers.dProjectedQuery, dFeatures = buffers.dLocationFeatures
        guard let hiddenBuffer = buffers.hidden else { preconditionFailure("attention backward needs the forward's hidden buffer") }
        dws.update(repeating: 0, count: R * A)
        scorer.value.withUnsafeBufferPointer { wp in
        scorer.grad.withUnsafeMutableBufferPointer { dwp in
            for r in 0..<R {
                let len = memory.lengths[r]
                let de = buffers.energies + r * T
                let dwsr = dws + r * A
                for j in 0..<len {
                    let z = hiddenBuffer + (r * T + j) * A, dk = dKeys + (r * T + j) * A
                    let d = de[j]
                    for a in 0..<A {
                        let zv = z[a]
                        dwp[a] += d * zv
                        let g = d * wp[a] * (1 - zv * zv)
                        z[a] = g
                        dwsr[a] += g
                        dk[a] += g
                    }
                }
                for j in len..<T { (hiddenBuffer + (r * T + j) * A).update(repeating: 0, count: A) }
            }
        }}
        queryProjection.backward(x: query, dy: dws, rows: R, dx: dQuery, dxBeta: dQueryBeta)
        locationProjection.backward(x: buffers.locationFeatures, dy: hiddenBuffer, rows: R * T, dx: dFeatures)
        convolution.value.withUnsafeBufferPointer { fw in
        convolution.grad.withUnsafeMutableBufferPointer { dfw in
            for r in 0..<R {
                let prev = previous + r * S, dprev = dPrevious + r * S, df = dFeatures + r * T * C
                for j in 0..<T {
                    let k0 = max(0, P - j), k1 = min(K, T + P - j)
                    for c in 0..<C {
                        let g = df[j * C + c]
                        if g == 0 { continue }
                        let fc = fw.baseAddress! + c * K, dfc = dfw.baseAddress! + c * K
                        for k in k0..<k1 {
                            dfc[k] += g * prev[j + k - P]
                            dprev[j + k - P] += g * fc[k]
                        }
                    }
                }
            }
        }}
    }

    public func finishBackward(memory: AttentionMemory) {
        AttentionMath.keysBackward(keyProjection, memory: memory)
    }
}
