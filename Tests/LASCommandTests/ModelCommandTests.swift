import XCTest
import LASKit

/// `las export` and `las average`: writing model files from other model files.
final class ModelCommandTests: XCTestCase {
    func twoModels(in dir: URL) throws -> (String, String) {
        let a = try CommandFixtures.tinyModel(in: dir)
        var r = try ModelFile.load(a)
        for p in r.model.parameters { p.value = p.value.map { $0 + 1 } }
        r.notes["epoch"] = "9"
        let b = dir.appendingPathComponent("shifted.safetensors").path
        try ModelFile.save(r, to: b)
        return (a, b)
    }

    func testExportWritesAHalfPrecisionModelThatLoads() throws {
        let dir = CommandFixtures.temporaryDirectory("export")
        let model = try CommandFixtures.tinyModel(in: dir)
        let out = dir.appendingPathComponent("half.safetensors").path
        let result = try LASProcess.run(["export", model, out, "--half-precision"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix(out + ":"), result.stdout)
        let original = try ModelFile.load(model), exported = try ModelFile.load(out)
        for (p, q) in zip(original.model.parameters, exported.model.parameters) {
            for (x, y) in zip(p.value, q.value) { XCTAssertEqual(x, y, accuracy: abs(x) * 1e-3 + 1e-7, p.name) }
        }
    }

    func testAverageWritesTheMeanOfTheModels() throws {
        let dir = CommandFixtures.temporaryDirectory("average")
        let (a, b) = try twoModels(in: dir)
        let out = dir.appendingPathComponent("mean.safetensors").path
        let result = try LASProcess.run(["average", a, b, "--output", out])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("mean of 2 models"), result.stdout)
        let first = try ModelFile.load(a), mean = try ModelFile.load(out)
        for (p, q) in zip(first.model.parameters, mean.model.parameters) {
            for (x, y) in zip(p.value, q.value) { XCTAssertEqual(y, x + 0.5, accuracy: 1e-5, p.name) }
        }
    }

    func testAverageNeedsAtLeastTwoModels() throws {
        let dir = CommandFixtures.temporaryDirectory("average-one")
        let model = try CommandFixtures.tinyModel(in: dir)
        let result = try LASProcess.run(["average", model, "--output", dir.appendingPathComponent("x.safetensors").path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("at least two models"), result.stderr)
    }

    func testAverageOfADamagedFileFailsNamingItAndWritesNothing() throws {
        let dir = CommandFixtures.temporaryDirectory("average-bad")
        let model = try CommandFixtures.tinyModel(in: dir)
        let bad = dir.appendingPathComponent("bad.safetensors").path
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: bad))
        let out = dir.appendingPathComponent("x.safetensors").path
        let result = try LASProcess.run(["average", model, bad, "--output", out])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains(bad), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testLanguageModelIsBuiltFromTranscriptsAndUsedInSearch() throws {
        let dir = CommandFixtures.temporaryDirectory("lm")
        let model = try CommandFixtures.tinyModel(in: dir)
        let manifest = dir.appendingPathComponent("text.jsonl")
        try """
        {"audio_filepath": "missing-1.wav", "text": "Erase seven"}
        {"audio_filepath": "missing-2.wav", "text": "enter four"}
        """.write(to: manifest, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("with-lm.safetensors").path
        let r = try LASProcess.run(["lm", manifest.path, "--model", model, "--output", out, "--order", "4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("4-gram character language model from 2 transcripts"), r.stdout)
        let lm = try XCTUnwrap(try ModelFile.load(out).languageModel)
        XCTAssertEqual(lm.order, 4)
        let sample = CommandFixtures.samples.appendingPathComponent("an52-mmaf-b.wav").path
        let t = try LASProcess.run(["transcribe", "--model", out, "--lm-weight", "0.5", sample])
        XCTAssertEqual(t.status, 0, t.stderr)
    }

    func testLanguageModelFromAnEmptyManifestIsRefused() throws {
        let dir = CommandFixtures.temporaryDirectory("lm-empty")
        let model = try CommandFixtures.tinyModel(in: dir)
        let manifest = dir.appendingPathComponent("empty.jsonl")
        try Data().write(to: manifest)
        let out = dir.appendingPathComponent("x.safetensors").path
        let r = try LASProcess.run(["lm", manifest.path, "--model", model, "--output", out])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains(manifest.path), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
}
