import Foundation
import XCTest
import LASKit

final class KaldiTextTests: XCTestCase {
    private func parse(_ text: String) throws -> [KaldiTextEntry] {
        try KaldiText.parse(Array(text.utf8), file: "text")
    }

    private func assertError(_ text: String, _ expected: KaldiTextError,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(text), file: file, line: line) { error in
            XCTAssertEqual(error as? KaldiTextError, expected, file: file, line: line)
        }
    }

    func testEntriesKeepFileOrderWithIDTextAndLine() throws {
        let entries = try parse("b2 HELLO WORLD\na1\tGOOD  BYE\n")
        XCTAssertEqual(entries, [KaldiTextEntry(id: "b2", text: "HELLO WORLD", line: 1),
                                 KaldiTextEntry(id: "a1", text: "GOOD  BYE", line: 2)])
    }

    func testTextMayBeEmpty() throws {
        XCTAssertEqual(try parse("u1\nu2   \n"), [KaldiTextEntry(id: "u1", text: "", line: 1),
                                                KaldiTextEntry(id: "u2", text: "", line: 2)])
    }

    func testFinalNewlineIsOptionalAndCarriageReturnsAreIgnored() throws {
        XCTAssertEqual(try parse("u1 A B\r\nu2 C"), [KaldiTextEntry(id: "u1", text: "A B", line: 1),
                                                     KaldiTextEntry(id: "u2", text: "C", line: 2)])
    }

    func testEmptyFileHasNoEntries() throws {
        XCTAssertEqual(try parse(""), [])
    }

    func testDuplicateIDIsReportedWithBothLines() {
        assertError("u1 A\nu2 B\nu1 C\n", .duplicateID(file: "text", line: 3, id: "u1", firstLine: 1))
    }

    func testBlankLineIsMalformed() {
        assertError("u1 A\n\nu2 B\n", .malformedLine(file: "text", line: 2, reason: "empty line"))
    }

    func testLineStartingWithWhitespaceIsMalformed() {
        assertError("u1 A\n  u2 B\n", .malformedLine(file: "text", line: 2,
                                                     reason: "line starts with whitespace, not an utterance id"))
    }

    func testInvalidUTF8IsReportedWithItsLine() {
        XCTAssertThrowsError(try KaldiText.parse(Array("u1 A\nu2 ".utf8) + [0xFF, 0x0A], file: "text")) { error in
            XCTAssertEqual(error as? KaldiTextError, .notUTF8(file: "text", line: 2))
        }
    }

    func testErrorDescriptionIsOneLineNamingFileAndLine() {
        let error = KaldiTextError.duplicateID(file: "data/text", line: 3, id: "u1", firstLine: 1)
        XCTAssertEqual(error.description, "data/text:3: duplicate utterance id 'u1' (first on line 1)")
        let malformed = KaldiTextError.malformedLine(file: "data/text", line: 2, reason: "empty line")
        XCTAssertTrue(malformed.description.hasPrefix("data/text:2: empty line"), malformed.description)
        XCTAssertFalse(malformed.description.contains("\n"))
    }

    func testMissingFileIsUnreadableWithTheSystemReason() {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID()).txt").path
        XCTAssertThrowsError(try KaldiText.read(path: path)) { error in
            XCTAssertEqual(error as? KaldiTextError, .unreadable(file: path, reason: "No such file or directory"))
        }
    }

    func testReadParsesAFileFromDisk() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kaldi-text-\(UUID()).txt")
        try "u1 ONE\nu2 TWO THREE\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertEqual(try KaldiText.read(path: url.path).map(\.text), ["ONE", "TWO THREE"])
    }

    func testALeadingByteOrderMarkIsNotPartOfTheFirstID() throws {
        XCTAssertEqual(try KaldiText.parse([0xEF, 0xBB, 0xBF] + Array("u1 A\nu2 B\n".utf8), file: "text").map(\.id), ["u1", "u2"])
    }
}
