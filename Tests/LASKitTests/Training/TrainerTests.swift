import Foundation
import XCTest
import LASKit

final class TrainerTests: XCTestCase {
    static func tinyConfig(vocabulary: Int) -> LASConfig {
        var c = LASConfig()
        c.encoderHidden = 16; c.encoderLayers = 2; c.embeddingSize = 8; c.decoderHidden = 16
        c.attentionSize = 16; c.attentionChannels = 2; c.attentionKernel = 5; c.vocabularySize = vocabulary
        c.ctcWeight = 0.3; c.dropout = 0.1
        return c
    }

    static func syntheticExamples(_ n: Int, vocabulary: Vocabulary, seed: UInt64) -> [LabeledExample] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { i in
            let frames = 20 + i * 3
            let m = FeatureMatrix(frames: frames, bins: 80, values: GradientCheck.random(frames * 80, rng: &rng))
            return LabeledExample(utterance: Utterance(id: "u\(i)", audioPath: "/dev/null", text: "AB"),
                                  variants: [m], targets: vocabulary.encodeSkippingUnknown(i % 2 == 0 ? "AB" : "BA A"))
        }
    }

    func makeTrainer(_ dir: URL, options: TrainingOptions, examples: [LabeledExample]? = nil) throws -> Trainer {
        let vocabulary = Vocabulary.build(from: ["AB A"])
        let recognizer = Recognizer(model: LASModel(config: Self.tinyConfig(vocabulary: vocabulary.count), seed: options.seed),
                                    vocabulary: vocabulary, normalizer: .default, featureConfig: FeatureConfig(),
                                    cmvn: CMVN(mean: [Float](repeating: 0, count: 80), inverseStd: [Float](repeating: 1, count: 80)))
        let data = examples ?? Self.syntheticExamples(6, vocabulary: vocabulary, seed: 41)
        return try Trainer(recognizer: recognizer, train: data, dev: Array(data.prefix(2)), options: options, directory: dir)
    }

    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("las-trainer-\(UUID().uuidString)")
    }

    var options: TrainingOptions {
        var o = TrainingOptions()
        o.epochs = 2; o.batchSize = 2; o.warmupSteps = 2; o.checkpointEvery = 100; o.threads = 1; o.seed = 7
        o.specAugment = SpecAugment()
        return o
    }

    /// `run` itself must update the model: the determinism and resume tests would also pass if
    /// it skipped the update.
    func testRunLowersTheTrainingLossOfATinySet() throws {
        var o = options
        o.epochs = 12; o.learningRate = 3e-3
        let trainer = try makeTrainer(temporaryDirectory(), options: o)
        var losses: [Double] = []
        try trainer.run(events: { if case .epoch(let e) = $0 { losses.append(e.trainLoss) } })
        XCTAssertEqual(losses.count, 12)
        XCTAssertLessThan(losses.last!, 0.8 * losses.first!, "train loss per epoch \(losses)")
    }

    func testSameSeedAndDataGiveTheSameModel() throws {
        let a = try makeTrainer(temporaryDirectory(), options: options)
        let b = try makeTrainer(temporaryDirectory(), options: options)
        try a.run(); try b.run()
        for (p, q) in zip(a.recognizer.model.parameters, b.recognizer.model.parameters) { XCTAssertEqual(p.value, q.value, p.name) }
    }

    func testResumedRunEndsWhereAnUninterruptedRunEnds() throws {
        let straight = try makeTrainer(temporaryDirectory(), options: options)
        try straight.run()

        let dir = temporaryDirectory()
        let first = try makeTrainer(dir, options: options)
        var steps = 0
        try first.run(events: { if case .step = $0 { steps += 1 } }, shouldStop: { steps >= 4 })
        XCTAssertEqual(first.state.step, 4, "stopped mid-run after saving")
        let second = try makeTrainer(dir, options: options)
        try second.resume(from: try Checkpoint.load(second.checkpointPath), path: second.checkpointPath)
        XCTAssertEqual(second.state.step, 4)
        try second.run()
        XCTAssertEqual(second.state.step, straight.state.step)
        for (p, q) in zip(straight.recognizer.model.parameters, second.recognizer.model.parameters) {
            XCTAssertEqual(p.value, q.value, p.name)
        }
    }

    func testEpochsWriteBestModelCheckpointAndLog() throws {
        let dir = temporaryDirectory()
        let trainer = try makeTrainer(dir, options: options)
        let reports = try trainer.run()
        XCTAssertEqual(reports.count, 2)
        XCTAssertTrue(reports[0].isBest)
        XCTAssertNoThrow(try ModelFile.load(trainer.bestPath))
        XCTAssertEqual(try Checkpoint.load(trainer.checkpointPath).state.epoch, 2)
        let log = try String(contentsOf: dir.appendingPathComponent("train-log.jsonl"), encoding: .utf8)
        let epochLines = log.split(separator: "\n").filter { $0.contains("\"type\":\"epoch\"") }
        XCTAssertEqual(epochLines.count, 2)
        XCTAssertTrue(epochLines[0].contains("\"dev_wer\""), String(epochLines[0]))
    }

    func testTheLastEpochsModelsAreKeptForAveragingAndOlderOnesRemoved() throws {
        let dir = temporaryDirectory()
        var o = options
        o.epochs = 3; o.keptEpochModels = 2
        let trainer = try makeTrainer(dir, options: o)
        try trainer.run()
        XCTAssertFalse(FileManager.default.fileExists(atPath: trainer.epochModelPath(1)))
        XCTAssertEqual(try ModelFile.load(trainer.epochModelPath(2)).notes["epoch"], "2")
        let last = try ModelFile.load(trainer.epochModelPath(3))
        for (p, q) in zip(last.model.parameters, trainer.recognizer.model.parameters) { XCTAssertEqual(p.value, q.value, p.name) }
    }

    func testNoEpochModelsAreWrittenWhenNoneAreKept() throws {
        let dir = temporaryDirectory()
        var o = options
        o.keptEpochModels = 0
        let trainer = try makeTrainer(dir, options: o)
        try trainer.run()
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertFalse(names.contains { $0.hasPrefix("epoch-") }, "\(names)")
    }

    func testNonFiniteLossStopsTrainingWithoutTouchingTheWeights() throws {
        let vocabulary = Vocabulary.build(from: ["AB A"])
        var data = Self.syntheticExamples(2, vocabulary: vocabulary, seed: 42)
        data[1].variants[0].values[5] = .nan
        var o = options
        o.batchSize = 2
        let trainer = try makeTrainer(temporaryDirectory(), options: o, examples: data)
        let before = trainer.recognizer.model.parameters.map(\.value)
        XCTAssertThrowsError(try trainer.run()) { error in
            XCTAssertTrue("\(error)".contains("step 1"), "\(error)")
        }
        XCTAssertEqual(trainer.recognizer.model.parameters.map(\.value), before)
    }

    /// A small model must be able to memorize a handful of real utterances: the loss falls by
    /// a large factor and greedy decoding reproduces every transcript.
    func testTinyModelOverfitsEightRealUtterances() throws {
        let utterances = try RealSpeech.an4Utterances(8)
        let normalizer = TextNormalizer.default
        let vocabulary = Vocabulary.build(from: utterances.map { normalizer.normalize($0.text) })
        var (examples, failures) = try LabeledFeatures.compute(utterances, featureConfig: FeatureConfig(), vocabulary: vocabulary,
                                                               normalizer: normalizer)
        XCTAssertTrue(failures.isEmpty, "\(failures)")
        try LabeledFeatures.normalize(&examples, with: LabeledFeatures.statistics(examples, bins: 80))
        var config = LASConfig()
        config.encoderHidden = 64; config.encoderLayers = 2; config.embeddingSize = 16; config.decoderHidden = 64
        config.attentionSize = 64; config.attentionChannels = 4; config.attentionKernel = 11
        config.vocabularySize = vocabulary.count; config.ctcWeight = 0.3; config.labelSmoothing = 0
        let model = LASModel(config: config, seed: 1)
        let adam = Adam(parameters: model.parameters, learningRate: 3e-3)
        var rng = SplitMix64(seed: 2)
        let batches = [Array(0..<4), Array(4..<8)]
        func batch(_ idx: [Int]) -> FeatureBatch { FeatureBatch(idx.map { (examples[$0].variants[0].values, examples[$0].frames) }, width: 80) }
        var firstLoss = 0.0, lastLoss = 0.0
        for step in 0..<180 {
            let idx = batches[step % 2]
            model.zeroGrad()
            let r = try model.loss(batch(idx), targets: idx.map { examples[$0].targets }, training: true, backward: true, rng: &rng)
            if step < 2 { firstLoss += r.loss } else if step >= 178 { lastLoss += r.loss }
            adam.update(gradientScale: clipScale(norm: gradientNorm(model.parameters), maxNorm: 5))
        }
        XCTAssertLessThan(lastLoss, firstLoss / 10, "loss \(firstLoss) -> \(lastLoss)")
        let hyps = GreedyDecoder.decode(speller: model.speller, memory: try model.attentionMemory(batch(Array(0..<8))))
        for (e, h) in zip(examples, hyps) {
            XCTAssertEqual(vocabulary.decode(h.tokens), normalizer.normalize(e.utterance.text))
        }
    }
}
