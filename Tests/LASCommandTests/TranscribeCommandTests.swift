import Foundation
import XCTest
import LASKit

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
        XCTAssertTrue(svg.hasPrefix("<?xml") && svg.contains("<svg") && svg.contains("<path"), String(svg.prefix(200)))
        let png = try LASProcess.run(["transcribe", "--model", model, "--beam", "2", "--attention-plot", plots.path,
                                      "--attention-plot-format", "png",
                                      CommandFixtures.samples.appendingPathComponent("an52-mmaf-b.wav").path])
        XCTAssertEqual(png.status, 0, png.stderr)
        let image = try Data(contentsOf: plots.appendingPathComponent("an52-mmaf-b.png"))
        XCTAssertEqual(Array(image.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG signature")
    }

    /// --attention puts each segment's matrix, heads x characters x frames, into the JSON, and
    /// --attention-plot draws one panel per head.
    func testAttentionMatrixIsInTheJSONAndThePlotHasAPanelPerHead() throws {
        let dir = CommandFixtures.temporaryDirectory("transcribe-attention")
        let plots = dir.appendingPathComponent("plots")
        let audio = CommandFixtures.samples.appendingPathComponent("an52-mmaf-b.wav").path
        for (kind, heads) in [(AttentionKind.multiHeadLocation, 2), (.additive, 1)] {
            let model = try CommandFixtures.tinyModel(in: dir, attention: kind, heads: heads)
            let r = try LASProcess.run(["transcribe", "--model", model, "--beam", "2", "--format", "json", "--attention",
                                        "--attention-plot", plots.path, "--attention-plot-format", "png", audio])
            XCTAssertEqual(r.status, 0, r.stderr)
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let segments = try XCTUnwrap(object["attention"] as? [[String: Any]])
            XCTAssertFalse(segments.isEmpty)
            for segment in segments {
                let characters = try XCTUnwrap(segment["characters"] as? [String])
                let weights = try XCTUnwrap(segment["weights"] as? [[[Double]]])
                XCTAssertEqual(weights.count, heads, "\(kind)")
                for head in weights {
                    XCTAssertEqual(head.count, characters.count)
                    for row in head {
                        XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-4 * Double(row.count) + 1e-6, "each α sums to 1")
                        for w in row { XCTAssertEqual(w, (w * 10_000).rounded() / 10_000, accuracy: 1e-9, "4 decimals") }
                    }
                }
            }
            // One panel per head: the PNG is as tall as `AttentionPlot.size` says for that many heads.
            let characters = try XCTUnwrap(segments[0]["characters"] as? [String]).count
            let frames = try XCTUnwrap((segments[0]["weights"] as? [[[Double]]])?.first?.first?.count)
            let image = [UInt8](try Data(contentsOf: plots.appendingPathComponent("an52-mmaf-b.png")))
            let be32 = { (o: Int) in image[o..<(o + 4)].reduce(0) { $0 << 8 | Int($1) } }   // IHDR width, height
            let expected = AttentionPlot.size(characters: characters, frames: frames, heads: heads)
            XCTAssertEqual(be32(16), expected.width, "\(kind)")
            XCTAssertEqual(be32(20), expected.height, "\(kind)")
        }
        let model = try CommandFixtures.tinyModel(in: dir)
        let plain = try LASProcess.run(["transcribe", "--model", model, "--format", "json", audio])
        XCTAssertFalse(plain.stdout.contains("\"attention\""), "only on request")
        let text = try LASProcess.run(["transcribe", "--model", model, "--attention", audio])
        XCTAssertNotEqual(text.status, 0)
        XCTAssertTrue(text.stderr.contains("--attention needs --format json"), text.stderr)
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
