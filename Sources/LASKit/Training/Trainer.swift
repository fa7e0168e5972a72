import Foundation

/// What a training run reports as it goes.
public enum TrainingEvent {
    public struct Step {
        public var epoch: Int, step: Int, batchInEpoch: Int, batchesPerEpoch: Int, totalSteps: Int
        public var loss: Double, learningRate: Float, utterancesPerSecond: Double, gradientNorm: Float
    }
    public struct Epoch: Codable {
        public var epoch: Int, step: Int
        public var trainLoss: Double, devLoss: Double, devCER: Double, devWER: Double
        public var seconds: Double, isBest: Bool
    }
    case step(Step)
    case epoch(Epoch)
    case checkpoint(path: String)
}

public enum TrainingError: Error, CustomStringConvertible {
    case nonFiniteLoss(step: Int, loss: Double, checkpoint: String)
    case incompatibleResume(path: String, problem: String)
    case replicasDiffer(rank: Int, step: Int)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(step, loss, checkpoint):
            return "training stopped: the loss became \(loss) at step \(step); the last good checkpoint is \(checkpoint) (try a lower --learning-rate)"
        case let .incompatibleResume(path, problem):
            return "\(path): cannot resume: \(problem)"
        case let .replicasDiffer(rank, step):
            return "training stopped: rank \(rank)'s weights differ from rank 0's at step \(step) (the MPI library's sums are not the same on every rank)"
        }
    }
}

/// The training loop: length-bucketed batches, SpecAugment and speed perturbation, joint
/// CTC-attention loss, Adam with warm-up and cosine decay, gradient clipping; after every
/// epoch the dev loss and greedy CER/WER, keeping the best model. Checkpoints every N steps
/// and every epoch are atomic, and every random choice is a function of (seed, step, position
/// in the batch), so a run resumed from a checkpoint continues exactly as if it had never
/// stopped, and a run split over the ranks of a `ProcessGroup` computes what one process would:
/// each rank takes its `RankShare` of every batch, the gradients are summed in one collective
/// call, and every rank applies the same update to the same weights. Rank 0 alone writes files.
public final class Trainer {
    public let recognizer: Recognizer
    public let options: TrainingOptions
    public let train: [LabeledExample]
    public let dev: [LabeledExample]
    public let directory: URL
    public let optimizer: Adam
    public private(set) var state = TrainerState()
    /// Whether the last `run` returned because a rank was asked to stop, not because it finished.
    public private(set) var stoppedOnRequest = false
    /// The processes this run is split over (`ProcessGroup.single` outside mpirun).
    public let group: ProcessGroup
    let batches: LengthBatches
    /// Rank 0's; the other ranks write nothing.
    let log: TrainingLog?
    /// Packs the gradient, the loss and a stop request into the one sum per step (nil: one process).
    let exchange: GradientExchange?
    /// Noise for multi-condition training: the recordings given, and the training waveforms as babble.
    let noisePool: NoisePool
    /// Features of corrupted waveforms, made in the step loop (one thread, one plan).
    let filterbank: LogMelFilterbank

    public var checkpointPath: String { directory.appendingPathComponent("checkpoint.safetensors").path }
    public var bestPath: String { directory.appendingPathComponent("best.safetensors").path }
    /// `train-log.jsonl`, whose epochs `curves.svg` and `curves.png` beside it plot.
    public var logPath: String { directory.appendingPathComponent("train-log.jsonl").path }
    /// The model as it stood after epoch `epoch` (1-based), kept for averaging.
    public func epochModelPath(_ epoch: Int) -> String {
        directory.appendingPathComponent(String(format: "epoch-%03d.safetensors", epoch)).path
    }
    public var totalSteps: Int { options.maxSteps.map { min($0, options.epochs * batches.batches.count) } ?? options.epochs * batches.batches.count }

    /// `noiseRecordings`: waveforms at the model's sample rate mixed in by multi-condition
    /// training (`options.multiCondition`), which corrupts the examples' `waveforms`.
    public init(recognizer: Recognizer, train: [LabeledExample], dev: [LabeledExample],
                options: TrainingOptions, directory: URL, noiseRecordings: [[Float]] = [],
                group: ProcessGroup = .single) throws {
        guard !train.isEmpty else { throw TrainingDataError.empty(what: "training set") }
        guard !dev.isEmpty else { throw TrainingDataError.empty(what: "dev set") }
        self.recognizer = recognizer; self.options = options; self.train = train; self.dev = dev
        self.directory = directory; self.group = group
        optimizer = Adam(parameters: recognizer.model.parameters, learningRate: options.learningRate)
        batches = LengthBatches(frames: train.map(\.frames), batchSize: options.batchSize)
        if group.isCoordinator {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            log = try TrainingLog(path: directory.appendingPathComponent("train-log.jsonl").path)
        } else {
            log = nil
        }
        exchange = group.size > 1 ? GradientExchange(parameters: recognizer.model.parameters, scalars: 2) : nil
        noisePool = NoisePool(recordings: noiseRecordings, babble: train.compactMap(\.waveforms.first))
        filterbank = try LogMelFilterbank(config: recognizer.featureConfig)
    }

    /// The features of variant `v` of `example` for this step: with multi-condition training a
    /// freshly corrupted copy of its waveform (normalized like every other input), else as stored.
    func trainingFeatures(_ example: LabeledExample, variant v: Int, padded: Bool, rng: inout SplitMix64) throws -> FeatureMatrix {
        guard let conditions = options.multiCondition, v < example.waveforms.count else { return example.variants[v] }
        let rate = recognizer.featureConfig.sampleRate
        let corruption = conditions.draw(sampleRate: rate, length: example.waveforms[v].count, pool: noisePool,
                                         padded: padded, rng: &rng)
        if corruption.isIdentity { return example.variants[v] }
        var m = filterbank.compute(corruption.apply(to: example.waveforms[v], sampleRate: rate, pool: noisePool, rng: &rng))
        try recognizer.cmvn.apply(to: &m)
        return m
    }

    /// Restores the optimizer and loop position from a checkpoint of this run.
    public func resume(from loaded: Checkpoint.Loaded, path: String) throws {
        guard loaded.recognizer.model.config == recognizer.model.config else {
            throw TrainingError.incompatibleResume(path: path, problem: "the model configuration differs")
        }
        guard loaded.recognizer.vocabulary == recognizer.vocabulary else {
            throw TrainingError.incompatibleResume(path: path, problem: "the vocabulary differs (different training text?)")
        }
        for (p, q) in zip(recognizer.model.parameters, loaded.recognizer.model.parameters) { p.value = q.value }
        optimizer.restore(step: loaded.adamStep, firstMoments: loaded.firstMoments, secondMoments: loaded.secondMoments)
        state = loaded.state
    }

    /// Runs until all epochs (or maxSteps) are done or `shouldStop` returns true (then it
    /// saves a checkpoint and returns). Returns the epoch reports of this call.
    @discardableResult
    public func run(events: (TrainingEvent) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws -> [TrainingEvent.Epoch] {
        BLASThreads.set(options.threads)
        HeapRetention.keepFreedMemory()
        var reports: [TrainingEvent.Epoch] = []
        try log?.write(options)
        while state.epoch < options.epochs && state.step < totalSteps {
            let order = batches.order(epoch: state.epoch, seed: options.seed)
            let epochStart = Date()
            while state.batchInEpoch < order.count && state.step < totalSteps {
                if exchange == nil && shouldStop() { stoppedOnRequest = true; try saveCheckpoint(events); return reports }
                let stopRequested = try step(order[state.batchInEpoch], batchesPerEpoch: order.count, events: events,
                                             shouldStop: shouldStop)
                // Ranks stop together, at the step one of them was asked to stop after.
                if stopRequested { stoppedOnRequest = true; try saveCheckpoint(events); return reports }
            }
            if state.batchInEpoch < order.count { break }   // maxSteps reached mid-epoch
            let report = try endEpoch(startedAt: epochStart)
            reports.append(report)
            events(.epoch(report))
            try saveCheckpoint(events)
        }
        return reports
    }

    /// One optimizer step on the global batch `indices`: the gradient, its clipping, the Adam
    /// update at the scheduled learning rate, the step's report, log line and checkpoint.
    /// Returns whether any rank was asked to stop.
    func step(_ indices: [Int], batchesPerEpoch: Int, events: (TrainingEvent) -> Void,
              shouldStop: () -> Bool) throws -> Bool {
        let stepStart = Date()
        let (loss, stopRequested) = try computeGradient(of: indices, shouldStop: shouldStop)
        guard loss.isFinite else {
            throw TrainingError.nonFiniteLoss(step: state.step + 1, loss: loss, checkpoint: checkpointPath)
        }
        let norm = gradientNorm(recognizer.model.parameters)
        guard norm.isFinite else {
            throw TrainingError.nonFiniteLoss(step: state.step + 1, loss: Double(norm), checkpoint: checkpointPath)
        }
        let lr = options.learningRate(step: state.step + 1, totalSteps: totalSteps)
        optimizer.learningRate = lr
        optimizer.update(gradientScale: clipScale(norm: norm, maxNorm: options.clipNorm))
        state.step += 1
        state.batchInEpoch += 1
        state.epochLossSum += loss * Double(indices.count)
        state.epochUtterances += indices.count
        let report = TrainingEvent.Step(epoch: state.epoch, step: state.step, batchInEpoch: state.batchInEpoch,
                                        batchesPerEpoch: batchesPerEpoch, totalSteps: totalSteps, loss: loss,
                                        learningRate: lr,
                                        utterancesPerSecond: Double(indices.count) / max(1e-9, Date().timeIntervalSince(stepStart)),
                                        gradientNorm: norm)
        events(.step(report))
        if state.step % options.logEvery == 0 { try log?.write(report) }
        if state.step % options.checkpointEvery == 0 { try saveCheckpoint(events) }
        return stopRequested
    }

    /// The end of an epoch: dev scores, the best model and the kept epoch models written, the
    /// loop moved to the next epoch, the log and curves brought up to date.
    func endEpoch(startedAt epochStart: Date) throws -> TrainingEvent.Epoch {
        let trainLoss = state.epochLossSum / Double(max(1, state.epochUtterances))
        try checkReplicasAgree()
        let dev = try evaluateDev()
        let isBest = state.bestDevWER.map { dev.wer < $0 || (dev.wer == $0 && dev.cer < state.bestDevCER ?? .infinity) } ?? true
        let report = TrainingEvent.Epoch(epoch: state.epoch, step: state.step, trainLoss: trainLoss, devLoss: dev.loss,
                                         devCER: dev.cer, devWER: dev.wer,
                                         seconds: Date().timeIntervalSince(epochStart), isBest: isBest)
        let snapshot = annotated(epoch: state.epoch + 1, dev: dev)
        if isBest {
            state.bestDevWER = dev.wer; state.bestDevCER = dev.cer
            if group.isCoordinator { try ModelFile.save(snapshot, to: bestPath) }
        }
        if options.keptEpochModels > 0 && group.isCoordinator {
            try ModelFile.save(snapshot, to: epochModelPath(state.epoch + 1))
            let expired = epochModelPath(state.epoch + 1 - options.keptEpochModels)
            if state.epoch + 1 > options.keptEpochModels { try? FileManager.default.removeItem(atPath: expired) }
        }
        state.epoch += 1
        state.batchInEpoch = 0
        state.epochLossSum = 0
        state.epochUtterances = 0
        try log?.write(report)
        // Rank 0 alone keeps the log, so it alone draws the curves.
        if log != nil { try TrainingCurves.write(fromLog: logPath, into: directory.path) }
        return report
    }

    /// Leaves in the parameters' gradients the gradient of the mean loss over the global batch
    /// `indices`: this rank computes its share, with the loss divided by the global batch size,
    /// and the ranks' gradients are summed. Returns the batch's mean loss and whether any rank
    /// was asked to stop (`shouldStop`, asked here only when there are several ranks).
    func computeGradient(of indices: [Int], shouldStop: () -> Bool) throws -> (loss: Double, stop: Bool) {
        let model = recognizer.model
        // Every random choice comes from (seed, step, position in the batch), drawn alike on every
        // rank: an utterance is augmented the same wherever it is computed.
        var rng = SplitMix64(seed: options.seed, stream: state.step)
        let padded = options.multiCondition.map { $0.paddingProbability > 0 && Float(rng.nextUniform()) < $0.paddingProbability } ?? false
        let streams = rng.split(indices.count)
        let mine = group.share.positions(count: indices.count)
        model.zeroGrad()
        var loss = 0.0
        if !mine.isEmpty {
            var rngs = Array(streams[mine])
            var utterances: [(values: [Float], frames: Int)] = []
            for (k, i) in zip(rngs.indices, indices[mine]) {
                let e = train[i]
                let v = e.variants.count > 1 ? Int(rngs[k].next() % UInt64(e.variants.count)) : 0
                var m = try trainingFeatures(e, variant: v, padded: padded, rng: &rngs[k])
                options.specAugment?.apply(to: &m.values, frames: m.frames, bins: m.bins, rng: &rngs[k])
                utterances.append((m.values, m.frames))
            }
            let batch = FeatureBatch(utterances, width: model.config.inputSize)
            loss = try model.loss(batch, targets: indices[mine].map { train[$0].targets }, training: true, backward: true,
                                  samplingProbability: options.samplingProbability, rngs: &rngs, normalizer: indices.count).loss
        }
        guard let exchange else { return (loss, false) }
        let sums = try exchange.sum([Float(loss), shouldStop() ? 1 : 0], over: group)
        return (Double(sums[0]), sums[1] > 0)
    }

    /// Every rank applies the same update to the same summed gradient, so the weights stay
    /// identical without being sent; that rests on the sum being bitwise the same on every
    /// rank, which Open MPI's algorithms give. Once an epoch each rank's checksum of its weights
    /// is shared (one small sum) and compared, so a drift stops the run instead of going unseen.
    func checkReplicasAgree() throws {
        guard group.size > 1 else { return }
        var checksum = 0.0
        for p in recognizer.model.parameters { for (k, v) in p.value.enumerated() { checksum += Double(v) * Double(k % 7 + 1) } }
        var checksums = [Double](repeating: 0, count: group.size)
        checksums[group.rank] = checksum
        try group.sum(&checksums, what: "the weight checksums' sum")
        if let r = checksums.firstIndex(where: { $0 != checksums[0] }) {
            throw TrainingError.replicasDiffer(rank: r, step: state.step)
        }
    }

    /// The current model, noting which epoch it is and how it scored on dev.
    func annotated(epoch: Int, dev: (loss: Double, cer: Double, wer: Double)) -> Recognizer {
        var r = recognizer
        r.notes["epoch"] = String(epoch)
        r.notes["dev_wer"] = String(format: "%.4f", dev.wer)
        r.notes["dev_cer"] = String(format: "%.4f", dev.cer)
        return r
    }

    func saveCheckpoint(_ events: (TrainingEvent) -> Void) throws {
        guard group.isCoordinator else { return }
        try Checkpoint.save(recognizer, optimizer: optimizer, state: state, options: options, to: checkpointPath)
        events(.checkpoint(path: checkpointPath))
    }

    /// Teacher-forced dev loss, and error rates of the decoding users get (beam search, joint
    /// with CTC when the model has a CTC head), no augmentation. The dev batches are dealt out
    /// round-robin over the ranks and their sums added up, so every rank gets the same figures.
    public func evaluateDev() throws -> (loss: Double, cer: Double, wer: Double) {
        let model = recognizer.model
        var rng = SplitMix64(seed: 0)
        var lossSum = 0.0
        var scores: [UtteranceScore] = []
        let devBatches = LengthBatches(frames: dev.map(\.frames), batchSize: 32).batches
        var options = Transcriber.Options()
        options.beamSize = 4
        let transcriber = Transcriber(recognizer: recognizer, options: options)
        var search = BeamSearch(beamSize: options.beamSize)
        search.ctcWeight = options.ctcWeight
        search.threads = self.options.threads
        for (j, indices) in devBatches.enumerated() where group.share.owns(j) {
            let batch = FeatureBatch(indices.map { (dev[$0].variants[0].values, dev[$0].frames) }, width: model.config.inputSize)
            let r = try model.loss(batch, targets: indices.map { dev[$0].targets }, training: false, backward: false, rng: &rng)
            lossSum += r.loss * Double(indices.count)
            let memory = try model.attentionMemory(batch)
            let hyps = search.decode(speller: model.speller, memory: memory, ctc: transcriber.ctcScorers(memory)).nBest
            for (k, i) in indices.enumerated() {
                let reference = recognizer.normalizer.normalize(dev[i].utterance.text)
                let hypothesis = recognizer.vocabulary.decode(hyps[k].first?.tokens ?? [])
                scores.append(UtteranceScore(id: dev[i].utterance.id, reference: reference, hypothesis: hypothesis))
            }
        }
        let corpus = CorpusScore(scored: scores)
        var words = corpus.wordCounts, chars = corpus.characterCounts
        if group.size > 1 {
            var sums = [lossSum] + [words, chars].flatMap {
                [$0.substitutions, $0.deletions, $0.insertions, $0.referenceLength].map(Double.init)
            }
            try group.sum(&sums, what: "the dev scores' sum")
            lossSum = sums[0]
            func counts(_ k: Int) -> ErrorCounts {
                ErrorCounts(substitutions: Int(sums[k]), deletions: Int(sums[k + 1]), insertions: Int(sums[k + 2]),
                            referenceLength: Int(sums[k + 3]))
            }
            words = counts(1); chars = counts(5)
        }
        return (lossSum / Double(dev.count), chars.rate, words.rate)
    }
}
