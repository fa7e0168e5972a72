import Foundation
import XCTest
import LASKit

final class CharacterNGramTests: XCTestCase {
    // Token ids as the vocabulary gives them: 0 blank, 1 <sos/eos>, then characters.
    let sentences: [[Int32]] = [[2, 3, 4], [2, 3, 3, 5], [4, 2], [5, 5, 5, 2, 3]]

    func row(_ lm: CharacterNGram, after history: [Int32]) -> [Float] {
        var out = [Float](repeating: 0, count: lm.vocabularySize)
        out.withUnsafeMutableBufferPointer { lm.logProbabilities(after: history[...], into: $0.baseAddress!) }
        return out
    }

    func testEveryContextGivesADistributionOverTheTokens() {
        let lm = CharacterNGram(order: 3, vocabularySize: 7, sentences: sentences)
        for history: [Int32] in [[], [2], [2, 3], [3, 3, 3], [6, 6], [5, 6, 2]] {
            let p = row(lm, after: history)
            XCTAssertEqual(p[0], -.infinity, "blank is never predicted")
            XCTAssertEqual(p.dropFirst().reduce(0) { $0 + Double(expf($1)) }, 1, accuracy: 1e-5, "\(history)")
        }
    }

    func testBigramProbabilityFollowsWittenBellByHand() {
        // Unigram counts over targets (3 + eos each): 2:4 3:4 4:2 5:4 eos:4 of 18, 5 distinct.
        // P1(3) = (4 + 5 · 1/6) / (18 + 5). After "2": followers 3 (3 times) and eos (once), 2 distinct.
        let lm = CharacterNGram(order: 2, vocabularySize: 7, sentences: sentences)
        let p1of3 = (4 + 5.0 / 6) / 23
        let expected = (3 + 2 * p1of3) / (4 + 2)
        XCTAssertEqual(Double(expf(row(lm, after: [2])[3])), expected, accuracy: 1e-6)
        // An unseen context falls back to the unigram distribution.
        XCTAssertEqual(Double(expf(row(lm, after: [6])[3])), p1of3, accuracy: 1e-6)
    }

    func testATrainingSentenceIsMoreLikelyThanItsReversal() {
        let lm = CharacterNGram(order: 4, vocabularySize: 7, sentences: sentences)
        XCTAssertGreaterThan(lm.logProbability(of: [2, 3, 3, 5]), lm.logProbability(of: [5, 3, 3, 2]) + 1)
    }

    func testJSONRoundTripKeepsTheModel() throws {
        let lm = CharacterNGram(order: 3, vocabularySize: 7, sentences: sentences)
        let back = try JSONDecoder().decode(CharacterNGram.self, from: JSONEncoder().encode(lm))
        XCTAssertEqual(back, lm)
    }

    func testMalformedJSONIsRejected() {
        for text in [#"{"order": 3, "vocabulary_size": 7, "contexts": [[2]]}"#,
                     #"{"order": 3, "vocabulary_size": 7, "contexts": [[2], [9, 1]]}"#,
                     #"{"order": 3, "vocabulary_size": 7, "contexts": [[2, 2, 2], [3, 1]]}"#,
                     #"{"order": 0, "vocabulary_size": 7, "contexts": []}"#] {
            XCTAssertThrowsError(try JSONDecoder().decode(CharacterNGram.self, from: Data(text.utf8)), text)
        }
    }

    func testAStrongLanguageModelSteersBeamSearchToItsSentence() throws {
        let model = LASModel(config: ModelGradientTests.tinyConfig(.location), seed: 21)
        var rng = SplitMix64(seed: 22)
        let memory = try model.attentionMemory(FeatureBatch([(GradientCheck.random(12 * 3, rng: &rng, scale: 2), 12)], width: 3))
        let sentence: [Int32] = [2, 5, 3, 4]
        var search = BeamSearch(beamSize: 4)
        let plain = search.decode(speller: model.speller, memory: memory).nBest[0][0]
        XCTAssertNotEqual(plain.tokens, sentence, "the untrained speller alone does not spell it")
        search.languageModel = CharacterNGram(order: 3, vocabularySize: model.config.vocabularySize, sentences: [sentence])
        search.languageModelWeight = 20
        let fused = search.decode(speller: model.speller, memory: memory).nBest[0][0]
        XCTAssertEqual(fused.tokens, sentence)
        XCTAssertEqual(fused.languageModelLogProbability, Float(search.languageModel!.logProbability(of: sentence)), accuracy: 1e-4)
        search.languageModelWeight = 0
        XCTAssertEqual(search.decode(speller: model.speller, memory: memory).nBest[0][0].tokens, plain.tokens, "weight 0 is no fusion")
    }
}
