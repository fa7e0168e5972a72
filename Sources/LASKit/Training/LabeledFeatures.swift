import Dispatch
import Foundation

/// One utterance ready for training: its features (one matrix per variant, variant 0 at the
/// original speed), the waveforms the first `waveforms.count` variants were computed from
/// (kept for multi-condition training, which corrupts them afresh each step), and its target
/// characters.
public struct LabeledExample {
    public var utterance: Utterance
    public var variants: [FeatureMatrix]
    public var waveforms: [[Float]]
    public var targets: [Int32]
    public var frames: Int { variants[0].frames }
    /// False for a placeholder: an utterance another rank computes, of which this rank only
    /// needs the length (to cut the same batches).
    public var hasFeatures: Bool { variants[0].bins > 0 }

    public init(utterance: Utterance, variants: [FeatureMatrix], waveforms: [[Float]] = [], targets: [Int32]) {
        self.utterance = utterance; self.variants = variants; self.waveforms = waveforms; self.targets = targets
    }

    public static func placeholder(utterance: Utterance, frames: Int) -> LabeledExample {
        LabeledExample(utterance: utterance, variants: [FeatureMatrix(frames: frames, bins: 0, values: [])], targets: [])
    }
}

/// Reads and featurizes a data set once, in parallel, keeping what failed.
public enum LabeledFeatures {
    public struct Failure: Error, CustomStringConvertible {
        public var utterance: Utterance
        public var reason: String
        public var description: String { "\(utterance.audioPath): \(reason)" }
    }

    /// Decodes each utterance's audio, adds the perturbed `copies` of its waveform and computes
    /// log-mel features of each (variant 0 the original). With `keepWaveforms` every variant but
    /// the warped ones keeps its waveform, for multi-condition training to corrupt afresh.
    /// `progress` is called with the number done so far.
    public static func compute(_ utterances: [Utterance], featureConfig: FeatureConfig,
                               copies: PerturbedCopies = PerturbedCopies(), keepWaveforms: Bool = false,
                               vocabulary: Vocabulary, normalizer: TextNormalizer, threads: Int = 2,
                               progress: ((Int) -> Void)? = nil) throws -> (examples: [LabeledExample], failures: [Failure]) {
        let n = utterances.count
        var results = [Result<LabeledExample, Failure>?](repeating: nil, count: n)
        let lock = NSLock()
        var done = 0
        let workers = max(1, min(threads, n))
        // One filterbank per worker: FFTW plans are reused, never shared across threads.
        let banks = try (0..<workers).map { _ in try LogMelFilterbank(config: featureConfig) }
        let warpedBanks = try (0..<workers).map { _ in try copies.warpedFilterbanks(featureConfig) }
        results.withUnsafeMutableBufferPointer { out in
            let out = out
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var i = w
                while i < n {
                    let u = utterances[i]
                    do {
                        out[i] = .success(try example(u, featureConfig: featureConfig, copies: copies, keepWaveforms: keepWaveforms,
                                                      bank: banks[w], warpedBanks: warpedBanks[w],
                                                      vocabulary: vocabulary, normalizer: normalizer))
                    } catch {
                        out[i] = .failure(Failure(utterance: u, reason: "\(error)"))
                    }
                    lock.lock(); done += 1; let d = done; lock.unlock()
                    if w == 0 { progress?(d) }
                    i += workers
                }
            }
        }
        var examples: [LabeledExample] = [], failures: [Failure] = []
        for r in results {
            switch r! {
            case let .success(e): examples.append(e)
            case let .failure(f): failures.append(f)
            }
        }
        return (examples, failures)
    }

    /// One utterance read, perturbed, featurized and encoded.
    static func example(_ u: Utterance, featureConfig: FeatureConfig, copies: PerturbedCopies, keepWaveforms: Bool,
                        bank: LogMelFilterbank, warpedBanks: [LogMelFilterbank],
                        vocabulary: Vocabulary, normalizer: TextNormalizer) throws -> LabeledExample {
        let audio = try AudioFile(u.audioPath, sampleRate: featureConfig.sampleRate)
        let waveforms = try copies.waveforms(of: audio.samples, originalSampleRate: audio.originalSampleRate,
                                             sampleRate: featureConfig.sampleRate)
        var variants = waveforms.map { bank.compute($0) }
        for warped in warpedBanks { variants.append(warped.compute(audio.samples)) }
        guard variants[0].frames > 0 else { throw TrainingDataError.tooShort(path: u.audioPath) }
        let targets = vocabulary.encodeSkippingUnknown(normalizer.normalize(u.text))
        return LabeledExample(utterance: u, variants: variants, waveforms: keepWaveforms ? waveforms : [], targets: targets)
    }

    /// Global mean and variance over every frame of the original-speed features (each utterance
    /// centred on the mean of its frames above `silenceLevel` first when `subtractsUtteranceMean`).
    public static func statistics(_ examples: [LabeledExample], bins: Int, subtractsUtteranceMean: Bool = false,
                                  silenceLevel: Float? = nil) throws -> CMVN {
        var acc = CMVNAccumulator(bins: bins)
        try accumulate(examples, into: &acc, subtractsUtteranceMean: subtractsUtteranceMean, silenceLevel: silenceLevel)
        return try acc.finalize(subtractsUtteranceMean: subtractsUtteranceMean, silenceLevel: silenceLevel)
    }

    /// The sums `statistics` finalizes, added to `acc` (placeholders add nothing).
    public static func accumulate(_ examples: [LabeledExample], into acc: inout CMVNAccumulator,
                                  subtractsUtteranceMean: Bool = false, silenceLevel: Float? = nil) throws {
        for e in examples where e.hasFeatures {
            var features = e.variants[0]
            if subtractsUtteranceMean { CMVN.subtractUtteranceMean(&features, silenceLevel: silenceLevel) }
            try acc.add(features)
        }
    }

    /// Normalizes every variant of every example with features (placeholders stay as they are).
    public static func normalize(_ examples: inout [LabeledExample], with cmvn: CMVN) throws {
        for i in examples.indices where examples[i].hasFeatures {
            for v in examples[i].variants.indices { try cmvn.apply(to: &examples[i].variants[v]) }
        }
    }
}

public enum TrainingDataError: Error, CustomStringConvertible {
    case tooShort(path: String)
    case empty(what: String)

    public var description: String {
        switch self {
        case let .tooShort(path): return "\(path): too short to make a single feature frame"
        case let .empty(what): return "\(what): no usable utterances"
        }
    }
}
