import XCTest
import LASKit

final class LevenshteinAlignmentTests: XCTestCase {
    private func operations<T>(_ alignment: LevenshteinAlignment<T>) -> [EditOperation] {
        alignment.steps.map(\.operation)
    }

    func testIdenticalSequencesAreAllCorrect() {
        let alignment = LevenshteinAlignment(reference: ["a", "b", "c"], hypothesis: ["a", "b", "c"])
        XCTAssertEqual(operations(alignment), [.correct, .correct, .correct])
        XCTAssertEqual(alignment.counts, ErrorCounts(referenceLength: 3))
    }

    func testSubstitutionPairsTheDifferingTokens() {
        let alignment = LevenshteinAlignment(reference: ["the", "cat", "sat"], hypothesis: ["the", "cut", "sat"])
        XCTAssertEqual(alignment.steps[1], AlignedToken(operation: .substitution, reference: "cat", hypothesis: "cut"))
        XCTAssertEqual(alignment.counts, ErrorCounts(substitutions: 1, referenceLength: 3))
    }

    func testDeletionHasNoHypothesisToken() {
        let alignment = LevenshteinAlignment(reference: ["the", "cat", "sat"], hypothesis: ["the", "sat"])
        XCTAssertEqual(operations(alignment), [.correct, .deletion, .correct])
        XCTAssertEqual(alignment.steps[1], AlignedToken(operation: .deletion, reference: "cat", hypothesis: nil))
        XCTAssertEqual(alignment.counts, ErrorCounts(deletions: 1, referenceLength: 3))
    }

    func testInsertionHasNoReferenceToken() {
        let alignment = LevenshteinAlignment(reference: ["the", "sat"], hypothesis: ["the", "cat", "sat"])
        XCTAssertEqual(operations(alignment), [.correct, .insertion, .correct])
        XCTAssertEqual(alignment.steps[1], AlignedToken(operation: .insertion, reference: nil, hypothesis: "cat"))
        XCTAssertEqual(alignment.counts, ErrorCounts(insertions: 1, referenceLength: 2))
    }

    func testEmptyReferenceIsAllInsertions() {
        let alignment = LevenshteinAlignment(reference: [], hypothesis: ["a", "b"])
        XCTAssertEqual(operations(alignment), [.insertion, .insertion])
        XCTAssertEqual(alignment.steps.compactMap(\.hypothesis), ["a", "b"])
        XCTAssertEqual(alignment.counts, ErrorCounts(insertions: 2, referenceLength: 0))
    }

    func testEmptyHypothesisIsAllDeletions() {
        let alignment = LevenshteinAlignment(reference: ["a", "b", "c"], hypothesis: [])
        XCTAssertEqual(operations(alignment), [.deletion, .deletion, .deletion])
        XCTAssertEqual(alignment.steps.compactMap(\.reference), ["a", "b", "c"])
        XCTAssertEqual(alignment.counts, ErrorCounts(deletions: 3, referenceLength: 3))
    }

    func testBothEmptyHaveNoStepsAndNoErrors() {
        let alignment = LevenshteinAlignment<String>(reference: [], hypothesis: [])
        XCTAssertTrue(alignment.steps.isEmpty)
        XCTAssertEqual(alignment.counts, .zero)
        XCTAssertEqual(alignment.counts.rate, 0)
    }

    func testEqualCostTiePrefersSubstitutionsOverDeletionPlusInsertion() {
        // "a b" → "b c" costs 2 either as two substitutions or as delete a, keep b, insert c.
        let alignment = LevenshteinAlignment(reference: ["a", "b"], hypothesis: ["b", "c"])
        XCTAssertEqual(alignment.counts, ErrorCounts(substitutions: 2, referenceLength: 2))
    }

    func testStepsSpellBothSequencesInOrder() {
        let reference = Array("kitten sitting on the mat"), hypothesis = Array("sitting kitten at the map")
        let alignment = LevenshteinAlignment(reference: reference, hypothesis: hypothesis)
        XCTAssertEqual(alignment.steps.compactMap(\.reference), reference)
        XCTAssertEqual(alignment.steps.compactMap(\.hypothesis), hypothesis)
        for step in alignment.steps where step.operation == .correct { XCTAssertEqual(step.reference, step.hypothesis) }
        for step in alignment.steps where step.operation == .substitution { XCTAssertNotEqual(step.reference, step.hypothesis) }
    }

    func testTiesAreBrokenAsJiwerDoesNotAlwaysBySubstitution() {
        // Both splits cost 4; jiwer (rapidfuzz's backtrace) reports S 2, D 1, I 1, not S 4.
        let alignment = LevenshteinAlignment(reference: Array("abcabc"), hypothesis: Array("cbacba"))
        XCTAssertEqual(alignment.counts, ErrorCounts(substitutions: 2, deletions: 1, insertions: 1, referenceLength: 6))
        XCTAssertEqual(operations(alignment),
                       [.substitution, .correct, .insertion, .correct, .deletion, .correct, .substitution])
    }

    func testCommonPrefixAndSuffixAreMatchedFirst() {
        // "a" against "b a a": the shared suffix "a" is matched first, so the reference's a pairs
        // with the LAST a (as in jiwer); a plain backtrace would pair it with the middle one.
        let alignment = LevenshteinAlignment(reference: ["a"], hypothesis: ["b", "a", "a"])
        XCTAssertEqual(operations(alignment), [.insertion, .insertion, .correct])
    }

    func testErrorCountIsTheLevenshteinDistance() {
        // Brute-force check against the textbook recurrence on random integer sequences.
        var rng = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let reference = (0..<Int(rng.next() % 9)).map { _ in Int(rng.next() % 3) }
            let hypothesis = (0..<Int(rng.next() % 9)).map { _ in Int(rng.next() % 3) }
            var d = Array(0...hypothesis.count)
            for (i, r) in reference.enumerated() {
                var previous = d[0]
                d[0] = i + 1
                for (j, h) in hypothesis.enumerated() {
                    let value = min(previous + (r == h ? 0 : 1), d[j + 1] + 1, d[j] + 1)
                    previous = d[j + 1]
                    d[j + 1] = value
                }
            }
            let counts = LevenshteinAlignment(reference: reference, hypothesis: hypothesis).counts
            XCTAssertEqual(counts.errors, d[hypothesis.count], "\(reference) vs \(hypothesis)")
            XCTAssertEqual(counts.deletions - counts.insertions, reference.count - hypothesis.count)
        }
    }
}
