import Foundation
import XCTest

final class TranscribeCommandTests: XCTestCase {
    func testBatchWithBadFilesTranscribesTheGoodOneAndReportsEachBadOne() throws {
        let dir = CommandFixtures.temporaryDirectory("transcribe")
        let model = try CommandFixtures.tinyModel(in: dir)
        let bad = try CommandFixtures.badFiles(in: dir)
        let good = CommandFixtures.samples.appendingPathComponent("cen3-fjam-b.wav").path
        let missing = dir.appendingPathComponent("missing.wav").path
        let r = try LASProcess.run(["transcribe", "--model", model, good, bad.corrupt, bad.empty, bad.text, missing])
        XCTAssertEqual(r.status, 1)
        let out = r.stdout.split(separator: "\n")
        XCTAssertEqual(out.count, 1, r.stdout)
        XCTAssertTrue(out[0].hasPrefix(good + "\t"), r.stdout)
        let errors = r.stderr.split(separator: "\n")
        for path in [bad.corrupt, bad.empty, bad.text, missing] {
            XCTAssertEqual(errors.filter { $0.hasPrefix("las: \(path):") }.count, 1, "one line for \(path): \(r.stderr)")
        }
        XCTAssertTrue(r.stderr.contains("4 of 5 files failed"), r.stderr)
    }

    func testJSONOutputHasTextScoreNBestAndWordTimes() throws {
        let dir = CommandFixtures.temporaryDirectory("transcribe-json")
        let model = try CommandFixtures.tinyModel(in: dir)
        let r = try LASProcess.run(["transcribe", "--model", model, "--format", "json", "--beam", "3",
                                    CommandFixtures.samples.appendingPathComponent("7_lucas_0.wav").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertNotNil(object["text"] as? String)
        XCTAssertNotNil(object["score"] as? Double)
        XCTAssertNotNil(object["words"] as? [Any])
        let nbest = try XCTUnwrap(object["nbest"] as? [[String: Any]])
        XCTAssertTrue((1...3).contains(nbest.count))
    }

    func testFolderArgumentTranscribesEveryAudioFileInIt() throws {
        let dir = CommandFixtures.temporaryDirectory("transcribe-folder")
        let model = try CommandFixtures.tinyModel(in: dir)
        let r = try LASProcess.run(["transcribe", "--model", model, "--beam", "1", CommandFixtures.samples.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let files = r.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        XCTAssertEqual(files.count, 6, r.stdout)
        XCTAssertTrue(files.contains { $0.hasSuffix("cen3-mmap-b.flac") })
    }

    func testAttentionPlotIsWrittenPerFile() throws {
        let dir = CommandFixtures.temporaryDirectory("transcribe-plot")
        let model = try CommandFixtures.tinyModel(in: dir)
        let plots = dir.appendingPathComponent("plots")
        let r = try LASProcess.run(["transcribe", "--model", model, "--beam", "2", "--attention-plot", plots.path,
                                    CommandFixtures.samples.appendingPathComponent("an52-mmaf-b.wav").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let svg = try String(contentsOf: plots.appendingPathComponent("an52-mmaf-b.svg"), encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg") && svg.contains("<rect"), String(svg.prefix(200)))
    }

    func testDamagedModelFileGivesOneLineErrorNamingIt() throws {
        let dir = CommandFixtures.temporaryDirectory("transcribe-badmodel")
        let model = dir.appendingPathComponent("broken.safetensors")
        try Data([1, 2, 3]).write(to: model)
        let r = try LASProcess.run(["transcribe", "--model", model.path, CommandFixtures.samples.appendingPathComponent("7_lucas_0.wav").path])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("las: \(model.path)"), r.stderr)
    }
}
