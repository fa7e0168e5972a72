import Foundation
import LASKit
import XCTest

final class TextNormalizerTests: XCTestCase {
    func testDefaultsFoldToUpperCaseAndKeepLettersApostropheAndSpace() {
        let normalizer = TextNormalizer()
        XCTAssertEqual(normalizer, TextNormalizer.default)
        XCTAssertEqual(normalizer.caseFolding, .upper)
        XCTAssertEqual(normalizer.keptCharacters, " 'ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        XCTAssertEqual(normalizer.normalize("Don't panic"), "DON'T PANIC")
    }

    func testOtherCharactersAreDroppedByDefault() {
        XCTAssertEqual(TextNormalizer().normalize("e-mail, 42 times!"), "EMAIL TIMES")
    }

    func testOtherCharactersCanSeparateWords() {
        let normalizer = TextNormalizer(otherCharacters: .space)
        XCTAssertEqual(normalizer.normalize("rock-and-roll,42!times"), "ROCK AND ROLL TIMES")
    }

    func testWhitespaceOfAnyKindIsCollapsedAndTrimmed() {
        XCTAssertEqual(TextNormalizer().normalize(" \t  two \n\n  words\r\n "), "TWO WORDS")
    }

    func testCollapsingAndTrimmingCanBeTurnedOff() {
        let normalizer = TextNormalizer(collapsesWhitespace: false, trimsWhitespace: false)
        XCTAssertEqual(normalizer.normalize(" a\t b "), " A  B ")
    }

    func testTrimmingWithoutCollapsingKeepsInnerRuns() {
        let normalizer = TextNormalizer(collapsesWhitespace: false)
        XCTAssertEqual(normalizer.normalize("  a   b  "), "A   B")
    }

    func testLowerCaseFoldingWithALowerCaseAlphabet() {
        let normalizer = TextNormalizer(caseFolding: .lower, keptCharacters: "abcdefghijklmnopqrstuvwxyz ")
        XCTAssertEqual(normalizer.normalize("Hello WORLD's"), "hello worlds")
    }

    func testNoCaseFoldingKeepsOnlyCharactersAsWritten() {
        let normalizer = TextNormalizer(caseFolding: .none)
        XCTAssertEqual(normalizer.normalize("Hello WORLD"), "H WORLD")
    }

    func testUpperCasingIsUnicodeAwareBeforeFiltering() {
        XCTAssertEqual(TextNormalizer().normalize("straße"), "STRASSE")
        XCTAssertEqual(TextNormalizer(keptCharacters: "ÉCAF ").normalize("café"), "CAFÉ")
    }

    func testWithoutSpaceInTheAlphabetWordsRunTogether() {
        let normalizer = TextNormalizer(keptCharacters: "ABC", otherCharacters: .space)
        XCTAssertEqual(normalizer.normalize("a b-c"), "ABC")
    }

    func testKeptCharactersAreStoredSortedAndDistinct() {
        let a = TextNormalizer(keptCharacters: "CBA CA")
        XCTAssertEqual(a.keptCharacters, " ABC")
        XCTAssertEqual(a, TextNormalizer(keptCharacters: "ABC "))
    }

    func testCodableRoundTripPreservesEverySetting() throws {
        let normalizer = TextNormalizer(caseFolding: .lower, keptCharacters: "xyz'", otherCharacters: .space,
                                        collapsesWhitespace: false, trimsWhitespace: false)
        let data = try JSONEncoder().encode(normalizer)
        XCTAssertEqual(try JSONDecoder().decode(TextNormalizer.self, from: data), normalizer)
    }

    func testDecodingRequiresEverySetting() {
        let json = #"{"caseFolding": "upper", "keptCharacters": "AB", "otherCharacters": "drop", "collapsesWhitespace": true}"#
        XCTAssertThrowsError(try JSONDecoder().decode(TextNormalizer.self, from: Data(json.utf8)))
    }
}
