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
        a checkpoint. A resumed run keeps its checkpoint's settings; --epochs, --max-steps, \
        --keep-epochs and --threads given with --resume replace them.

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

    /// The run this command asks for: the recipe, laid over by --config, then by the options.
    func configuration() throws -> TrainingRun.Configuration {
        var c = TrainingRun.Configuration(trainData: train, devData: dev, directory: URL(fileURLWithPath: output))
        if let config { try c.apply(configFile: config) }
        if let epochs { c.training.epochs = epochs }
        if let maxSteps { c.training.maxSteps = maxSteps }
        if let batch { c.training.batchSize = batch }
        if let learningRate { c.training.learningRate = learningRate }
        if let checkpointEvery { c.training.checkpointEvery = checkpointEvery }
        if let keepEpochs { c.training.keptEpochModels = keepEpochs }
        if let seed { c.training.seed = seed }
        if let threads { c.training.threads = threads }
        if (multiCondition || !noise.isEmpty) && c.training.multiCondition == nil { c.training.multiCondition = MultiConditionTraining() }
        if !noise.isEmpty { c.training.multiCondition!.noiseFiles += noise }
        c.resume = resume
        c.resumedEpochs = epochs; c.resumedMaxSteps = maxSteps; c.resumedKeptEpochModels = keepEpochs
        c.resumedThreads = threads
        c.strict = strict
        return c
    }

    /// Trains with `group`'s processes (one outside mpirun); each rank runs this same function.
    func train(console: Console, group: ProcessGroup) throws {
        let run = TrainingRun(try configuration(), group: group)
        // Ctrl-C stops training after a step and a checkpoint; before training it ends the process.
        var interrupt: InterruptFlag?
        var progress: TrainingProgress?
        let trainer = try run.run(events: { event in
            switch event {
            case let .resuming(checkpoint, state):
                console.line("resuming from \(checkpoint) at step \(state.step), epoch \(state.epoch + 1)")
            case let .unusable(problem): Console.error("\(problem)")
            case let .skippedListed(path, count): console.line("\(path): skipped \(count) utterances")
            case let .featureProgress(set, done, total): console.progress("features \(set): \(done)/\(total)")
            case .featurePassEnded: console.endProgress()
            case let .skippedUnreadable(set, count): console.line("\(set): skipped \(count) unreadable utterances")
            case let .featuresReady(set, utterances, audioSeconds, featureSeconds):
                console.line(String(format: "%@: %d utterances, %.1f minutes of audio, features in %.1f s", set,
                                    utterances, audioSeconds / 60, featureSeconds))
            case let .ready(plan):
                console.line("model: \(plan.parameters) parameters, vocabulary \(plan.vocabularySize), "
                             + "\(plan.totalSteps) steps planned (\(plan.epochs) epochs of \(plan.batchesPerEpoch) batches)")
                if plan.processes > 1 {
                    console.line("data-parallel: \(plan.processes) processes, global batch \(plan.batchSize) "
                                 + "(\(plan.batchSize / plan.processes)-\((plan.batchSize + plan.processes - 1) / plan.processes) utterances each)")
                }
                progress = TrainingProgress(console: console, epochs: plan.epochs)
                interrupt = InterruptFlag()
            case let .training(e): progress?.handle(e)
            }
        }, shouldStop: { interrupt?.isSet ?? false })
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
}

/// A failure of the command itself, printed as `las: <message>`.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
