import Foundation
import XCTest

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
}
