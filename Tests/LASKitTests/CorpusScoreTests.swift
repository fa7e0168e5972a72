import XCTest
import LASKit

final class CorpusScoreTests: XCTestCase {
    private func entries(_ pairs: [(String, String)]) -> [KaldiTextEntry] {
        pairs.enumerated().map { KaldiTextEntry(id: $1.0, text: $1.1, line: $0 + 1) }
    }

    func testUtterancesAreMatchedByIDInReferenceOrder() {
        let score = CorpusScore(references: entries([("u1", "a b"), ("u2", "c d")]),
                                hypotheses: entries([("u2", "c x"), ("u1", "a b")]))
        XCTAssertEqual(score.utterances.map(\.id), ["u1", "u2"])
        XCTAssertEqual(score.utterances.map(\.hypothesis), ["a b", "c x"])
        XCTAssertEqual(score.wordCounts, ErrorCounts(substitutions: 1, referenceLength: 4))
        XCTAssertEqual(score.utterancesWithErrors, 1)
    }

    func testMissingHypothesisCountsAsDeletingTheWholeReference() {
        let score = CorpusScore(references: entries([("u1", "a b"), ("u2", "c d e")]),
                                hypotheses: entries([("u1", "a b")]))
        XCTAssertEqual(score.missingHypothesisIDs, ["u2"])
        XCTAssertNil(score.utterances[1].hypothesis)
        XCTAssertEqual(score.wordCounts, ErrorCounts(deletions: 3, referenceLength: 5))
        XCTAssertEqual(score.characterCounts, ErrorCounts(deletions: 5, referenceLength: 8))
    }

    func testHypothesesWithoutReferenceAreListedAndNotScored() {
        let score = CorpusScore(references: entries([("u1", "a")]),
                                hypotheses: entries([("x", "b"), ("u1", "a"), ("y", "c")]))
        XCTAssertEqual(score.unmatchedHypothesisIDs, ["x", "y"])
        XCTAssertEqual(score.wordCounts, ErrorCounts(referenceLength: 1))
    }

    func testPrepareIsAppliedToBothSides() {
        let score = CorpusScore(references: entries([("u1", "Hello  World")]),
                                hypotheses: entries([("u1", "hello world")]), prepare: prepareForScoring)
        XCTAssertEqual(score.utterances[0].reference, "HELLO WORLD")
        XCTAssertEqual(score.wordCounts.errors, 0)
    }

    func testSentenceErrorSummaryHasKaldiFormat() {
        let score = CorpusScore(references: entries([("u1", "a"), ("u2", "b"), ("u3", "c")]),
                                hypotheses: entries([("u1", "a"), ("u2", "x"), ("u3", "c")]))
        XCTAssertEqual(score.sentenceErrorSummary, "%SER 33.33 [ 1 / 3 ]")
    }
}
