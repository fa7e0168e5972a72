import XCTest
import LASKit

/// What data-parallel training rests on: computed in parts, each divided by the whole batch's
/// size, a batch's loss and gradient add up to those of the whole batch, dropout and all.
final class SplitBatchGradientTests: XCTestCase {
    func testPartsOfABatchAddUpToTheWholeBatchsLossAndGradient() throws {
        let vocabulary = Vocabulary.build(from: ["AB A"])
        var config = TrainerTests.tinyConfig(vocabulary: vocabulary.count)
        config.dropout = 0.3
        let model = LASModel(config: config, seed: 5)
        // Lengths differ, so each part is padded to another length than the whole batch.
        let examples = TrainerTests.syntheticExamples(5, vocabulary: vocabulary, seed: 9)
        func batch(_ range: Range<Int>) -> FeatureBatch {
            FeatureBatch(examples[range].map { ($0.variants[0].values, $0.frames) }, width: 80)
        }
        var seeds = SplitMix64(seed: 11)
        let streams = seeds.split(examples.count)

        func lossAndGradient(_ ranges: [Range<Int>]) throws -> (Double, [Float]) {
            var loss = 0.0, gradient = [Float](repeating: 0, count: model.parameterCount)
            for range in ranges {
                model.zeroGrad()
                var rngs = Array(streams[range])
                loss += try model.loss(batch(range), targets: examples[range].map(\.targets), training: true, backward: true,
                                       samplingProbability: 0.2, rngs: &rngs, normalizer: examples.count).loss
                var k = 0
                for p in model.parameters { for g in p.grad { gradient[k] += g; k += 1 } }
            }
            return (loss, gradient)
        }
        let (wholeLoss, whole) = try lossAndGradient([0..<5])
        let (splitLoss, split) = try lossAndGradient([0..<2, 2..<5])
        XCTAssertEqual(splitLoss, wholeLoss, accuracy: 1e-5 * abs(wholeLoss))
        let scale = whole.map(abs).max()!
        for (a, b) in zip(whole, split) { XCTAssertEqual(a, b, accuracy: 1e-5 * scale) }
    }

    func testDropoutMasksOfAnUtteranceDoNotDependOnTheBatchsPaddedLength() {
        let dropout = Dropout(probability: 0.5)
        func masks(steps T: Int) -> [Float] {
            var x = [Float](repeating: 1, count: T * 2 * 3)
            var rngs = [SplitMix64(seed: 1), SplitMix64(seed: 2)]
            let mask = dropout.forward(&x, steps: T, batch: 2, width: 3, lengths: [4, 2], rngs: &rngs)
            // What the generators draw next must not depend on the padding either.
            // The first four frames lie at the same place in both layouts (time-major).
            var seen = Array(mask[0..<(4 * 2 * 3)])
            for k in 0..<2 { seen.append(Float(rngs[k].nextUniform())) }
            return seen
        }
        XCTAssertEqual(masks(steps: 4), masks(steps: 9))
    }
}
