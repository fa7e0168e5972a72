import XCTest
import LASKit

final class CTCPrefixScorerTests: XCTestCase {
    func scorer(frames T: Int, classes V: Int, seed: UInt64) -> (CTCPrefixScorer, [Float]) {
        var rng = SplitMix64(seed: seed)
        let logits = GradientCheck.random(T * V, rng: &rng, scale: 2)
        var logp = logits
        logp.withUnsafeMutableBufferPointer { p in for t in 0..<T { LogSoftmax.inPlace(p.baseAddress! + t * V, count: V) } }
        return (CTCPrefixScorer(logProbabilities: logp, frames: T, classes: V, blank: 0), logits)
    }

    /// Extending token by token and closing with <eos> gives log P_ctc(y | x), which is −(CTC loss).
    func testCompleteHypothesisScoresItsCTCLogLikelihood() {
        let (T, V) = (7, 5)
        let (s, logits) = scorer(frames: T, classes: V, seed: 51)
        for y: [Int32] in [[2], [2, 3], [3, 3], [2, 4, 2], [4, 4, 4]] {
            var state = s.initial()
            for c in y { state = s.extend(state, with: c, endOfSentence: 1) }
            let full = s.extend(state, with: 1, endOfSentence: 1)
            let loss = CTCLoss.evaluate(logits: logits, steps: T, batch: 1, classes: V, lengths: [T], targets: [y],
                                        blank: 0, normalizer: 1).loss
            XCTAssertEqual(Double(full.score), -loss, accuracy: 1e-4, "\(y)")
        }
    }

    func testPrefixProbabilityNeverGrowsAsTheHypothesisGrows() {
        let (s, _) = scorer(frames: 9, classes: 6, seed: 52)
        var state = s.initial()
        for c: Int32 in [2, 5, 5, 3, 4] {
            let next = s.extend(state, with: c, endOfSentence: 1)
            XCTAssertLessThanOrEqual(next.score, state.score + 1e-5)
            state = next
        }
    }

    func testJointSearchOverABatchEqualsSearchingEachUtteranceAlone() throws {
        let model = LASModel(config: ModelGradientTests.tinyConfig(.location, ctcWeight: 0.5), seed: 53)
        var rng = SplitMix64(seed: 54)
        let data = [12, 9].map { (values: GradientCheck.random($0 * 3, rng: &rng, scale: 2), frames: $0) }
        func scorers(_ memory: AttentionMemory) -> [CTCPrefixScorer] {
            let V = model.config.vocabularySize, T = memory.frames
            var logits = model.ctcHead!.forward(memory.encoder, rows: memory.utterances * T)
            return (0..<memory.utterances).map { u in
                let len = memory.lengths[u]
                logits.withUnsafeMutableBufferPointer { p in for t in 0..<len { LogSoftmax.inPlace(p.baseAddress! + (u * T + t) * V, count: V) } }
                return CTCPrefixScorer(logProbabilities: Array(logits[(u * T * V)..<((u * T + len) * V)]), frames: len, classes: V, blank: 0)
            }
        }
        var search = BeamSearch(beamSize: 3)
        search.ctcWeight = 0.5
        let together = try model.attentionMemory(FeatureBatch(data, width: 3))
        let both = search.decode(speller: model.speller, memory: together, ctc: scorers(together))
        for u in 0..<2 {
            let memory = try model.attentionMemory(FeatureBatch([data[u]], width: 3))
            let alone = search.decode(speller: model.speller, memory: memory, ctc: scorers(memory))
            XCTAssertEqual(both.nBest[u].map(\.tokens), alone.nBest[0].map(\.tokens))
        }
    }
}
