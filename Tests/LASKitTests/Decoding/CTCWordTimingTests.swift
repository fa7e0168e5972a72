import XCTest
import LASKit

final class CTCWordTimingTests: XCTestCase {
    let vocabulary = Vocabulary(characters: " AB")   // ids: space 2, A 3, B 4

    /// Frames whose posteriors put 0.9 on one class each: "_" blank, " " space, "A", "B".
    func posteriors(_ frames: String) -> [Float] {
        let ids: [Character: Int] = ["_": 0, " ": 2, "A": 3, "B": 4]
        let V = vocabulary.count
        return frames.flatMap { c in (0..<V).map { log($0 == ids[c]! ? 0.9 : 0.1 / Float(V - 1)) } }
    }

    func words(_ text: String, _ frames: String) -> [WordTiming]? {
        CTCWordTiming.words(tokens: try! vocabulary.encode(text), vocabulary: vocabulary,
                            logProbabilities: posteriors(frames), frames: frames.count, classes: vocabulary.count,
                            frameSeconds: 0.04, offset: 1)
    }

    func testAWordSpansItsFirstCharacterToItsLastCharacterFrame() {
        let w = words("AB", "__A__BB___")!
        XCTAssertEqual(w.map(\.word), ["AB"])
        XCTAssertEqual(w[0].start, 1 + 2 * 0.04, accuracy: 1e-9)
        XCTAssertEqual(w[0].end, 1 + 7 * 0.04, accuracy: 1e-9)
    }

    func testNeighbouringWordsMeetAtTheMiddleOfTheSpaceBetweenThem() {
        // Space on frames 5-6: the junction is frame 6.0, whatever the blanks on either side.
        let w = words("A BA", "_A___  _B_A_")!
        XCTAssertEqual(w.map(\.word), ["A", "BA"])
        XCTAssertEqual(w[0].start, 1 + 1 * 0.04, accuracy: 1e-9)
        XCTAssertEqual(w[0].end, 1 + 6 * 0.04, accuracy: 1e-9)
        XCTAssertEqual(w[1].start, w[0].end)
        XCTAssertEqual(w[1].end, 1 + 11 * 0.04, accuracy: 1e-9)
    }

    func testATranscriptTheFramesCannotHoldHasNoWordTimes() {
        XCTAssertNil(words("AA B", "AA__"))
    }
}
