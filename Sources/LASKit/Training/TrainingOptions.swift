/// How a model is trained. Stored in checkpoints so `--resume` continues the same run.
public struct TrainingOptions: Codable, Equatable, Sendable {
    public var epochs = 30
    /// Stop after this many optimizer steps in total (nil: run all epochs).
    public var maxSteps: Int?
    public var batchSize = 16
    /// Peak learning rate of Adam, reached after `warmupSteps` and decayed by a half cosine
    /// to `finalLearningRateFraction` of itself at the last planned step.
    public var learningRate: Float = 1e-3
    public var warmupSteps = 300
    public var finalLearningRateFraction: Float = 0.05
    public var clipNorm: Float = 5
    /// Checkpoint every this many steps, and at the end of every epoch.
    public var checkpointEvery = 200
    /// Keep the model of each of the last this many epochs as `epoch-NNN.safetensors`, for
    /// `las average` (0: keep none).
    public var keptEpochModels = 5
    /// Write a step line to the training log every this many steps.
    public var logEvery = 10
    public var seed: UInt64 = 1
    public var threads = 2
    public var specAugment: SpecAugment? = SpecAugment()
    /// Speed-perturbation factors besides 1 (e.g. [0.9, 1.1]); each epoch picks one variant per utterance.
    public var speeds: [Float] = [0.9, 1.1]
    /// Vocal tract length perturbation factors besides 1 (Kaldi's VTLN warp of the mel filters,
    /// e.g. [0.9, 1.1]); each is one more per-epoch variant. Off by default: on the AN4+FSDD
    /// recipe [0.9, 1.1] made held-out error worse (models/README.md).
    public var vocalTractWarps: [Float] = []
    /// Add a copy of each wideband recording band-limited to 4 kHz as one more per-epoch variant.
    public var narrowband = true
    /// Remove each utterance's mean log-mel spectrum before global CMVN (see `CMVN`), making the
    /// model blind to fixed microphone and channel colouring. On by default: on the AN4+FSDD
    /// recipe it took held-out FSDD digit error from 27.8 % to 13.4 % (models/README.md).
    public var utteranceMeanNormalization = true
    /// Scheduled sampling probability (0: pure teacher forcing). Off by default: on the AN4+FSDD
    /// recipe 0.1 made held-out AN4 error worse on two seeds (models/README.md).
    public var samplingProbability: Float = 0
    /// Noise, rooms, microphones, gain and digital silence drawn afresh for every utterance of
    /// every step (nil: off). Off by default until a recipe run has measured it
    /// (models/README.md); `las train --multi-condition` or `--noise` turns it on.
    public var multiCondition: MultiConditionTraining?

    public init() {}

    /// Missing keys keep their defaults, so a config file names only what it changes.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? epochs
        maxSteps = try c.decodeIfPresent(Int.self, forKey: .maxSteps)
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? batchSize
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? learningRate
        warmupSteps = try c.decodeIfPresent(Int.self, forKey: .warmupSteps) ?? warmupSteps
        finalLearningRateFraction = try c.decodeIfPresent(Float.self, forKey: .finalLearningRateFraction) ?? finalLearningRateFraction
        clipNorm = try c.decodeIfPresent(Float.self, forKey: .clipNorm) ?? clipNorm
        checkpointEvery = try c.decodeIfPresent(Int.self, forKey: .checkpointEvery) ?? checkpointEvery
        logEvery = try c.decodeIfPresent(Int.self, forKey: .logEvery) ?? logEvery
        keptEpochModels = try c.decodeIfPresent(Int.self, forKey: .keptEpochModels) ?? keptEpochModels
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
        threads = try c.decodeIfPresent(Int.self, forKey: .threads) ?? threads
        if c.contains(.specAugment) { specAugment = try c.decodeIfPresent(SpecAugment.self, forKey: .specAugment) }
        speeds = try c.decodeIfPresent([Float].self, forKey: .speeds) ?? speeds
        samplingProbability = try c.decodeIfPresent(Float.self, forKey: .samplingProbability) ?? samplingProbability
        vocalTractWarps = try c.decodeIfPresent([Float].self, forKey: .vocalTractWarps) ?? vocalTractWarps
        narrowband = try c.decodeIfPresent(Bool.self, forKey: .narrowband) ?? narrowband
        utteranceMeanNormalization = try c.decodeIfPresent(Bool.self, forKey: .utteranceMeanNormalization) ?? utteranceMeanNormalization
        if c.contains(.multiCondition) { multiCondition = try c.decodeIfPresent(MultiConditionTraining.self, forKey: .multiCondition) }
    }

    /// The first setting training cannot run with, for the user (nil: all usable). `melBins`:
    /// the feature width, which bounds SpecAugment's frequency masks.
    public func problem(melBins: Int) -> String? {
        for (name, value, least) in [("epochs", epochs, 1), ("maxSteps", maxSteps ?? 1, 1), ("batchSize", batchSize, 1),
                                     ("warmupSteps", warmupSteps, 0), ("checkpointEvery", checkpointEvery, 1),
                                     ("keptEpochModels", keptEpochModels, 0), ("logEvery", logEvery, 1), ("threads", threads, 1),
                                     ("specAugment.frequencyMasks", specAugment?.frequencyMasks ?? 0, 0),
                                     ("specAugment.maxFrequencyWidth", specAugment?.maxFrequencyWidth ?? 0, 0),
                                     ("specAugment.timeMasks", specAugment?.timeMasks ?? 0, 0),
                                     ("specAugment.maxTimeWidth", specAugment?.maxTimeWidth ?? 0, 0)] where value < least {
            return "\(name) must be at least \(least) (is \(value))"
        }
        if let width = specAugment?.maxFrequencyWidth, width > melBins {
            return "specAugment.maxFrequencyWidth must not exceed the \(melBins) mel bins (is \(width))"
        }
        if !(learningRate > 0 && learningRate.isFinite) { return "learningRate must be positive (is \(learningRate))" }
        if !(clipNorm > 0) { return "clipNorm must be positive (is \(clipNorm))" }
        for (name, value) in [("finalLearningRateFraction", finalLearningRateFraction), ("samplingProbability", samplingProbability),
                              ("specAugment.maxTimeFraction", specAugment?.maxTimeFraction ?? 0)] where !(value >= 0 && value <= 1) {
            return "\(name) must lie between 0 and 1 (is \(value))"
        }
        // Beyond these, a copy is more distortion than voice: the same bounds as Kaldi's VTLN warp.
        for (name, factors) in [("speeds", speeds), ("vocalTractWarps", vocalTractWarps)] {
            if let f = factors.first(where: { !($0 > 0.5 && $0 < 2) }) { return "\(name) must lie between 0.5 and 2 (has \(f))" }
        }
        return multiCondition?.problem
    }

    /// Learning rate at optimizer step `step` (1-based) of `totalSteps`.
    public func learningRate(step: Int, totalSteps: Int) -> Float {
        if step <= warmupSteps { return learningRate * Float(step) / Float(max(1, warmupSteps)) }
        let progress = min(1, Float(step - warmupSteps) / Float(max(1, totalSteps - warmupSteps)))
        let cosine = 0.5 * (1 + cosf(Float.pi * progress))
        return learningRate * (finalLearningRateFraction + (1 - finalLearningRateFraction) * cosine)
    }
}

#if canImport(Glibc)
import Glibc
#endif
