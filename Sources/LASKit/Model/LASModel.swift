/// Listen, Attend and Spell (Chan et al. 2016): listener + speller, with an optional CTC
/// head on the listener for the joint loss (Kim, Hori & Watanabe 2017).
public final class LASModel: ParameterContainer {
    /// Vocabulary ids with a fixed meaning, `Vocabulary`'s: padding/CTC blank and start/end of sentence.
    public static let padID = Vocabulary.blankID
    public static let sosID = Vocabulary.endOfSentenceID
    public static let eosID = Vocabulary.endOfSentenceID

    public let config: LASConfig
    public let listener: Listener
    public let speller: Speller
    public let ctcHead: Linear?

    public init(config: LASConfig, seed: UInt64) {
        self.config = config
        var rng = SplitMix64(seed: seed)
        listener = Listener(config: config, rng: &rng)
        let attention: any Attention
        switch config.attention {
        case .location:
            attention = LocationAwareAttention(name: "speller.attention", querySize: config.decoderHidden,
                                               encoderSize: config.encoderOutputSize, attentionSize: config.attentionSize,
                                               channels: config.attentionChannels, kernelSize: config.attentionKernel, rng: &rng)
        case .dotProduct:
            attention = DotProductAttention(name: "speller.attention", querySize: config.decoderHidden,
                                            encoderSize: config.encoderOutputSize, attentionSize: config.attentionSize, rng: &rng)
        case .additive:
            attention = AdditiveAttention(name: "speller.attention", querySize: config.decoderHidden,
                                          encoderSize: config.encoderOutputSize, attentionSize: config.attentionSize, rng: &rng)
        case .multiHeadLocation:
            attention = MultiHeadLocationAwareAttention(
                name: "speller.attention", querySize: config.decoderHidden, encoderSize: config.encoderOutputSize,
                attentionSize: config.attentionSize, heads: config.attentionHeads,
                channels: config.attentionChannels, kernelSize: config.attentionKernel, rng: &rng)
        }
        speller = Speller(name: "speller", vocabularySize: config.vocabularySize, embeddingSize: config.embeddingSize,
                          hiddenSize: config.decoderHidden, attention: attention, rng: &rng)
        ctcHead = config.ctcWeight > 0
            ? Linear(name: "ctc", inputSize: config.encoderOutputSize, outputSize: config.vocabularySize, rng: &rng)
            : nil
    }

    public var parameters: [Parameter] { listener.parameters + speller.parameters + (ctcHead?.parameters ?? []) }

    /// Runs the listener on a batch and returns its output batch-major [B, T', E].
    public func encode(_ batch: FeatureBatch) -> (encoder: [Float], frames: Int, lengths: [Int]) {
        var rng = SplitMix64(seed: 0), cache = Listener.Cache()
        let h = listener.forward(batch.features, steps: batch.steps, batch: batch.count, lengths: batch.lengths,
                                 training: false, rng: &rng, cache: &cache)
        return (TimeMajor.toBatchMajor(h, steps: cache.outputSteps, batch: batch.count, width: config.encoderOutputSize),
                cache.outputSteps, cache.outputLengths)
    }

    public struct LossResult {
        /// Per-utterance loss (Σ over tokens / batch size) that was differentiated.
        public var loss: Double
        public var attentionLoss: Double
        public var ctcLoss: Double
        public var tokens: Int
        public var correctTokens: Int
    }

    /// Teacher-forced loss of a labeled batch; with `backward`, also accumulates dloss/dθ into
    /// every parameter's `grad` (the caller zeroes them).
    public func loss(_ batch: FeatureBatch, targets: [[Int32]], training: Bool, backward: Bool,
                     samplingProbability: Float = 0, rng: inout SplitMix64) throws -> LossResult {
        var rngs = rng.split(batch.count)
        return try loss(batch, targets: targets, training: training, backward: backward,
                        samplingProbability: samplingProbability, rngs: &rngs)
    }

    /// As above with one generator per utterance (dropout masks, then scheduled sampling), so an
    /// utterance's loss and gradient do not depend on the rest of its batch. `normalizer`: the
    /// losses are summed over the batch and divided by it (nil: the batch size, a mean); a
    /// rank of data-parallel training divides by the global batch size, so that the ranks'
    /// gradients add up to the gradient of the global batch's mean loss.
    public func loss(_ batch: FeatureBatch, targets: [[Int32]], training: Bool, backward: Bool,
                     samplingProbability: Float = 0, rngs: inout [SplitMix64], normalizer: Int? = nil) throws -> LossResult {
        let B = batch.count, E = config.encoderOutputSize
        precondition(targets.count == B && rngs.count == B)
        let N = Float(normalizer ?? B)
        var cache = Listener.Cache()
        let h = listener.forward(batch.features, steps: batch.steps, batch: B, lengths: batch.lengths,
                                 training: training, rngs: &rngs, cache: &cache)
        let T2 = cache.outputSteps, lengths2 = cache.outputLengths
        if let short = lengths2.firstIndex(where: { $0 < 1 }) {
            throw ModelError.utteranceTooShort(index: short, frames: batch.lengths[short], needed: config.timeReduction)
        }
        let encoder = TimeMajor.toBatchMajor(h, steps: T2, batch: B, width: E)
        let memory = speller.attention.memory(encoder: encoder, utterances: B, frames: T2, lengths: lengths2)
        let (inputs, outputs, L) = Self.teacherForcing(targets)
        let trace = speller.forward(memory: memory, inputTokens: inputs, steps: L,
                                    samplingProbability: samplingProbability, rngs: &rngs)
        let λ = ctcHead == nil ? 0 : config.ctcWeight
        let ce = LabelSmoothedCrossEntropy.evaluate(logits: trace.logits, targets: outputs, classes: config.vocabularySize,
                                                    smoothing: config.labelSmoothing, normalizer: N)
        var result = LossResult(loss: Double(1 - λ) * ce.loss, attentionLoss: ce.loss, ctcLoss: 0,
                                tokens: ce.tokens, correctTokens: ce.correct)
        var ctcGradient: [Float] = []
        if let ctcHead {
            let logits = ctcHead.forward(h, rows: T2 * B)
            let ctc = CTCLoss.evaluate(logits: logits, steps: T2, batch: B, classes: config.vocabularySize,
                                       lengths: lengths2, targets: targets, blank: Self.padID, normalizer: N)
            result.ctcLoss = ctc.loss
            result.loss += Double(λ) * ctc.loss
            if backward {
                var dLogits = ctc.dLogits
                for i in 0..<dLogits.count { dLogits[i] *= λ }
                ctcGradient = ctcHead.backward(x: h, dy: dLogits, rows: T2 * B)
            }
        }
        guard backward else { return result }
        var dLogits = ce.dLogits
        if λ != 0 { for i in 0..<dLogits.count { dLogits[i] *= 1 - λ } }
        let dEncoder = speller.backward(trace, dLogits: dLogits)
        var dh = TimeMajor.fromBatchMajor(dEncoder, steps: T2, batch: B, width: E)
        if !ctcGradient.isEmpty { for i in 0..<dh.count { dh[i] += ctcGradient[i] } }
        _ = listener.backward(dh, batch: B, cache: cache, inputGradient: false)
        return result
    }

    /// Decoder inputs <sos> y₁ … y_n and targets y₁ … y_n <eos>, time-major [L, B], padded.
    public static func teacherForcing(_ targets: [[Int32]]) -> (inputs: [Int32], outputs: [Int32], steps: Int) {
        let B = targets.count, L = (targets.map(\.count).max() ?? 0) + 1
        var inputs = [Int32](repeating: padID, count: L * B), outputs = inputs
        for (b, y) in targets.enumerated() {
            inputs[b] = sosID
            for (i, tok) in y.enumerated() {
                inputs[(i + 1) * B + b] = tok
                outputs[i * B + b] = tok
            }
            outputs[y.count * B + b] = eosID
        }
        return (inputs, outputs, L)
    }
}

public enum ModelError: Error, CustomStringConvertible {
    case utteranceTooShort(index: Int, frames: Int, needed: Int)

    public var description: String {
        switch self {
        case let .utteranceTooShort(index, frames, needed):
            return "utterance \(index) has \(frames) feature frames; the listener needs at least \(needed)"
        }
    }
}

/// A padded batch of feature sequences, time-major [T, B, D], with each one's length.
public struct FeatureBatch {
    public var features: [Float]
    public var steps: Int
    public var count: Int
    public var width: Int
    public var lengths: [Int]

    public init(features: [Float], steps: Int, count: Int, width: Int, lengths: [Int]) {
        precondition(features.count == steps * count * width && lengths.count == count)
        self.features = features; self.steps = steps; self.count = count; self.width = width; self.lengths = lengths
    }

    /// Pads and interleaves per-utterance [frames, width] matrices.
    public init(_ utterances: [(values: [Float], frames: Int)], width: Int) {
        let T = utterances.map(\.frames).max() ?? 0, B = utterances.count
        var x = [Float](repeating: 0, count: T * B * width)
        x.withUnsafeMutableBufferPointer { xp in
            for (b, u) in utterances.enumerated() {
                u.values.withUnsafeBufferPointer { src in
                    for t in 0..<u.frames {
                        (xp.baseAddress! + (t * B + b) * width).update(from: src.baseAddress! + t * width, count: width)
                    }
                }
            }
        }
        self.init(features: x, steps: T, count: B, width: width, lengths: utterances.map(\.frames))
    }
}

/// Layout changes between time-major [T, B, W] (what recurrences want) and batch-major
/// [B, T, W] (what attention wants: each utterance's frames contiguous).
public enum TimeMajor {
    public static func toBatchMajor(_ x: [Float], steps T: Int, batch B: Int, width W: Int) -> [Float] {
        permute(x, outer: T, inner: B, width: W)
    }

    public static func fromBatchMajor(_ x: [Float], steps T: Int, batch B: Int, width W: Int) -> [Float] {
        permute(x, outer: B, inner: T, width: W)
    }

    private static func permute(_ x: [Float], outer: Int, inner: Int, width W: Int) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                for o in 0..<outer {
                    for i in 0..<inner {
                        (yp.baseAddress! + (i * outer + o) * W).update(from: xp.baseAddress! + (o * inner + i) * W, count: W)
                    }
                }
            }
        }
        return y
    }
}

extension LASModel {
    /// Listener output of a batch, wrapped for attention (keys computed once).
    ///
    /// Single-threaded BLAS throughout: the listener already runs its two directions on two
    /// threads, and one multi-threaded product here would leave OpenBLAS's worker spinning
    /// (sched_yield, about 0.1 s) on the core the beam search needs next.
    public func attentionMemory(_ batch: FeatureBatch) throws -> AttentionMemory {
        try BLASThreads.single { try encodedMemory(batch) }
    }

    private func encodedMemory(_ batch: FeatureBatch) throws -> AttentionMemory {
        let (encoder, frames, lengths) = encode(batch)
        if let short = lengths.firstIndex(where: { $0 < 1 }) {
            throw ModelError.utteranceTooShort(index: short, frames: batch.lengths[short], needed: config.timeReduction)
        }
        return speller.attention.memory(encoder: encoder, utterances: batch.count, frames: frames, lengths: lengths)
    }
}
