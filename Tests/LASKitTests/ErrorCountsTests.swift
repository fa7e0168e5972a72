import Foundation
import XCTest
import LASKit

final class ErrorCountsTests: XCTestCase {
    func testErrorsAndRateFollowFromTheCounts() {
        let counts = ErrorCounts(substitutions: 33, deletions: 15, insertions: 9, referenceLength: 773)
        XCTAssertEqual(counts.errors, 57)
        XCTAssertEqual(counts.correct, 773 - 33 - 15)
        XCTAssertEqual(counts.rate, 57.0 / 773.0)
    }

    func testCountsAccumulateOverACorpus() {
        let a = ErrorCounts(substitutions: 1, deletions: 2, insertions: 3, referenceLength: 10)
        let b = ErrorCounts(substitutions: 4, deletions: 0, insertions: 1, referenceLength: 5)
        let expected = ErrorCounts(substitutions: 5, deletions: 2, insertions: 4, referenceLength: 15)
        XCTAssertEqual(a + b, expected)
        var sum = ErrorCounts.zero
        sum.add(a)
        sum += b
        XCTAssertEqual(sum, expected)
    }

    func testEmptyReferenceRateIsTheNumberOfInsertions() {
        XCTAssertEqual(ErrorCounts(referenceLength: 0).rate, 0)
        XCTAssertEqual(ErrorCounts(insertions: 3, referenceLength: 0).rate, 3)
    }

    func testKaldiSummaryHasComputeWERFormat() {
        let counts = ErrorCounts(substitutions: 33, deletions: 15, insertions: 9, referenceLength: 773)
        // 57 / 773 = 0.073738… → 7.37
        XCTAssertEqual(counts.kaldiSummary(label: "WER"), "%WER 7.37 [ 57 / 773, 9 ins, 15 del, 33 sub ]")
    }

    func testKaldiSummaryRoundsToTwoDecimals() {
        let counts = ErrorCounts(substitutions: 2, referenceLength: 3)  // 66.666…%
        XCTAssertEqual(counts.kaldiSummary(label: "CER"), "%CER 66.67 [ 2 / 3, 0 ins, 0 del, 2 sub ]")
    }

    func testKaldiSummaryOfNoReferenceWordsIsFinite() {
        XCTAssertEqual(ErrorCounts.zero.kaldiSummary(label: "WER"), "%WER 0.00 [ 0 / 0, 0 ins, 0 del, 0 sub ]")
        XCTAssertEqual(ErrorCounts(insertions: 2).kaldiSummary(label: "WER"),
                       "%WER 200.00 [ 2 / 0, 2 ins, 0 del, 0 sub ]")
    }

    func testJSONIncludesDerivedErrorsAndRateAndRoundTrips() throws {
        let counts = ErrorCounts(substitutions: 1, deletions: 1, insertions: 0, referenceLength: 4)
        let data = try JSONEncoder().encode(counts)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["errors"] as? Int, 2)
        XCTAssertEqual(object["rate"] as? Double, 0.5)
        XCTAssertEqual(try JSONDecoder().decode(ErrorCounts.self, from: data), counts)
    }
}
