import ArgumentParser
import Foundation
import LASKit

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on labeled audio.",
        discussion: """
        DATA is a JSONL manifest (one {"audio_filepath": ..., "text": ..., "duration": ...} \
        object per line; relative paths resolve against the manifest's folder) or a Kaldi data \
        folder (wav.scp and text). Listed audio files that are missing are reported and skipped \
        (--strict makes that fatal).

        Features are computed once (with speed-perturbed copies), normalized with the training \
        set's mean and variance, and augmented with SpecAugment masks. The model is the \
        las-bench listener/speller with a joint CTC loss on the listener; --config FILE takes a \
        JSON object {"model": {...}, "training": {...}} naming only what it changes. In the \
        model section, "attention" is location (default), additive, dot or multihead-location \
        (with "attentionHeads": H).

        DIR receives checkpoint.safetensors (latest, with optimizer state; written every \
        --checkpoint-every steps and every epoch, atomically), best.safetensors (best dev WER: \
        the model to use), epoch-NNN.safetensors (the last --keep-epochs epochs, for \
        `las average`), train-log.jsonl (one JSON object per logged step and per epoch) and \
        curves.svg and curves.png (loss, dev WER and CER per epoch; `las plot` redraws them). \
        After an interruption, run the same command with --resume. Ctrl-C stops after saving \
        a checkpoint.

        Launched by mpirun (`mpirun -np 4 las train ...`), the processes train one model \
        together: --batch is the global batch, split across them, and the result is the one a \
        single process would compute with the same --batch and --seed. Rank 0 alone writes DIR \
        and prints; --resume works with any number of processes while --batch stays the same.
        """)

    @Option(help: ArgumentHelp("Training data: a JSONL manifest or a Kaldi data folder.", valueName: "DATA"))
    var train: String
    @Option(help: ArgumentHelp("Development data (held-out speakers), scored after every epoch with beam 4 (`las evaluate --beam 4` reproduces the figures).", valueName: "DATA"))
    var dev: String
    @Option(help: ArgumentHelp("Folder for checkpoints, the best model and the training log.", valueName: "DIR"))
    var output: String
    @Option(help: "Passes over the training data.") var epochs: Int?
    @Option(help: "Stop after this many optimizer steps in total.") var maxSteps: Int?
    @Option(help: "Utterances per batch.") var batch: Int?
    @Option(help: "Peak Adam learning rate.") var learningRate: Float?
    @Option(help: "Save a checkpoint every N steps (and after every epoch).") var checkpointEvery: Int?
    @Option(help: "Keep the models of the last N epochs (epoch-NNN.safetensors) for `las average`; 0 keeps none.")
    var keepEpochs: Int?
    @Option(help: "Random seed: same seed, data and threads give the same model.") var seed: UInt64?
    @Option(help: "Threads for matrix products and feature extraction.") var threads: Int?
    @Option(help: ArgumentHelp("JSON file with \"model\" and/or \"training\" settings.", valueName: "FILE"))
    var config: String?
    @Flag(help: "Multi-condition training: every step draws noise (babble, coloured), rooms, microphone colouring, gain with clipping and digital-silence padding.")
    var multiCondition = false
    @Option(help: ArgumentHelp("Noise recording, or folder of them, mixed in by multi-condition training (repeatable; implies --multi-condition).", valueName: "FILE|DIR"))
    var noise: [String] = []
    @Option(help: ArgumentHelp("Under mpirun: seconds a sum over the processes may wait for the others before the job is stopped as hung.", valueName: "SECONDS"))
    var collectiveTimeout: Double = 600
    @Flag(help: "Continue from DIR/checkpoint.safetensors.") var resume = false
    @Flag(help: "Fail if any listed audio file is missing or unreadable.") var strict = false

    struct ConfigFile: Decodable {
        var model: LASConfig?
        var training: TrainingOptions?
    }

    func validate() throws {
        for (name, value) in [("--epochs", epochs), ("--max-steps", maxSteps), ("--batch", batch),
                              ("--checkpoint-every", checkpointEvery), ("--threads", threads)] {
            if let value, value <= 0 { throw ValidationError("\(name) must be positive") }
        }
        if let keepEpochs, keepEpochs < 0 { throw ValidationError("--keep-epochs must not be negative") }
        if let learningRate, !(learningRate > 0) { throw ValidationError("--learning-rate must be positive") }
        if !(collectiveTimeout > 0) { throw ValidationError("--collective-timeout must be positive") }
    }

    func run() throws {
        let group: ProcessGroup
        do { group = try ProcessGroup.join(collectiveTimeout: collectiveTimeout) } catch {
            Console.error("\(error)")
            throw ExitCode.failure
        }
        if group.rank > 0 { Console.errorPrefix = "las (rank \(group.rank)): " }
        do {
            try train(console: Console(quiet: !group.isCoordinator), group: group)
        } catch let error as ExitCode {
            throw error
        } catch {
            Console.error("\(error)")
            // The other ranks may be waiting for this one in a sum: MPI_Abort ends them now,
            // under any launcher (some, such as srun by default, let the others run on).
            if group.size > 1 { group.abort(code: 1) }
            throw ExitCode.failure
        }
    }

    func options() throws -> (LASConfig, TrainingOptions) {
        var model = LASConfig.lasBench
        model.ctcWeight = 0.3
        model.dropout = 0.2   // better than 0.1 on both held-out sets (models/README.md)
        var training = TrainingOptions()
        if let config {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: config)) } catch {
                throw CommandError("\(config): cannot read (\(error.localizedDescription))")
            }
            do {
                let file = try JSONDecoder().decode(ConfigFile.self, from: data)
                if let t = file.training { training = t }
                // Keys the file leaves out keep this command's defaults (CTC weight, dropout),
                // not LASConfig's bare ones: the file's model object is laid over them.
                if file.model != nil, let changes = try JSONValue.parse(data)["model"] {
                    model = try JSONValue(encoding: model).merging(changes).decode(LASConfig.self)
                }
            } catch {
                throw CommandError("\(config): not a valid configuration (\(error))")
            }
            if let problem = model.problem ?? training.problem(melBins: FeatureConfig().numMelBins) {
                throw CommandError("\(config): \(problem)")
            }
        }
        if let epochs { training.epochs = epochs }
        if let maxSteps { training.maxSteps = maxSteps }
        if let batch { training.batchSize = batch }
        if let learningRate { training.learningRate = learningRate }
        if let checkpointEvery { training.checkpointEvery = checkpointEvery }
        if let keepEpochs { training.keptEpochModels = keepEpochs }
        if let seed { training.seed = seed }
        if let threads { training.threads = threads }
        if (multiCondition || !noise.isEmpty) && training.multiCondition == nil { training.multiCondition = MultiConditionTraining() }
        if !noise.isEmpty { training.multiCondition!.noiseFiles += noise }
        return (model, training)
    }

    /// Trains with `group`'s processes (one outside mpirun); each rank runs this same function.
    func train(console: Console, group: ProcessGroup) throws {
        var (modelConfig, options) = try options()
        let directory = URL(fileURLWithPath: output)
        let checkpointPath = directory.appendingPathComponent("checkpoint.safetensors").path
        var resumed: Checkpoint.Loaded?
        if resume {
            guard FileManager.default.fileExists(atPath: checkpointPath) else {
                throw CommandError("\(checkpointPath): no checkpoint to resume from")
            }
            resumed = try Checkpoint.load(checkpointPath)
            options = resumed!.options
            // The global batch, not the number of processes, decides every step: any rank count may resume.
            if let maxSteps { options.maxSteps = maxSteps }
            if let epochs { options.epochs = epochs }
            if let keepEpochs { options.keptEpochModels = keepEpochs }
            console.line("resuming from \(checkpointPath) at step \(resumed!.state.step), epoch \(resumed!.state.epoch + 1)")
        }
        if options.batchSize < group.size {
            throw CommandError("--batch \(options.batchSize) is the global batch and must be at least the \(group.size) processes mpirun started")
        }
        let trainSet = try loadData(train, strict: strict, console: console)
        let devSet = try loadData(dev, strict: strict, console: console)

        let normalizer = resumed?.recognizer.normalizer ?? TextNormalizer.default
        let vocabulary = resumed?.recognizer.vocabulary
            ?? Vocabulary.build(from: trainSet.map { normalizer.normalize($0.text) })
        let featureConfig = resumed?.recognizer.featureConfig ?? FeatureConfig()
        modelConfig.vocabularySize = vocabulary.count
        modelConfig.inputSize = featureConfig.numMelBins
        if let r = resumed { modelConfig = r.recognizer.model.config }

        /// Training utterances get every augmented copy the options ask for; dev ones none.
        func featurize(_ set: [Utterance], name: String, augmented: Bool) throws -> (examples: [LabeledExample], failures: [LabeledFeatures.Failure]) {
            let result = try LabeledFeatures.compute(
                set, featureConfig: featureConfig, speeds: augmented ? options.speeds : [],
                warpFactors: augmented ? options.vocalTractWarps : [], narrowband: augmented && options.narrowband,
                keepWaveforms: augmented && options.multiCondition != nil,
                vocabulary: vocabulary, normalizer: normalizer, threads: options.threads) { done in console.progress("features \(name): \(done)/\(set.count)") }
            console.endProgress()
            return result
        }
        /// Reports what could not be read (each rank its own) and the set's size (all ranks' utterances).
        func report(_ examples: [LabeledExample], failures: [LabeledFeatures.Failure], failureCount: Int,
                    name: String, start: Date) throws -> [LabeledExample] {
            for f in failures { Console.error("\(f)") }
            if failureCount > 0 {
                if strict { throw CommandError("\(name): \(failureCount) utterances could not be read (--strict)") }
                console.line("\(name): skipped \(failureCount) unreadable utterances")
            }
            let seconds = examples.reduce(0) { $0 + Double($1.frames) } * featureConfig.secondsPerFrame
            console.line(String(format: "%@: %d utterances, %.1f minutes of audio, features in %.1f s", name,
                                examples.count, seconds / 60, Date().timeIntervalSince(start)))
            return examples
        }
        // Each rank featurizes only the training utterances of its shares (ShardedFeatures);
        // the dev set is small, and every rank featurizes all of it.
        let silenceLevel = CMVN.silenceLevel(of: try LogMelFilterbank(config: featureConfig))
        let trainStart = Date()
        let sharded = try ShardedFeatures.compute(
            trainSet, batchSize: options.batchSize, bins: featureConfig.numMelBins, group: group,
            featurize: { try featurize($0, name: "train", augmented: true) },
            accumulate: { acc, examples in
                try LabeledFeatures.accumulate(examples, into: &acc, subtractsUtteranceMean: options.utteranceMeanNormalization,
                                               silenceLevel: silenceLevel)
            })
        var trainExamples = try report(sharded.examples, failures: sharded.failures, failureCount: sharded.failureCount,
                                       name: "train", start: trainStart)
        let devStart = Date(), devFeatures = try featurize(devSet, name: "dev", augmented: false)
        var devExamples = try report(devFeatures.examples, failures: group.isCoordinator ? devFeatures.failures : [],
                                     failureCount: devFeatures.failures.count, name: "dev", start: devStart)
        guard !trainExamples.isEmpty else { throw CommandError("\(train): no usable training utterances") }
        guard !devExamples.isEmpty else { throw CommandError("\(dev): no usable dev utterances") }
        let cmvn = try resumed?.recognizer.cmvn ?? sharded.statistics.finalize(
            subtractsUtteranceMean: options.utteranceMeanNormalization, silenceLevel: silenceLevel)
        let noiseRecordings = try AudioPaths.expand(options.multiCondition?.noiseFiles ?? []).map { path in
            do { return try AudioFile(path, sampleRate: featureConfig.sampleRate).samples } catch {
                throw CommandError("\(error) (a --noise recording)")
            }
        }
        try LabeledFeatures.normalize(&trainExamples, with: cmvn)
        try LabeledFeatures.normalize(&devExamples, with: cmvn)

        let model = LASModel(config: modelConfig, seed: options.seed)
        var notes = ["train": train, "dev": dev]
        if let conditions = options.multiCondition {
            notes["multi_condition"] = try JSONLine.encode(conditions)
        }
        let recognizer = Recognizer(model: model, vocabulary: vocabulary, normalizer: normalizer,
                                    featureConfig: featureConfig, cmvn: cmvn, notes: notes)
        let trainer = try Trainer(recognizer: recognizer, train: trainExamples, dev: devExamples,
                                  options: options, directory: directory, noiseRecordings: noiseRecordings, group: group)
        if let resumed { try trainer.resume(from: resumed, path: checkpointPath) }
        console.line("model: \(model.parameterCount) parameters, vocabulary \(vocabulary.count), "
                     + "\(trainer.totalSteps) steps planned (\(options.epochs) epochs of \(trainExamples.count / options.batchSize + (trainExamples.count % options.batchSize > 0 ? 1 : 0)) batches)")

        if group.size > 1 {
            console.line("data-parallel: \(group.size) processes, global batch \(options.batchSize) "
                         + "(\(options.batchSize / group.size)-\((options.batchSize + group.size - 1) / group.size) utterances each)")
        }
        let interrupt = InterruptFlag()
        let progress = TrainingProgress(console: console, epochs: options.epochs)
        try trainer.run(events: { progress.handle($0) }, shouldStop: { interrupt.isSet })
        console.endProgress()
        group.finish()
        if trainer.stoppedOnRequest {
            console.line("interrupted: checkpoint saved to \(trainer.checkpointPath); continue with --resume")
            throw ExitCode(130)
        }
        if FileManager.default.fileExists(atPath: trainer.bestPath) {
            console.line("done: best model \(trainer.bestPath)")
        } else {
            console.line("done: no epoch completed, so no dev-selected model yet; latest checkpoint \(trainer.checkpointPath)")
        }
    }

    func loadData(_ path: String, strict: Bool, console: Console) throws -> [Utterance] {
        let set = try DataSet.load(path)
        let validation = try set.validate(strict: strict)
        for s in validation.skipped { Console.error("\(s)") }
        if !validation.skipped.isEmpty { console.line("\(path): skipped \(validation.skipped.count) utterances") }
        return validation.kept
    }
}

/// A failure of the command itself, printed as `las: <message>`.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
