import XCTest
import LASKit

final class SpellerDecoderTests: XCTestCase {
    /// The step-by-step decoder used by search must compute exactly what teacher forcing does.
    func testDecoderStepsReproduceTeacherForcedLogProbabilities() throws {
        for kind in AttentionKind.allCases {
            try assertDecoderReproducesTeacherForcing(ModelGradientTests.tinyConfig(kind), frames: [9, 6])
        }
    }

    /// Digits last half a second: 12 encoder frames, fewer than half the las-bench kernel of 31.
    /// The location convolution's taps then reach past both ends of the utterance at once.
    func testDecoderHandlesUtterancesShorterThanHalfTheLocationKernel() throws {
        var config = ModelGradientTests.tinyConfig(.location)
        config.attentionKernel = 31
        try assertDecoderReproducesTeacherForcing(config, frames: [9, 6])
    }

    func assertDecoderReproducesTeacherForcing(_ config: LASConfig, frames: [Int]) throws {
        do {
            let kind = config.attention
            let model = LASModel(config: config, seed: 3)
            var rng = SplitMix64(seed: 4)
            let D = 3
            let data = frames.map { (values: GradientCheck.random($0 * D, rng: &rng), frames: $0) }
            let batch = FeatureBatch(data, width: D)
            let memory = try model.attentionMemory(batch)
            let targets: [[Int32]] = [[2, 3, 4], [5, 2]]
            let (inputs, _, L) = LASModel.teacherForcing(targets)
            let trace = model.speller.forward(memory: memory, inputTokens: inputs, steps: L, rng: &rng)
            let V = model.config.vocabularySize, B = 2
            let decoder = SpellerDecoder(speller: model.speller, memory: memory, rowUtterance: [0, 1])
            for i in 0..<L {
                decoder.step(Array(inputs[(i * B)..<(i * B + B)]))
                for b in 0..<B {
                    var expected = Array(trace.logits[((i * B + b) * V)..<((i * B + b + 1) * V)])
                    expected.withUnsafeMutableBufferPointer { LogSoftmax.inPlace($0.baseAddress!, count: V) }
                    for k in 0..<V {
                        XCTAssertEqual(decoder.logProbabilities[b * V + k], expected[k], accuracy: 1e-5, "\(kind) step \(i) row \(b)")
                    }
                }
            }
        }
    }

    func testReorderedRowsContinueTheirSourceHypotheses() throws {
        let model = LASModel(config: ModelGradientTests.tinyConfig(.location), seed: 5)
        var rng = SplitMix64(seed: 6)
        let batch = FeatureBatch([(values: GradientCheck.random(8 * 3, rng: &rng), frames: 8)], width: 3)
        let memory = try model.attentionMemory(batch)
        let a = SpellerDecoder(speller: model.speller, memory: memory, rowUtterance: [0, 0], capacity: 3)
        a.step([1, 1]); a.step([2, 3])
        a.reorder([1, 1, 0])          // rows: history (1,3), (1,3), (1,2)
        a.step([4, 5, 4])
        let b = SpellerDecoder(speller: model.speller, memory: memory, rowUtterance: [0])
        b.step([1]); b.step([3]); b.step([5])
        let V = model.config.vocabularySize
        for k in 0..<V { XCTAssertEqual(a.logProbabilities[1 * V + k], b.logProbabilities[k], accuracy: 1e-6) }
    }
}
