import XCTest
import LASKit

final class SubtitlesTests: XCTestCase {
    let segments = [
        TranscriptSegment(start: 0.25, end: 2.5, text: "SEVEN FIFTY FIVE", score: -0.1, words: []),
        TranscriptSegment(start: 3, end: 3.5, text: "", score: -2, words: []),
        TranscriptSegment(start: 3725.0625, end: 3727.9996, text: "ENTER SEVEN", score: -0.2, words: []),
    ]

    func testSubRipNumbersOneCuePerSegmentWithTextAndUsesCommaMilliseconds() {
        XCTAssertEqual(Subtitles.document(segments, format: .srt), """
            1
            00:00:00,250 --> 00:00:02,500
            SEVEN FIFTY FIVE

            2
            01:02:05,063 --> 01:02:08,000
            ENTER SEVEN


            """)
    }

    func testWebVTTStartsWithItsSignatureAndUsesDotMilliseconds() {
        XCTAssertEqual(Subtitles.document(segments, format: .vtt), """
            WEBVTT

            00:00:00.250 --> 00:00:02.500
            SEVEN FIFTY FIVE

            01:02:05.063 --> 01:02:08.000
            ENTER SEVEN


            """)
    }
}
