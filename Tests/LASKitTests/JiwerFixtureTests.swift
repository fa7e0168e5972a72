import Foundation
import XCTest
import LASKit

/// Scores the pairs in Fixtures/jiwer/pairs.json (made by tools/make_jiwer_fixtures.py with jiwer 4)
/// and compares with jiwer's answers: counts, rates and the alignment itself, word and character level.
final class JiwerFixtureTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Level: Decodable {
            var hits: Int, substitutions: Int, deletions: Int, insertions: Int
            var wer: Double?, cer: Double?
            /// rapidfuzz opcodes: [tag, refStart, refEnd, hypStart, hypEnd].
            var opcodes: [[Opcode]]?
        }
        enum Opcode: Decodable, Equatable, CustomStringConvertible {
            case tag(String), index(Int)
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let i = try? c.decode(Int.self) { self = .index(i) } else { self = .tag(try c.decode(String.self)) }
            }
            var description: String {
                switch self { case .tag(let s): return s; case .index(let i): return String(i) }
            }
        }
        struct Pair: Decodable { var reference: String, hypothesis: String, words: Level, characters: Level }
        struct Corpus: Decodable { var words: Level, characters: Level }
        var corpus: Corpus
        var pairs: [Pair]
    }

    private func loadFixture() throws -> Fixture {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let data = try Data(contentsOf: folder.appendingPathComponent("jiwer/pairs.json"))
        return try JSONDecoder().decode(Fixture.self, from: data)
    }

    private func counts(_ level: Fixture.Level) -> ErrorCounts {
        ErrorCounts(substitutions: level.substitutions, deletions: level.deletions, insertions: level.insertions,
                    referenceLength: level.hits + level.substitutions + level.deletions)
    }

    /// Merges runs of equal operations into rapidfuzz-style opcodes, as jiwer reports alignments.
    private func opcodes<T>(_ alignment: LevenshteinAlignment<T>) -> [[Fixture.Opcode]] {
        let tags: [EditOperation: String] = [.correct: "equal", .substitution: "substitute",
                                             .insertion: "insert", .deletion: "delete"]
        var result: [(op: EditOperation, r0: Int, r1: Int, h0: Int, h1: Int)] = []
        var r = 0, h = 0
        for step in alignment.steps {
            let dr = step.reference == nil ? 0 : 1, dh = step.hypothesis == nil ? 0 : 1
            if let last = result.last, last.op == step.operation {
                result[result.count - 1].r1 += dr
                result[result.count - 1].h1 += dh
            } else {
                result.append((step.operation, r, r + dr, h, h + dh))
            }
            r += dr
            h += dh
        }
        return result.map { [.tag(tags[$0.op]!), .index($0.r0), .index($0.r1), .index($0.h0), .index($0.h1)] }
    }

    func testFixtureHasAFewHundredPairs() throws {
        XCTAssertGreaterThanOrEqual(try loadFixture().pairs.count, 300)
    }

    func testWordCountsAndRateMatchJiwerForEveryPair() throws {
        for (index, pair) in try loadFixture().pairs.enumerated() {
            let ours = wordErrors(reference: pair.reference, hypothesis: pair.hypothesis)
            let context = "pair \(index): \(pair.reference.debugDescription) vs \(pair.hypothesis.debugDescription)"
            XCTAssertEqual(ours.errors, counts(pair.words).errors, context)
            XCTAssertEqual(ours.referenceLength, counts(pair.words).referenceLength, context)
            XCTAssertEqual(ours, counts(pair.words), "S/D/I split, " + context)
            XCTAssertEqual(ours.rate, try XCTUnwrap(pair.words.wer), accuracy: 1e-12, context)
        }
    }

    func testWordAlignmentMatchesJiwerForEveryPair() throws {
        for (index, pair) in try loadFixture().pairs.enumerated() {
            let ours = opcodes(wordAlignment(reference: pair.reference, hypothesis: pair.hypothesis))
            XCTAssertEqual(ours, try XCTUnwrap(pair.words.opcodes), "pair \(index)")
        }
    }

    func testCharacterCountsAndRateMatchJiwerForEveryPair() throws {
        for (index, pair) in try loadFixture().pairs.enumerated() {
            let ours = characterErrors(reference: pair.reference, hypothesis: pair.hypothesis)
            let context = "pair \(index): \(pair.reference.debugDescription) vs \(pair.hypothesis.debugDescription)"
            XCTAssertEqual(ours.errors, counts(pair.characters).errors, context)
            XCTAssertEqual(ours.referenceLength, counts(pair.characters).referenceLength, context)
            XCTAssertEqual(ours, counts(pair.characters), "S/D/I split, " + context)
            XCTAssertEqual(ours.rate, try XCTUnwrap(pair.characters.cer), accuracy: 1e-12, context)
        }
    }

    func testCharacterAlignmentMatchesJiwerForEveryPair() throws {
        for (index, pair) in try loadFixture().pairs.enumerated() {
            let ours = opcodes(characterAlignment(reference: pair.reference, hypothesis: pair.hypothesis))
            XCTAssertEqual(ours, try XCTUnwrap(pair.characters.opcodes), "pair \(index)")
        }
    }

    func testCorpusRatesFromSummedCountsMatchJiwer() throws {
        let fixture = try loadFixture()
        var words = ErrorCounts.zero, characters = ErrorCounts.zero
        for pair in fixture.pairs {
            words += wordErrors(reference: pair.reference, hypothesis: pair.hypothesis)
            characters += characterErrors(reference: pair.reference, hypothesis: pair.hypothesis)
        }
        XCTAssertEqual(words, counts(fixture.corpus.words))
        XCTAssertEqual(words.rate, try XCTUnwrap(fixture.corpus.words.wer), accuracy: 1e-12)
        XCTAssertEqual(characters, counts(fixture.corpus.characters))
        XCTAssertEqual(characters.rate, try XCTUnwrap(fixture.corpus.characters.cer), accuracy: 1e-12)
    }
}
