import Foundation
import XCTest

final class WERCommandTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("las-wer-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    @discardableResult
    private func write(_ name: String, _ contents: String) throws -> String {
        try contents.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        return name
    }

    private func wer(_ arguments: [String]) throws -> LASProcess.Result {
        try LASProcess.run(["wer"] + arguments, workingDirectory: folder)
    }

    // Hand-checked: u1 has SAT→SIT and a deleted THE (6 words); u2 has BIG inserted (2 words).
    // Characters: u1 "THE CAT SAT ON THE MAT" (22) → "THE CAT SIT ON MAT": 1 sub, 4 del ("THE ");
    // u2 "HELLO WORLD" (11) → "HELLO BIG WORLD": 4 ins ("BIG ").
    private let reference = "u1 the cat sat on the mat\nu2 Hello   World\n"
    private let hypothesis = "u2 hello big world\nu1 THE CAT SIT ON MAT\n"

    func testSummaryLinesForAHandCheckedCase() throws {
        try write("ref.txt", reference)
        try write("hyp.txt", hypothesis)
        let result = try wer(["ref.txt", "hyp.txt"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, [
            "%WER 37.50 [ 3 / 8, 1 ins, 1 del, 1 sub ]",
            "%CER 27.27 [ 9 / 33, 4 ins, 4 del, 1 sub ]",
            "%SER 100.00 [ 2 / 2 ]",
            "Scored 2 utterances, 0 not present in hyp.",
        ])
        XCTAssertEqual(result.stderr, "")
    }

    func testMissingHypothesesAreReportedAndScoredAsDeletions() throws {
        try write("ref.txt", "u1 a b\nu2 c d e\nu3 f\n")
        try write("hyp.txt", "u1 a b\n")
        let result = try wer(["ref.txt", "hyp.txt"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr,
                       "las: hyp.txt: missing 2 utterances present in ref.txt (scored as deletions): u2 u3\n")
        XCTAssertTrue(result.stdout.hasPrefix("%WER 66.67 [ 4 / 6, 0 ins, 4 del, 0 sub ]\n"), result.stdout)
        XCTAssertTrue(result.stdout.contains("Scored 3 utterances, 2 not present in hyp."), result.stdout)
    }

    func testLongListOfMissingIDsIsCapped() throws {
        try write("ref.txt", (1...15).map { "u\($0) a\n" }.joined())
        try write("hyp.txt", "")
        let result = try wer(["ref.txt", "hyp.txt"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "las: hyp.txt: missing 15 utterances present in ref.txt (scored as deletions): "
                       + "u1 u2 u3 u4 u5 u6 u7 u8 u9 u10 ... (5 more)\n")
    }

    func testHypothesesWithoutReferenceAreIgnoredWithAWarning() throws {
        try write("ref.txt", "u1 a\n")
        try write("hyp.txt", "u1 a\nextra b\n")
        let result = try wer(["ref.txt", "hyp.txt"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "las: warning: hyp.txt: ignoring 1 utterance not in ref.txt: extra\n")
        XCTAssertTrue(result.stdout.hasPrefix("%WER 0.00 [ 0 / 1, 0 ins, 0 del, 0 sub ]\n"), result.stdout)
    }

    func testMissingFileGivesOneLineErrorAndNonZeroStatus() throws {
        try write("hyp.txt", "u1 a\n")
        let result = try wer(["nope.txt", "hyp.txt"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.stderr, "las: nope.txt: cannot read (No such file or directory)\n")
        XCTAssertEqual(result.stdout, "")
    }

    func testMalformedLineIsReportedWithFileAndLine() throws {
        try write("ref.txt", "u1 a\nu1 b\n")
        try write("hyp.txt", "u1 a\n\n")
        let result = try wer(["ref.txt", "hyp.txt"])
        XCTAssertNotEqual(result.status, 0)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, result.stderr)
        XCTAssertEqual(lines.first.map(String.init), "las: ref.txt:2: duplicate utterance id 'u1' (first on line 1)")
        XCTAssertTrue(lines.last?.hasPrefix("las: hyp.txt:2: empty line") == true, result.stderr)
    }

    func testJSONPrintsOneObjectPerUtteranceThenASummary() throws {
        try write("ref.txt", reference + "u3 only in ref\n")
        try write("hyp.txt", hypothesis)
        let result = try wer(["--json", "ref.txt", "hyp.txt"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let objects = try result.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(objects.count, 4)
        XCTAssertEqual(objects.prefix(3).map { $0["id"] as? String }, ["u1", "u2", "u3"])

        let u1 = objects[0]
        XCTAssertEqual(u1["ref"] as? String, "THE CAT SAT ON THE MAT")
        XCTAssertEqual(u1["hyp"] as? String, "THE CAT SIT ON MAT")
        let wer = try XCTUnwrap(u1["wer"] as? [String: Any])
        XCTAssertEqual(wer["substitutions"] as? Int, 1)
        XCTAssertEqual(wer["deletions"] as? Int, 1)
        XCTAssertEqual(wer["referenceLength"] as? Int, 6)
        let steps = try XCTUnwrap(u1["alignment"] as? [[String: Any]])
        XCTAssertEqual(steps.map { $0["op"] as? String },
                       ["correct", "correct", "substitution", "correct", "deletion", "correct"])
        XCTAssertEqual(steps[2]["ref"] as? String, "SAT")
        XCTAssertEqual(steps[2]["hyp"] as? String, "SIT")
        XCTAssertTrue(steps[4]["hyp"] is NSNull)

        XCTAssertTrue(objects[2]["hyp"] is NSNull, "missing hypothesis is null")
        let summary = try XCTUnwrap(objects[3]["summary"] as? [String: Any])
        XCTAssertEqual(summary["utterances"] as? Int, 3)
        XCTAssertEqual(summary["missingHypotheses"] as? [String], ["u3"])
        let corpusWER = try XCTUnwrap(summary["wer"] as? [String: Any])
        XCTAssertEqual(corpusWER["errors"] as? Int, 6)
        XCTAssertEqual(corpusWER["referenceLength"] as? Int, 11)
    }

    func testAlignmentsShowREFHYPAndEVALLinesPerUtterance() throws {
        try write("ref.txt", "u1 the cat sat on the mat\n")
        try write("hyp.txt", "u1 the cat sit on mat\n")
        let result = try wer(["--alignments", "ref.txt", "hyp.txt"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(Array(lines.prefix(4)), [
            "ID:   u1",
            "REF:  the cat SAT on THE mat",
            "HYP:  the cat SIT on *** mat",
            "EVAL:         S      D",
        ])
        XCTAssertTrue(result.stdout.contains("%WER 33.33 [ 2 / 6, 0 ins, 1 del, 1 sub ]"), result.stdout)
    }

    func testHelpDocumentsScoringAndMissingHypotheses() throws {
        let result = try LASProcess.run(["wer", "--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("USAGE: las wer"), result.stdout)
        XCTAssertTrue(result.stdout.contains("uppercased"), result.stdout)
        XCTAssertTrue(result.stdout.contains("deletions"), result.stdout)
        XCTAssertTrue(result.stdout.contains("--json"), result.stdout)
    }
}
