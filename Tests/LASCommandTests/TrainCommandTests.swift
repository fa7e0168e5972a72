import Foundation
import XCTest
import LASKit

final class TrainCommandTests: XCTestCase {
    static let tinyConfig = """
    {"model": {"encoderHidden": 16, "encoderLayers": 2, "embeddingSize": 8, "decoderHidden": 16, "attentionSize": 16,
               "attentionChannels": 2, "attentionKernel": 5, "ctcWeight": 0.3},
     "training": {"speeds": [], "warmupSteps": 2, "batchSize": 4}}
    """

    /// Trains the tiny configuration for one epoch on three AN4 utterances each of fash and fbbh,
    /// with `devUtterances` of fjam as dev.
    func trainTinyModelForOneEpoch(_ name: String, devUtterances: Int) throws
        -> (train: String, dev: String, out: URL, result: LASProcess.Result) {
        let dir = CommandFixtures.temporaryDirectory(name)
        let train = try CommandFixtures.an4Manifest(in: dir, name: "train.jsonl", speakers: ["fash", "fbbh"], perSpeaker: 3)
        let dev = try CommandFixtures.an4Manifest(in: dir, name: "dev.jsonl", speakers: ["fjam"], perSpeaker: devUtterances)
        let config = dir.appendingPathComponent("config.json")
        try Self.tinyConfig.write(to: config, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let result = try LASProcess.run(["train", "--train", train, "--dev", dev, "--output", out.path, "--config", config.path,
                                         "--epochs", "1"])
        return (train, dev, out, result)
    }

    func testTrainingWritesModelCheckpointLogAndResumes() throws {
        let (train, dev, out, first) = try trainTinyModelForOneEpoch("train", devUtterances: 2)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("epoch 1: train loss"), first.stdout)
        for name in ["best.safetensors", "checkpoint.safetensors", "train-log.jsonl", "curves.svg", "curves.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), name)
        }
        let second = try LASProcess.run(["train", "--train", train, "--dev", dev, "--output", out.path, "--resume", "--epochs", "2"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("resuming from"), second.stdout)
        XCTAssertTrue(second.stdout.contains("epoch 2: train loss"), second.stdout)
        XCTAssertFalse(second.stdout.contains("epoch 1: train loss"), "epoch 1 is not repeated")
        let log = try String(contentsOf: out.appendingPathComponent("train-log.jsonl"), encoding: .utf8)
        XCTAssertEqual(log.split(separator: "\n").filter { $0.contains("\"type\":\"epoch\"") }.count, 2)
        // las plot redraws the curves of the run, here into another folder.
        let redrawn = out.appendingPathComponent("redrawn")
        let plot = try LASProcess.run(["plot", out.appendingPathComponent("train-log.jsonl").path, "--output", redrawn.path])
        XCTAssertEqual(plot.status, 0, plot.stderr)
        XCTAssertEqual(plot.stdout, ["png", "svg"].map { redrawn.appendingPathComponent("curves.\($0)").path + "\n" }.joined())
        XCTAssertEqual(try Data(contentsOf: redrawn.appendingPathComponent("curves.png")),
                       try Data(contentsOf: out.appendingPathComponent("curves.png")), "the same log draws the same picture")
    }

    /// Training scores dev with beam 4 (as `las train --help` says); `las evaluate --beam 4` on
    /// the best model must give the same figures, so a user can check a run's reported error.
    /// After one epoch the tiny model spells long garbage (CER about 2000 %, hundreds of errors),
    /// a fingerprint of features, normalization, weights and search that any difference between
    /// the two paths would change. (Beam width does not: every hypothesis runs to the length cap.)
    func testEvaluateReproducesTheDevErrorTrainingLogged() throws {
        let (_, dev, out, trained) = try trainTinyModelForOneEpoch("train-evaluate", devUtterances: 3)
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let log = try String(contentsOf: out.appendingPathComponent("train-log.jsonl"), encoding: .utf8)
        let epochLine = try XCTUnwrap(log.split(separator: "\n").last { $0.contains("\"type\":\"epoch\"") })
        let epoch = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(epochLine.utf8)) as? [String: Any])
        let loggedWER = try XCTUnwrap(epoch["dev_wer"] as? Double), loggedCER = try XCTUnwrap(epoch["dev_cer"] as? Double)
        let evaluated = try LASProcess.run(["evaluate", "--beam", "4", "--model", out.appendingPathComponent("best.safetensors").path, dev])
        XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
        XCTAssertTrue(evaluated.stdout.contains(String(format: "%%WER %.2f ", loggedWER * 100)), "\(loggedWER)\n\(evaluated.stdout)")
        XCTAssertTrue(evaluated.stdout.contains(String(format: "%%CER %.2f ", loggedCER * 100)), "\(loggedCER)\n\(evaluated.stdout)")
    }

    func testConfigFileChangesOnlyTheModelSettingsItNames() throws {
        // The file names sizes and a dropout; the joint CTC weight stays at the command's 0.3
        // and utterance mean normalization at its default (on).
        let dir = CommandFixtures.temporaryDirectory("train-config")
        let data = try CommandFixtures.an4Manifest(in: dir, name: "train.jsonl", speakers: ["fash"], perSpeaker: 2)
        let config = dir.appendingPathComponent("config.json")
        try """
        {"model": {"encoderHidden": 8, "encoderLayers": 2, "embeddingSize": 4, "decoderHidden": 8, "attentionSize": 8,
                   "attentionChannels": 2, "attentionKernel": 5, "dropout": 0.25},
         "training": {"speeds": [], "batchSize": 2}}
        """.write(to: config, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let r = try LASProcess.run(["train", "--train", data, "--dev", data, "--output", out.path, "--config", config.path,
                                    "--max-steps", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let recognizer = try ModelFile.load(out.appendingPathComponent("best.safetensors").path)
        XCTAssertEqual(recognizer.model.config.encoderHidden, 8)
        XCTAssertEqual(recognizer.model.config.dropout, 0.25)
        XCTAssertEqual(recognizer.model.config.ctcWeight, 0.3)
        XCTAssertTrue(recognizer.cmvn.subtractsUtteranceMean)
    }

    /// Each attention kind trains from a config file for two steps, and the model file it writes
    /// names the kind (and heads) and transcribes.
    func testEveryAttentionKindTrainsFromTheConfigFile() throws {
        let dir = CommandFixtures.temporaryDirectory("train-attention-kinds")
        let data = try CommandFixtures.an4Manifest(in: dir, name: "train.jsonl", speakers: ["fash"], perSpeaker: 2)
        for (kind, heads) in [("additive", 1), ("dot", 1), ("multihead-location", 2)] {
            let config = dir.appendingPathComponent("\(kind).json")
            try """
            {"model": {"encoderHidden": 8, "encoderLayers": 2, "embeddingSize": 4, "decoderHidden": 8, "attentionSize": 8,
                       "attentionChannels": 2, "attentionKernel": 5, "attention": "\(kind)", "attentionHeads": \(heads)},
             "training": {"speeds": [], "batchSize": 1}}
            """.write(to: config, atomically: true, encoding: .utf8)
            let out = dir.appendingPathComponent("run-\(kind)")
            let r = try LASProcess.run(["train", "--train", data, "--dev", data, "--output", out.path, "--config", config.path,
                                        "--max-steps", "2"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let model = out.appendingPathComponent("best.safetensors").path
            let recognizer = try ModelFile.load(model)
            XCTAssertEqual(recognizer.model.config.attention.rawValue, kind)
            XCTAssertEqual(recognizer.model.config.attentionHeads, heads)
            let wav = try CommandFixtures.an4Manifest(in: dir, name: "one-\(kind).jsonl", speakers: ["fash"], perSpeaker: 1)
            let evaluated = try LASProcess.run(["evaluate", "--beam", "2", "--model", model, wav])
            XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
        }
        let config = dir.appendingPathComponent("bad.json")
        try #"{"model": {"attention": "additive", "attentionHeads": 4}}"#.write(to: config, atomically: true, encoding: .utf8)
        let r = try LASProcess.run(["train", "--train", data, "--dev", data, "--output", dir.appendingPathComponent("bad").path,
                                    "--config", config.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "las: \(config.path): attentionHeads applies to multihead-location attention only (attention is additive)\n")
    }

    func testMalformedManifestLineIsReportedWithFileAndLine() throws {
        let dir = CommandFixtures.temporaryDirectory("train-bad")
        let manifest = dir.appendingPathComponent("bad.jsonl")
        try "{\"audio_filepath\": \"a.wav\", \"text\": \"A\"}\n{not json\n".write(to: manifest, atomically: true, encoding: .utf8)
        let r = try LASProcess.run(["train", "--train", manifest.path, "--dev", manifest.path, "--output", dir.appendingPathComponent("o").path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("\(manifest.path):2"), r.stderr)
    }

    func testMissingAudioIsSkippedWithACountAndStrictMakesItFatal() throws {
        let dir = CommandFixtures.temporaryDirectory("train-missing")
        let dev = try CommandFixtures.an4Manifest(in: dir, name: "dev.jsonl", speakers: ["fjam"], perSpeaker: 2)
        let train = dir.appendingPathComponent("train.jsonl")
        var text = try String(contentsOfFile: dev, encoding: .utf8)
        text += "{\"audio_filepath\": \"nowhere.wav\", \"text\": \"YES\"}\n"
        try text.write(to: train, atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("config.json")
        try Self.tinyConfig.write(to: config, atomically: true, encoding: .utf8)
        let ok = try LASProcess.run(["train", "--train", train.path, "--dev", dev, "--output", dir.appendingPathComponent("o").path,
                                     "--config", config.path, "--max-steps", "1"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stderr.contains("nowhere.wav"), ok.stderr)
        XCTAssertTrue(ok.stdout.contains("skipped 1"), ok.stdout)
        let strict = try LASProcess.run(["train", "--train", train.path, "--dev", dev, "--output", dir.appendingPathComponent("s").path,
                                         "--config", config.path, "--max-steps", "1", "--strict"])
        XCTAssertEqual(strict.status, 1)
        XCTAssertTrue(strict.stderr.contains("nowhere.wav"), strict.stderr)
    }

    /// Values no trainer can use stop `las train` before any audio is read, with one line that
    /// names the file, the setting and its value; before, a batch size of 0 crashed.
    func testUnusableConfigValueIsReportedWithTheFileAndSetting() throws {
        let dir = CommandFixtures.temporaryDirectory("train-bad-config")
        let data = try CommandFixtures.an4Manifest(in: dir, name: "train.jsonl", speakers: ["fash"], perSpeaker: 1)
        for (json, problem) in [(#"{"training": {"batchSize": 0}}"#, "batchSize must be at least 1 (is 0)"),
                                (#"{"training": {"speeds": [0.9, 0]}}"#, "speeds must lie between 0.5 and 2 (has 0.0)"),
                                (#"{"model": {"encoderLayers": 0}}"#, "encoderLayers must be at least 1 (is 0)"),
                                (#"{"model": {"dropout": 1.5}}"#, "dropout must be at least 0 and below 1 (is 1.5)")] {
            let config = dir.appendingPathComponent("config.json")
            try json.write(to: config, atomically: true, encoding: .utf8)
            let out = dir.appendingPathComponent("run")
            let r = try LASProcess.run(["train", "--train", data, "--dev", data, "--output", out.path, "--config", config.path])
            XCTAssertEqual(r.status, 1, json)
            XCTAssertEqual(r.stderr, "las: \(config.path): \(problem)\n", json)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing is written")
        }
    }
}
