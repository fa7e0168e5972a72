import XCTest
import LASKit

final class AlignmentRenderingTests: XCTestCase {
    func testRenderingMarksErrorsInUppercaseWithGapsAndEvalLetters() {
        let alignment = wordAlignment(reference: "the cat sat on mat", hypothesis: "the cat sit on the mat")
        let rendering = alignment.rendered()
        XCTAssertEqual(rendering.lines, [
            "REF:  the cat SAT on *** mat",
            "HYP:  the cat SIT on THE mat",
            "EVAL:         S      I",
        ])
    }

    func testColumnsAreAsWideAsTheWiderToken() {
        let rendering = wordAlignment(reference: "a b", hypothesis: "a longer").rendered()
        XCTAssertEqual(rendering.reference, "REF:  a B")
        XCTAssertEqual(rendering.hypothesis, "HYP:  a LONGER")
        XCTAssertEqual(rendering.evaluation, "EVAL:   S")
    }

    func testDeletionGapFillsTheColumnWithAsterisks() {
        let rendering = wordAlignment(reference: "hello world", hypothesis: "hello").rendered()
        XCTAssertEqual(rendering.hypothesis, "HYP:  hello *****")
        XCTAssertEqual(rendering.evaluation, "EVAL:       D")
    }

    func testEmptyAlignmentRendersBareLabels() {
        XCTAssertEqual(wordAlignment(reference: "", hypothesis: "").rendered().lines, ["REF:", "HYP:", "EVAL:"])
    }

    func testCustomSpellingShowsCharacterSpaces() {
        let alignment = characterAlignment(reference: "a b", hypothesis: "ab")
        let rendering = alignment.rendered { $0 == " " ? "_" : String($0) }
        XCTAssertEqual(rendering.reference, "REF:  a _ b")
        XCTAssertEqual(rendering.hypothesis, "HYP:  a * b")
    }
}
