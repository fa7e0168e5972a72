import Foundation
import LASKit
import XCTest

final class VocabularyTests: XCTestCase {
    func testSpecialTokensTakeTheFirstTwoIDs() {
        let vocabulary = Vocabulary.build(from: ["AB"])
        XCTAssertEqual(Vocabulary.blankID, 0)
        XCTAssertEqual(Vocabulary.endOfSentenceID, 1)
        XCTAssertEqual(vocabulary.tokens, ["<blank/pad>", "<sos/eos>", "A", "B"])
        XCTAssertEqual(vocabulary.count, 4)
        XCTAssertEqual(vocabulary.id(of: "A"), 2)
        XCTAssertEqual(vocabulary.token(1), "<sos/eos>")
        XCTAssertNil(vocabulary.token(4))
    }

    func testCharactersAreDistinctAndInUnicodeOrderLikePythonSorted() {
        // sorted(set("ba' Z")) == [' ', "'", 'Z', 'a', 'b']
        XCTAssertEqual(Vocabulary.build(from: ["ba' Z", "aab"]).characters, [" ", "'", "Z", "a", "b"])
    }

    func testAN4TrainingTranscriptsGiveSpacePlusLettersIn29IDs() throws {
        let transcription = speechFixture("an4/etc/an4_train.transcription")
        let lines = try String(contentsOfFile: transcription, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 948)
        // "<s> U M N Y H SIX </s> (an255-fash-b)" -> "U M N Y H SIX"
        let texts = lines.map { line -> String in
            let words = line.split(separator: " ").filter { $0 != "<s>" && $0 != "</s>" && !$0.hasPrefix("(") }
            return TextNormalizer().normalize(words.joined(separator: " "))
        }
        let vocabulary = Vocabulary.build(from: texts)
        XCTAssertEqual(vocabulary.count, 29)
        XCTAssertEqual(String(vocabulary.characters), " ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    }

    func testEncodeThenDecodeGivesBackTheText() throws {
        let vocabulary = Vocabulary.build(from: ["HELLO WORLD"])
        let ids = try vocabulary.encode("HELLO WORLD")
        XCTAssertEqual(ids.count, 11)
        XCTAssertTrue(ids.allSatisfy { $0 >= 2 && Int($0) < vocabulary.count })
        XCTAssertEqual(vocabulary.decode(ids), "HELLO WORLD")
    }

    func testEncodeThrowsForACharacterOutsideTheVocabulary() {
        let vocabulary = Vocabulary.build(from: ["CAF"])
        XCTAssertThrowsError(try vocabulary.encode("CAFÉ")) { error in
            XCTAssertEqual(error as? VocabularyError, .unknownCharacter("É", text: "CAFÉ"))
            XCTAssertEqual("\(error)", #"character "É" (U+00C9) is not in the vocabulary, in transcript "CAFÉ""#)
        }
    }

    func testEncodeSkippingUnknownLeavesOutCharactersOutsideTheVocabulary() {
        let vocabulary = Vocabulary.build(from: ["CAF"])
        XCTAssertEqual(vocabulary.encodeSkippingUnknown("CAFÉ!"), [vocabulary.id(of: "C")!, vocabulary.id(of: "A")!, vocabulary.id(of: "F")!])
    }

    func testDecodeStopsAtTheFirstEndOfSentence() {
        let vocabulary = Vocabulary.build(from: ["AB"])
        XCTAssertEqual(vocabulary.decode([2, 3, Vocabulary.endOfSentenceID, 2, 2]), "AB")
    }

    func testDecodeSkipsBlankAndOutOfRangeIDs() {
        let vocabulary = Vocabulary.build(from: ["AB"])
        XCTAssertEqual(vocabulary.decode([Vocabulary.blankID, 2, 99, -1, Vocabulary.blankID, 3]), "AB")
    }

    func testCodableFormIsTheFullTokenListAndRoundTrips() throws {
        let vocabulary = Vocabulary.build(from: ["YES NO"])
        let data = try JSONEncoder().encode(vocabulary)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: [String]])
        XCTAssertEqual(json, ["tokens": vocabulary.tokens])
        XCTAssertEqual(try JSONDecoder().decode(Vocabulary.self, from: data), vocabulary)
    }

    func testDecodingRejectsTokenListsThatWouldRenumberIDs() {
        for tokens in [#"["<sos/eos>", "<blank/pad>", "A"]"#, #"["<blank/pad>", "<sos/eos>", "B", "A"]"#,
                       #"["<blank/pad>", "<sos/eos>", "A", "A"]"#, #"["<blank/pad>", "<sos/eos>", "AB"]"#] {
            let json = Data(#"{"tokens": \#(tokens)}"#.utf8)
            XCTAssertThrowsError(try JSONDecoder().decode(Vocabulary.self, from: json), tokens)
        }
    }
}
