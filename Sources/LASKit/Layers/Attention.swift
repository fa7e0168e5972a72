#if canImport(Glibc)
import Glibc
#endif

/// What an attention mechanism attends over: the listener's output for U utterances,
/// batch-major enc[U, T, E] with valid lengths, and its keys V h_j [U, T, A], computed
/// once per utterance rather than once per decoder step.
public final class AttentionMemory {
    public let utterances: Int
    public let frames: Int
    public let encoderSize: Int
    public let keySize: Int
    public let lengths: [Int]
    public internal(set) var encoder: [Float]
    public internal(set) var keys: [Float]
    /// Gradients, accumulated by the decoder steps' backward passes.
    public internal(set) var dEncoder: [Float] = []
    public internal(set) var dKeys: [Float] = []

    init(encoder: [Float], utterances: Int, frames: Int, encoderSize: Int, lengths: [Int], keys: [Float], keySize: Int) {
        precondition(lengths.allSatisfy { $0 >= 1 && $0 <= frames }, "every utterance needs at least one encoder frame")
        self.encoder = encoder; self.utterances = utterances; self.frames = frames
        self.encoderSize = encoderSize; self.lengths = lengths; self.keys = keys; self.keySize = keySize
    }

    /// Zeroes dEncoder and dKeys before the decoder steps' backward passes accumulate into them.
    public func prepareBackward() {
        dEncoder = [Float](repeating: 0, count: encoder.count)
        dKeys = [Float](repeating: 0, count: keys.count)
    }
}

/// Per-step scratch and saved activations for R decoder rows over T frames. The speller
/// carves these out of buffers allocated once per batch, so decoding allocates nothing
/// per step.
///
/// Sizes are those of the attention as a whole (A = `attentionSize`, C = `featureChannels`,
/// heads × T energies per row); a multi-head attention splits each buffer into one block per head.
public struct AttentionStepBuffers {
    public var projectedQuery: UnsafeMutablePointer<Float>   // [R, A]
    public var locationFeatures: UnsafeMutablePointer<Float> // [R, T, C], [R, C, T] when hidden is nil (location-aware only)
    /// Pre-activations U f + W s + V h, kept for the backward pass. nil in search, where
    /// location-aware attention forms them inside its energy loop instead of writing R·T·A floats.
    public var hidden: UnsafeMutablePointer<Float>?          // [R, T, A] (additive and location-aware)
    public var energies: UnsafeMutablePointer<Float>         // [R, heads, T]
    /// Backward scratch, shared by all steps.
    public var dProjectedQuery: UnsafeMutablePointer<Float>  // [R, A]
    public var dLocationFeatures: UnsafeMutablePointer<Float> // [R, T, C]
    /// The query projections' Wᵀ packed once for a whole search, one per head (empty: one sgemm
    /// per step, which re-packs W every time).
    public var queryWeights: [PackedMatrix] = []

    public init(projectedQuery: UnsafeMutablePointer<Float>, locationFeatures: UnsafeMutablePointer<Float>,
                hidden: UnsafeMutablePointer<Float>?, energies: UnsafeMutablePointer<Float>,
                dProjectedQuery: UnsafeMutablePointer<Float>, dLocationFeatures: UnsafeMutablePointer<Float>,
                queryWeights: [PackedMatrix] = []) {
        self.projectedQuery = projectedQuery; self.locationFeatures = locationFeatures; self.hidden = hidden
        self.energies = energies; self.dProjectedQuery = dProjectedQuery; self.dLocationFeatures = dLocationFeatures
        self.queryWeights = queryWeights
    }

    /// The block of head h of `heads`, for `rows` rows over `frames` frames: each buffer of the
    /// whole attention holds its heads' blocks one after another. The head's packed query weights
    /// are `queryWeights[h]`, passed on separately (a one-element array would be an allocation per step).
    func head(_ h: Int, of heads: Int, rows R: Int, frames T: Int, attentionSize A: Int, channels C: Int) -> AttentionStepBuffers {
        AttentionStepBuffers(projectedQuery: projectedQuery + h * R * A, locationFeatures: locationFeatures + h * R * T * C,
                             hidden: hidden.map { $0 + h * R * T * A }, energies: energies + h * R * T,
                             dProjectedQuery: dProjectedQuery + h * R * A, dLocationFeatures: dLocationFeatures + h * R * T * C)
    }
}

public enum AttentionKind: String, Codable, CaseIterable, Sendable {
    /// Chorowski et al. 2015: e_ij = wᵀ tanh(W s_i + V h_j + U f_ij + b), f_i = conv(α_{i-1}).
    case location
    /// Luong et al. 2015 / Vaswani et al. 2017: e_ij = (W s_i + b)ᵀ (V h_j) / √A.
    case dotProduct = "dot"
    /// Bahdanau et al. 2015, content only: e_ij = vᵀ tanh(W s_i + V h_j + b).
    case additive
    /// Chiu et al. 2018: H location-aware heads, each over its own slice of the context.
    case multiHeadLocation = "multihead-location"
}

/// An attention mechanism (Bahdanau et al. 2015): at decoder step i it scores every
/// encoder frame j against the decoder state s_i, normalizes the scores with a softmax
/// masked to the utterance's real frames, and returns the weighted sum of encoder frames.
public protocol Attention: ParameterContainer {
    var querySize: Int { get }
    var encoderSize: Int { get }
    var attentionSize: Int { get }
    /// Floats per row of `AttentionStepBuffers.locationFeatures` (0 when unused).
    var featureChannels: Int { get }
    /// Whether the step uses `AttentionStepBuffers.hidden`.
    var usesHidden: Bool { get }
    /// How many alignments a decoder row has: α_i is [heads, T] per row (1 but for multi-head).
    var heads: Int { get }
    /// Wᵀ of each head's query projection W s_i + b, packed once for a search.
    func packedQueryWeights() -> [PackedMatrix]

    /// Computes the keys V h_j once for a batch of encoder outputs enc[U, T, E].
    func memory(encoder: [Float], utterances: Int, frames: Int, lengths: [Int]) -> AttentionMemory

    /// One step for R rows; row r attends over utterance rowUtterance[r] (r itself when nil).
    /// Reads α_{i-1}[R, heads, T]; writes α_i[R, heads, T] (zero on padding) and the context c_i[R, E].
    func forward(query: UnsafePointer<Float>, previous: UnsafePointer<Float>, rows: Int,
                 rowUtterance: UnsafePointer<Int>?, memory: AttentionMemory,
                 buffers: AttentionStepBuffers,
                 weights: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>)

    /// Backward of one forward step with the same arguments (rows are utterances, as in training). dWeights holds dL/dα_i on entry
    /// (from later steps); on return dPrevious += dL/dα_{i-1}. Writes dQuery[R, Dq];
    /// accumulates parameter gradients and memory.dEncoder / memory.dKeys.
    func backward(query: UnsafePointer<Float>, previous: UnsafePointer<Float>, rows: Int,
                  memory: AttentionMemory, buffers: AttentionStepBuffers,
                  weights: UnsafePointer<Float>, dContext: UnsafePointer<Float>,
                  dWeights: UnsafeMutablePointer<Float>, dPrevious: UnsafeMutablePointer<Float>,
                  dQuery: UnsafeMutablePointer<Float>)

    /// After all steps: backward of the keys, dV and memory.dEncoder += dKeys V.
    func finishBackward(memory: AttentionMemory)
}

/// The pieces every attention shares: keys, masked softmax and the context vector.
enum AttentionMath {
    /// Keys V h_j for every frame, once per batch.
    static func memory(_ keyProjection: Linear, encoder: [Float], utterances: Int, frames: Int, lengths: [Int]) -> AttentionMemory {
        AttentionMemory(encoder: encoder, utterances: utterances, frames: frames, encoderSize: keyProjection.inputSize,
                        lengths: lengths, keys: keyProjection.forward(encoder, rows: utterances * frames),
                        keySize: keyProjection.outputSize)
    }

    /// Backward of the keys: dV += dKeysᵀ enc and dEnc += dKeys V.
    static func keysBackward(_ keyProjection: Linear, memory: AttentionMemory) {
        let rows = memory.utterances * memory.frames
        memory.encoder.withUnsafeBufferPointer { ep in
            memory.dKeys.withUnsafeBufferPointer { dk in
                memory.dEncoder.withUnsafeMutableBufferPointer { de in
                    keyProjection.backward(x: ep.baseAddress!, dy: dk.baseAddress!, rows: rows, dx: de.baseAddress!, dxBeta: 1)
                }
            }
        }
    }

    /// α = softmax(e) over the first `length` entries of a row; zero beyond.
    static func maskedSoftmax(_ e: UnsafePointer<Float>, length: Int, frames: Int, into a: UnsafeMutablePointer<Float>) {
        Softmax.apply(e, count: length, into: a)
        for j in length..<frames { a[j] = 0 }
    }

    /// The tail every kind shares: α_r = masked softmax of row r's energies, then c_r = Σ_j α_rj enc_{u,j}
    /// with one [rows, T]×[T, E] product per run of consecutive rows over the same utterance u
    /// (a beam's hypotheses), instead of one pass over enc_u per row.
    ///
    /// One head of several: row r's α is written at weights + r·weightStride, and the context takes
    /// only the encoder's `contextColumns` (c_r[cols] = Σ_j α_rj enc_{u,j}[cols]).
    static func attend(energies e: UnsafePointer<Float>, rows R: Int, rowUtterance: UnsafePointer<Int>?,
                       memory: AttentionMemory, encoder: UnsafePointer<Float>,
                       weights a: UnsafeMutablePointer<Float>, weightStride: Int? = nil,
                       context c: UnsafeMutablePointer<Float>, contextColumns: Range<Int>? = nil) {
        let T = memory.frames, E = memory.encoderSize, S = weightStride ?? T
        let columns = contextColumns ?? 0..<E
        for r in 0..<R {
            maskedSoftmax(e + r * T, length: memory.lengths[rowUtterance?[r] ?? r], frames: T, into: a + r * S)
        }
        forEachUtteranceRun(rows: R, rowUtterance: rowUtterance) { u, run in
            sgemm(m: run.count, n: columns.count, k: memory.lengths[u], a + run.lowerBound * S, lda: S,
                  encoder + u * T * E + columns.lowerBound, ldb: E, c + run.lowerBound * E + columns.lowerBound, ldc: E)
        }
    }

    /// Calls `body(u, rows)` for each maximal run of consecutive rows attending over the same
    /// utterance u (row r attends over rowUtterance[r], or r itself when nil).
    @inline(__always)
    static func forEachUtteranceRun(rows R: Int, rowUtterance: UnsafePointer<Int>?, _ body: (Int, Range<Int>) -> Void) {
        var start = 0
        while start < R {
            let u = rowUtterance?[start] ?? start
            var end = start + 1
            while end < R && (rowUtterance?[end] ?? end) == u { end += 1 }
            body(u, start..<end)
            start = end
        }
    }

    /// dα_rj += dc_r · enc_uj and dEnc_uj += α_rj dc_r, then de = α ⊙ (dα − Σ α dα) (softmax backward).
    /// dα is consumed; de is written into `dEnergies`. One head of several reads and writes only
    /// `columns` context features, from rows `encoderStride` apart (dc, enc and dEnc point at its first column).
    static func contextAndSoftmaxBackward(weights a: UnsafePointer<Float>, dContext dc: UnsafePointer<Float>,
                                          encoder: UnsafePointer<Float>, dEncoder: UnsafeMutablePointer<Float>,
                                          length: Int, frames: Int, encoderSize E: Int,
                                          columns: Int? = nil, encoderStride: Int? = nil,
                                          dWeights da: UnsafeMutablePointer<Float>, dEnergies de: UnsafeMutablePointer<Float>) {
        let n = columns ?? E, stride = encoderStride ?? E
        sgemm(transB: true, m: 1, n: length, k: n, dc, encoder, ldb: stride, beta: 1, da)
        sgemm(transA: true, m: length, n: n, k: 1, a, dc, beta: 1, dEncoder, ldc: stride)
        var s: Float = 0
        for j in 0..<length { s += a[j] * da[j] }
        for j in 0..<length { de[j] = a[j] * (da[j] - s) }
        for j in length..<frames { de[j] = 0 }
    }
}
