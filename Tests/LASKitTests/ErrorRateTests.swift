import XCTest
import LASKit

final class ErrorRateTests: XCTestCase {
    func testWordsAreSplitOnAnyWhitespaceRun() {
        XCTAssertEqual(wordTokens("  the\tcat \n sat  "), ["the", "cat", "sat"])
        XCTAssertEqual(wordTokens("   "), [])
    }

    func testWordErrorsCountWords() {
        let counts = wordErrors(reference: "the cat sat on the mat", hypothesis: "the cat sit on mat")
        XCTAssertEqual(counts, ErrorCounts(substitutions: 1, deletions: 1, insertions: 0, referenceLength: 6))
    }

    func testCharacterErrorsCountTheSpacesBetweenWords() {
        // "ab cd" has 5 characters; dropping the space is one deletion.
        let counts = characterErrors(reference: "ab cd", hypothesis: "abcd")
        XCTAssertEqual(counts, ErrorCounts(deletions: 1, referenceLength: 5))
    }

    func testCharacterTokensTrimTheEndsButKeepInnerWhitespace() {
        XCTAssertEqual(characterTokens("  a  b "), ["a", " ", " ", "b"])
        XCTAssertEqual(characterTokens(" \t "), [])
    }

    func testCharactersCompareByCanonicalEquivalence() {
        // Precomposed é (U+00E9) and e + combining acute (U+0065 U+0301) are one equal character.
        let counts = characterErrors(reference: "caf\u{E9}", hypothesis: "cafe\u{301}")
        XCTAssertEqual(counts, ErrorCounts(referenceLength: 4))
    }

    func testPrepareForScoringCollapsesWhitespaceAndUppercases() {
        XCTAssertEqual(prepareForScoring("  the\t cat\nsat  "), "THE CAT SAT")
        XCTAssertEqual(prepareForScoring(""), "")
    }
}
