import Foundation
import XCTest
import LASKit

final class EvaluateCommandTests: XCTestCase {
    func testEvaluatePrintsKaldiStyleWERAndCERLinesAndWritesHypotheses() throws {
        let dir = CommandFixtures.temporaryDirectory("evaluate")
        let model = try CommandFixtures.tinyModel(in: dir)
        let data = try CommandFixtures.an4Manifest(in: dir, name: "dev.jsonl", speakers: ["fjam"], perSpeaker: 3)
        let hyps = dir.appendingPathComponent("hyp.txt"), json = dir.appendingPathComponent("per-utt.jsonl")
        let r = try LASProcess.run(["evaluate", "--model", model, "--beam", "2", data, "--output", hyps.path, "--json", json.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].range(of: #"^%WER \d+\.\d\d \[ \d+ / \d+, \d+ ins, \d+ del, \d+ sub \]$"#, options: .regularExpression) != nil, lines[0])
        XCTAssertTrue(lines[1].hasPrefix("%CER "), lines[1])
        XCTAssertTrue(r.stdout.contains("real-time factor"), r.stdout)
        XCTAssertEqual(try String(contentsOf: hyps, encoding: .utf8).split(separator: "\n").count, 3)
        XCTAssertEqual(try String(contentsOf: json, encoding: .utf8).split(separator: "\n").count, 3)
    }

    /// Each --json line carries the utterance's attention diagnostics, for every kind and head count.
    func testJSONLinesCarryAttentionEntropyAndMonotonicity() throws {
        let dir = CommandFixtures.temporaryDirectory("evaluate-attention")
        let data = try CommandFixtures.an4Manifest(in: dir, name: "dev.jsonl", speakers: ["fjam"], perSpeaker: 2)
        for (kind, heads) in [(AttentionKind.location, 1), (.multiHeadLocation, 2)] {
            let model = try CommandFixtures.tinyModel(in: dir, attention: kind, heads: heads)
            let json = dir.appendingPathComponent("per-utt-\(kind.rawValue).jsonl")
            let r = try LASProcess.run(["evaluate", "--model", model, "--beam", "2", data, "--json", json.path])
            XCTAssertEqual(r.status, 0, r.stderr)
            let lines = try String(contentsOf: json, encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(lines.count, 2)
            for line in lines {
                let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let attention = try XCTUnwrap(object["attention"] as? [String: Double], "\(kind): \(line)")
                let entropy = try XCTUnwrap(attention["meanEntropy"]), monotonicity = try XCTUnwrap(attention["monotonicity"])
                XCTAssertGreaterThan(entropy, 0, "an untrained model's attention is spread out")
                XCTAssertLessThanOrEqual(entropy, log(200.0))
                XCTAssertTrue((0...1).contains(monotonicity), "\(monotonicity)")
            }
        }
    }
}
