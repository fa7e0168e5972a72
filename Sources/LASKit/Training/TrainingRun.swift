import Foundation

/// A whole training run, from data paths to a model folder: what `las train` does, for a
/// library user to call. It reads and checks both data sets, builds the vocabulary from the
/// training text, featurizes (the training set with its perturbed copies, each rank only its
/// part: `ShardedFeatures`), normalizes with the training set's CMVN, reads the noise
/// recordings of multi-condition training, builds the recognizer and the `Trainer`, resumes
/// from the folder's checkpoint when asked, and trains. It prints nothing: what happens comes
/// to an `events` callback, so a caller decides what to show.
public struct TrainingRun {
    /// What a run reports before and while it trains.
    public enum Event {
        /// Resuming from `checkpoint` at `state` (its step and 0-based epoch).
        case resuming(checkpoint: String, state: TrainerState)
        /// Why an utterance a data set lists cannot be used (missing or unreadable audio), one
        /// line naming it; reported on every rank.
        case unusable(String)
        /// `count` utterances of the data set at `path` were skipped before featurizing.
        case skippedListed(path: String, count: Int)
        /// `done` of `total` utterances of `set` ("train", "dev") featurized on this rank.
        case featureProgress(set: String, done: Int, total: Int)
        /// A featurizing pass over `set` ended (its progress is complete).
        case featurePassEnded(set: String)
        /// `count` utterances of `set` could not be read on any rank, and are left out.
        case skippedUnreadable(set: String, count: Int)
        /// `set` is ready: its usable utterances, their audio and the featurizing time.
        case featuresReady(set: String, utterances: Int, audioSeconds: Double, featureSeconds: Double)
        /// The trainer is built: what it trains and for how long.
        case ready(Plan)
        /// The trainer's own events.
        case training(TrainingEvent)
    }

    /// What the trainer is about to do.
    public struct Plan {
        public var parameters: Int, vocabularySize: Int
        public var totalSteps: Int, epochs: Int, batchesPerEpoch: Int
        /// The global batch, split over `processes` ranks.
        public var batchSize: Int, processes: Int
    }

    public let configuration: Configuration
    /// The processes the run is split over (`ProcessGroup.single` outside mpirun).
    public let group: ProcessGroup

    public init(_ configuration: Configuration, group: ProcessGroup = .single) {
        self.configuration = configuration
        self.group = group
    }

    /// Prepares the run and trains until all epochs (or maxSteps) are done or `shouldStop`
    /// returns true; returns the trainer, whose `stoppedOnRequest`, `bestPath` and
    /// `checkpointPath` tell how it ended. Every rank calls this same function.
    @discardableResult
    public func run(events: (Event) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws -> Trainer {
        let trainer = try prepare(events: events)
        try trainer.run(events: { events(.training($0)) }, shouldStop: shouldStop)
        return trainer
    }

    /// Everything before the first step: data, vocabulary, features, CMVN, recognizer, resume.
    public func prepare(events: (Event) -> Void = { _ in }) throws -> Trainer {
        let c = configuration
        let resumed = try loadCheckpoint(events: events)
        let options = resumed.map { resumedOptions($0.options) } ?? c.training
        if options.batchSize < group.size {
            throw TrainingRunError.batchBelowProcesses(batchSize: options.batchSize, processes: group.size)
        }
        let trainSet = try loadData(c.trainData, events: events)
        let devSet = try loadData(c.devData, events: events)

        let normalizer = resumed?.recognizer.normalizer ?? TextNormalizer.default
        let vocabulary = resumed?.recognizer.vocabulary
            ?? Vocabulary.build(from: trainSet.map { normalizer.normalize($0.text) })
        let featureConfig = resumed?.recognizer.featureConfig ?? c.features
        var modelConfig = c.model
        modelConfig.vocabularySize = vocabulary.count
        modelConfig.inputSize = featureConfig.numMelBins
        if let r = resumed { modelConfig = r.recognizer.model.config }

        let featurizer = Featurizer(featureConfig: featureConfig, options: options, vocabulary: vocabulary,
                                    normalizer: normalizer)
        let silenceLevel = CMVN.silenceLevel(of: try LogMelFilterbank(config: featureConfig))
        // Each rank featurizes only the training utterances of its shares (ShardedFeatures);
        // the dev set is small, and every rank featurizes all of it.
        let trainStart = Date()
        let sharded = try ShardedFeatures.compute(
            trainSet, batchSize: options.batchSize, bins: featureConfig.numMelBins, group: group,
            featurize: { try featurizer.compute($0, set: "train", perturbed: true, events: events) },
            accumulate: { acc, examples in
                try LabeledFeatures.accumulate(examples, into: &acc, subtractsUtteranceMean: options.utteranceMeanNormalization,
                                               silenceLevel: silenceLevel)
            })
        var trainExamples = try report(sharded.examples, failures: sharded.failures, failureCount: sharded.failureCount,
                                       set: "train", featureConfig: featureConfig, start: trainStart, events: events)
        let devStart = Date(), devFeatures = try featurizer.compute(devSet, set: "dev", perturbed: false, events: events)
        var devExamples = try report(devFeatures.examples, failures: group.isCoordinator ? devFeatures.failures : [],
                                     failureCount: devFeatures.failures.count, set: "dev", featureConfig: featureConfig,
                                     start: devStart, events: events)
        guard !trainExamples.isEmpty else { throw TrainingRunError.noUsableUtterances(path: c.trainData, what: "training") }
        guard !devExamples.isEmpty else { throw TrainingRunError.noUsableUtterances(path: c.devData, what: "dev") }
        let cmvn = try resumed?.recognizer.cmvn ?? sharded.statistics.finalize(
            subtractsUtteranceMean: options.utteranceMeanNormalization, silenceLevel: silenceLevel)
        let noise = try noiseRecordings(options.multiCondition, sampleRate: featureConfig.sampleRate)
        try LabeledFeatures.normalize(&trainExamples, with: cmvn)
        try LabeledFeatures.normalize(&devExamples, with: cmvn)

        let model = LASModel(config: modelConfig, seed: options.seed)
        var notes = ["train": c.trainData, "dev": c.devData]
        if let conditions = options.multiCondition { notes["multi_condition"] = try JSONValue.text(encoding: conditions) }
        let recognizer = Recognizer(model: model, vocabulary: vocabulary, normalizer: normalizer,
                                    featureConfig: featureConfig, cmvn: cmvn, notes: notes)
        let trainer = try Trainer(recognizer: recognizer, train: trainExamples, dev: devExamples, options: options,
                                  directory: c.directory, noiseRecordings: noise, group: group)
        if let resumed { try trainer.resume(from: resumed, path: c.checkpointPath) }
        let batches = (trainExamples.count + options.batchSize - 1) / options.batchSize
        events(.ready(Plan(parameters: model.parameterCount, vocabularySize: vocabulary.count, totalSteps: trainer.totalSteps,
                           epochs: options.epochs, batchesPerEpoch: batches, batchSize: options.batchSize,
                           processes: group.size)))
        return trainer
    }

    /// The checkpoint to resume from (nil when not resuming).
    func loadCheckpoint(events: (Event) -> Void) throws -> Checkpoint.Loaded? {
        guard configuration.resume else { return nil }
        let path = configuration.checkpointPath
        guard FileManager.default.fileExists(atPath: path) else { throw TrainingRunError.noCheckpoint(path: path) }
        let loaded = try Checkpoint.load(path)
        events(.resuming(checkpoint: path, state: loaded.state))
        return loaded
    }

    /// A checkpoint's options with what the configuration may change on resume. The global
    /// batch, not the number of processes, decides every step: any rank count may resume.
    func resumedOptions(_ stored: TrainingOptions) -> TrainingOptions {
        var options = stored
        if let maxSteps = configuration.resumedMaxSteps { options.maxSteps = maxSteps }
        if let epochs = configuration.resumedEpochs { options.epochs = epochs }
        if let kept = configuration.resumedKeptEpochModels { options.keptEpochModels = kept }
        if let threads = configuration.resumedThreads { options.threads = threads }
        return options
    }

    /// The usable utterances of the data set at `path`, the others reported.
    func loadData(_ path: String, events: (Event) -> Void) throws -> [Utterance] {
        let validation = try DataSet.load(path).validate(strict: configuration.strict)
        for s in validation.skipped { events(.unusable("\(s)")) }
        if !validation.skipped.isEmpty { events(.skippedListed(path: path, count: validation.skipped.count)) }
        return validation.kept
    }

    /// Reports what could not be read (each rank its own) and the set's size (all ranks' utterances).
    func report(_ examples: [LabeledExample], failures: [LabeledFeatures.Failure], failureCount: Int, set: String,
                featureConfig: FeatureConfig, start: Date, events: (Event) -> Void) throws -> [LabeledExample] {
        for f in failures { events(.unusable("\(f)")) }
        if failureCount > 0 {
            if configuration.strict { throw TrainingRunError.unreadableUtterances(set: set, count: failureCount) }
            events(.skippedUnreadable(set: set, count: failureCount))
        }
        let seconds = examples.reduce(0) { $0 + Double($1.frames) } * featureConfig.secondsPerFrame
        events(.featuresReady(set: set, utterances: examples.count, audioSeconds: seconds,
                              featureSeconds: Date().timeIntervalSince(start)))
        return examples
    }

    /// The noise recordings multi-condition training mixes in, at the model's sample rate.
    func noiseRecordings(_ conditions: MultiConditionTraining?, sampleRate: Int) throws -> [[Float]] {
        try AudioPaths.expand(conditions?.noiseFiles ?? []).map { path in
            do { return try AudioFile(path, sampleRate: sampleRate).samples } catch {
                throw TrainingRunError.unreadableNoise(reason: "\(error)")
            }
        }
    }

    /// Featurizes a set with the run's settings: training utterances with every perturbed copy
    /// the options ask for, dev ones without.
    struct Featurizer {
        let featureConfig: FeatureConfig
        let options: TrainingOptions
        let vocabulary: Vocabulary
        let normalizer: TextNormalizer

        func compute(_ utterances: [Utterance], set: String, perturbed: Bool, events: (Event) -> Void) throws
            -> (examples: [LabeledExample], failures: [LabeledFeatures.Failure]) {
            // The progress callback runs only while `compute` does.
            let result = try withoutActuallyEscaping(events) { events in
                try LabeledFeatures.compute(
                    utterances, featureConfig: featureConfig, copies: perturbed ? PerturbedCopies(options) : PerturbedCopies(),
                    keepWaveforms: perturbed && options.multiCondition != nil, vocabulary: vocabulary, normalizer: normalizer,
                    threads: options.threads) { done in events(.featureProgress(set: set, done: done, total: utterances.count)) }
            }
            events(.featurePassEnded(set: set))
            return result
        }
    }
}

/// Why a training run could not start, in one line.
public enum TrainingRunError: Error, CustomStringConvertible {
    case configUnreadable(path: String, reason: String)
    case configInvalid(path: String, reason: String)
    case configProblem(path: String, problem: String)
    case noCheckpoint(path: String)
    case batchBelowProcesses(batchSize: Int, processes: Int)
    case unreadableUtterances(set: String, count: Int)
    case noUsableUtterances(path: String, what: String)
    case unreadableNoise(reason: String)

    public var description: String {
        switch self {
        case let .configUnreadable(path, reason): return "\(path): cannot read (\(reason))"
        case let .configInvalid(path, reason): return "\(path): not a valid configuration (\(reason))"
        case let .configProblem(path, problem): return "\(path): \(problem)"
        case let .noCheckpoint(path): return "\(path): no checkpoint to resume from"
        case let .batchBelowProcesses(batchSize, processes):
            return "--batch \(batchSize) is the global batch and must be at least the \(processes) processes mpirun started"
        case let .unreadableUtterances(set, count): return "\(set): \(count) utterances could not be read (--strict)"
        case let .noUsableUtterances(path, what): return "\(path): no usable \(what) utterances"
        case let .unreadableNoise(reason): return "\(reason) (a --noise recording)"
        }
    }
}
