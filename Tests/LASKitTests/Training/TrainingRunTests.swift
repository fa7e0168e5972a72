import Foundation
import XCTest
import LASKit

/// `TrainingRun` is `las train` without the command line: a library user trains from data paths.
final class TrainingRunTests: XCTestCase {
    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("las-training-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A JSONL manifest of the first `count` AN4 fixture utterances.
    func manifest(_ count: Int, in dir: URL) throws -> String {
        let lines = try RealSpeech.an4Utterances(count).map { u in
            try JSONValue.text(encoding: ["audio_filepath": u.audioPath, "text": u.text, "id": u.id])
        }
        let path = dir.appendingPathComponent("data.jsonl").path
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A model small enough to train an epoch in a second or two.
    func tinyConfiguration(data: String, directory: URL) -> TrainingRun.Configuration {
        var c = TrainingRun.Configuration(trainData: data, devData: data, directory: directory)
        c.model.encoderHidden = 16; c.model.encoderLayers = 2; c.model.embeddingSize = 8; c.model.decoderHidden = 16
        c.model.attentionSize = 16; c.model.attentionChannels = 2; c.model.attentionKernel = 5
        c.training.epochs = 1; c.training.batchSize = 2; c.training.warmupSteps = 2; c.training.threads = 1
        c.training.speeds = []; c.training.narrowband = false
        return c
    }

    func testTheDefaultsAreTheRecipes() {
        let c = TrainingRun.Configuration(trainData: "t", devData: "d", directory: URL(fileURLWithPath: "run"))
        XCTAssertEqual(c.model, LASConfig.recipe)
        XCTAssertEqual(c.model.ctcWeight, 0.3)
        XCTAssertEqual(c.model.dropout, 0.2)
        XCTAssertEqual(c.training, TrainingOptions())
    }

    func testARunTrainsFromDataPathsAndWritesTheBestModel() throws {
        let dir = try temporaryDirectory()
        let run = TrainingRun(tinyConfiguration(data: try manifest(4, in: dir), directory: dir.appendingPathComponent("run")))
        var ready: [String] = [], plan: TrainingRun.Plan?, epochs: [TrainingEvent.Epoch] = []
        let trainer = try run.run(events: { event in
            switch event {
            case let .featuresReady(set, utterances, _, _): ready.append("\(set) \(utterances)")
            case let .ready(p): plan = p
            case let .training(.epoch(e)): epochs.append(e)
            default: break
            }
        })
        XCTAssertEqual(ready, ["train 4", "dev 4"])
        XCTAssertEqual(plan?.totalSteps, 2)
        XCTAssertEqual(plan?.batchesPerEpoch, 2)
        XCTAssertEqual(epochs.count, 1)
        XCTAssertFalse(trainer.stoppedOnRequest)
        let best = try ModelFile.load(trainer.bestPath)
        XCTAssertEqual(best.model.config.encoderHidden, 16)
        XCTAssertEqual(best.model.config.ctcWeight, LASConfig.recipe.ctcWeight, "unnamed settings keep the recipe's")
        XCTAssertEqual(best.model.config.vocabularySize, best.vocabulary.count)
    }

    func testAResumedRunTakesTheThreadsAndEpochsItIsGiven() throws {
        let dir = try temporaryDirectory()
        var c = tinyConfiguration(data: try manifest(4, in: dir), directory: dir.appendingPathComponent("run"))
        _ = try TrainingRun(c).run()
        c.resume = true; c.resumedEpochs = 2; c.resumedThreads = 2
        c.training.threads = 7; c.training.learningRate = 0.5  // not resumable: the checkpoint's stay
        let resumed = try TrainingRun(c).run()
        XCTAssertEqual(resumed.options.threads, 2)
        XCTAssertEqual(resumed.options.epochs, 2)
        XCTAssertEqual(resumed.options.learningRate, TrainingOptions().learningRate)
    }

    func testAConfigFileChangesOnlyWhatItNames() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("config.json")
        try Data(#"{"model": {"dropout": 0.25}, "training": {"batchSize": 4}}"#.utf8).write(to: file)
        var c = TrainingRun.Configuration(trainData: "t", devData: "d", directory: dir)
        try c.apply(configFile: file.path)
        var expected = LASConfig.recipe
        expected.dropout = 0.25
        XCTAssertEqual(c.model, expected)
        XCTAssertEqual(c.training.batchSize, 4)
    }

    func testAnUnreadableConfigFileIsOneLineNamingIt() {
        var c = TrainingRun.Configuration(trainData: "t", devData: "d", directory: URL(fileURLWithPath: "run"))
        XCTAssertThrowsError(try c.apply(configFile: "/nonexistent/config.json")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/config.json: cannot read (No such file or directory)")
        }
    }

    func testResumingWithoutACheckpointNamesTheMissingFile() throws {
        let dir = try temporaryDirectory()
        var c = tinyConfiguration(data: try manifest(2, in: dir), directory: dir.appendingPathComponent("run"))
        c.resume = true
        XCTAssertThrowsError(try TrainingRun(c).prepare()) { error in
            XCTAssertEqual("\(error)", "\(c.checkpointPath): no checkpoint to resume from")
        }
    }
}
