import XCTest
import LASKit

final class BeamSearchTests: XCTestCase {
    func makeMemory(_ model: LASModel, frames: [Int], seed: UInt64) throws -> AttentionMemory {
        var rng = SplitMix64(seed: seed)
        let data = frames.map { (values: GradientCheck.random($0 * model.config.inputSize, rng: &rng, scale: 2), frames: $0) }
        return try model.attentionMemory(FeatureBatch(data, width: model.config.inputSize))
    }

    func testBeamOfOneFindsTheGreedyHypothesis() throws {
        for kind in AttentionKind.allCases {
            let model = LASModel(config: ModelGradientTests.tinyConfig(kind), seed: 21)
            let memory = try makeMemory(model, frames: [12, 9, 16], seed: 22)
            let greedy = GreedyDecoder.decode(speller: model.speller, memory: memory, keepAlignment: true)
            var search = BeamSearch(beamSize: 1)
            search.lengthNormalization = 0
            search.keepAlignments = true
            let beam = search.decode(speller: model.speller, memory: memory)
            for u in 0..<3 {
                XCTAssertEqual(beam.nBest[u].first?.tokens, greedy[u].tokens, "\(kind) utterance \(u)")
                XCTAssertEqual(beam.nBest[u].first!.logProbability, greedy[u].logProbability, accuracy: 1e-4, "\(kind)")
                let beamAlignment = beam.nBest[u].first!.alignment
                XCTAssertEqual(beamAlignment.count, greedy[u].alignment.count, "\(kind) utterance \(u)")
                for (x, y) in zip(beamAlignment.joined(), greedy[u].alignment.joined()) { XCTAssertEqual(x, y, accuracy: 1e-5, "\(kind)") }
                for a in greedy[u].alignment {   // heads × the utterance's frames, each head summing to 1
                    XCTAssertEqual(a.count, model.speller.attention.heads * memory.lengths[u])
                    for h in 0..<model.speller.attention.heads {
                        XCTAssertEqual(a[(h * memory.lengths[u])..<((h + 1) * memory.lengths[u])].reduce(0, +), 1, accuracy: 1e-4)
                    }
                }
            }
        }
    }

    func testBatchedSearchEqualsSearchingEachUtteranceAlone() throws {
        for kind in AttentionKind.allCases {
            let model = LASModel(config: ModelGradientTests.tinyConfig(kind), seed: 23)
            let frames = [12, 7, 16]
            var rng = SplitMix64(seed: 24)
            let data = frames.map { (values: GradientCheck.random($0 * 3, rng: &rng, scale: 2), frames: $0) }
            var search = BeamSearch(beamSize: 4)
            search.maxLength = 12
            let together = search.decode(speller: model.speller, memory: try model.attentionMemory(FeatureBatch(data, width: 3)))
            for u in 0..<3 {
                let alone = search.decode(speller: model.speller, memory: try model.attentionMemory(FeatureBatch([data[u]], width: 3)))
                XCTAssertEqual(together.nBest[u].map(\.tokens), alone.nBest[0].map(\.tokens), "\(kind) utterance \(u)")
                for (a, b) in zip(together.nBest[u], alone.nBest[0]) { XCTAssertEqual(a.score, b.score, accuracy: 1e-4, "\(kind)") }
            }
        }
    }

    func testNBestIsSortedAndScoresAreLengthNormalized() throws {
        let model = LASModel(config: ModelGradientTests.tinyConfig(.dotProduct), seed: 25)
        let memory = try makeMemory(model, frames: [10], seed: 26)
        let out = BeamSearch(beamSize: 5).decode(speller: model.speller, memory: memory)
        let list = out.nBest[0]
        XCTAssertFalse(list.isEmpty)
        XCTAssertLessThanOrEqual(list.count, 5)
        for (a, b) in zip(list, list.dropFirst()) { XCTAssertGreaterThanOrEqual(a.score, b.score) }
        for h in list where h.logProbability < 0 {
            // Ended hypotheses count their <eos>; unfinished ones (max length) do not.
            let n = Float(h.tokens.count)
            XCTAssertTrue(abs(h.score - h.logProbability / (n + 1)) < 1e-4 || abs(h.score - h.logProbability / n) < 1e-4)
        }
    }

    func testGreedyJointSearchLetsCTCOverruleTheAttentionsFirstChoice() throws {
        // CTC posteriors that spell exactly one token c (blank, c, blank), weighted 0.9: greedy
        // search must still weigh several attention proposals, so it spells c for most choices of
        // c and not only for the one token the attention alone would pick.
        let model = LASModel(config: ModelGradientTests.tinyConfig(.location), seed: 29)
        let memory = try makeMemory(model, frames: [12], seed: 30)
        let V = model.config.vocabularySize
        var search = BeamSearch(beamSize: 1)
        search.ctcWeight = 0.9
        search.maxLength = 6
        let letters = (Int(LASModel.eosID) + 1)..<V
        var spelled = 0
        for c in letters {
            var logp = [Float](repeating: log(1e-6), count: 3 * V)
            for (t, symbol) in [Int(LASModel.padID), c, Int(LASModel.padID)].enumerated() { logp[t * V + symbol] = 0 }
            let scorer = CTCPrefixScorer(logProbabilities: logp, frames: 3, classes: V, blank: LASModel.padID)
            let best = search.decode(speller: model.speller, memory: memory, ctc: [scorer]).nBest[0].first
            if best?.tokens == [Int32(c)] { spelled += 1 }
        }
        XCTAssertGreaterThanOrEqual(spelled, letters.count - 1)
    }

    func testForbiddingEndOfSentenceRunsExactlyMaxLengthSteps() throws {
        let model = LASModel(config: ModelGradientTests.tinyConfig(.location), seed: 27)
        let memory = try makeMemory(model, frames: [10], seed: 28)
        var search = BeamSearch(beamSize: 3)
        search.forbidEndOfSentence = true
        search.maxLength = 9
        let out = search.decode(speller: model.speller, memory: memory)
        XCTAssertEqual(out.steps, 9)
        XCTAssertEqual(out.nBest[0].count, 3)
        XCTAssertTrue(out.nBest[0].allSatisfy { $0.tokens.count == 9 })
    }
}
