import XCTest
import LASKit

/// Scheduled sampling (Bengio et al. 2015; `TrainingOptions.samplingProbability`): some speller
/// inputs are the model's own previous greedy choice instead of the transcript's character.
final class ScheduledSamplingTests: XCTestCase {
    let targets: [[Int32]] = [[2, 3, 4, 5], [5, 2, 3]]

    func trace(samplingProbability: Float, inputTokens: [Int32]? = nil) throws -> (Speller.Trace, inputs: [Int32], steps: Int) {
        let model = LASModel(config: ModelGradientTests.tinyConfig(.location), seed: 21)
        var rng = SplitMix64(seed: 22)
        let memory = try model.attentionMemory(FeatureBatch([(values: GradientCheck.random(10 * 3, rng: &rng), frames: 10),
                                                             (values: GradientCheck.random(7 * 3, rng: &rng), frames: 7)], width: 3))
        let (inputs, _, L) = LASModel.teacherForcing(targets)
        let trace = model.speller.forward(memory: memory, inputTokens: inputTokens ?? inputs, steps: L,
                                          samplingProbability: samplingProbability, rng: &rng)
        return (trace, inputs, L)
    }

    func testProbabilityOneFeedsBackThePreviousStepsGreedyChoice() throws {
        let (trace, inputs, L) = try trace(samplingProbability: 1)
        let B = targets.count, V = ModelGradientTests.tinyConfig(.location).vocabularySize
        for b in 0..<B {
            XCTAssertEqual(trace.inputTokens[b], inputs[b], "the first input stays <sos>")
            for i in 1..<L {
                let previous = Array(trace.logits[((i - 1) * B + b) * V..<((i - 1) * B + b + 1) * V])
                XCTAssertEqual(Int(trace.inputTokens[i * B + b]), previous.indices.max { previous[$0] < previous[$1] }!,
                               "step \(i) row \(b)")
            }
        }
    }

    func testProbabilityZeroIsTeacherForcing() throws {
        let (trace, inputs, _) = try trace(samplingProbability: 0)
        XCTAssertEqual(trace.inputTokens, inputs)
    }

    /// The backward pass reads the inputs the trace records, so a sampled pass is a teacher-forced
    /// pass on those inputs, whose gradient `ModelGradientTests` checks.
    func testSampledPassEqualsTeacherForcingOnTheRecordedInputs() throws {
        let sampled = try trace(samplingProbability: 0.5).0
        XCTAssertNotEqual(sampled.inputTokens, try trace(samplingProbability: 0).1, "some input was sampled")
        let replayed = try trace(samplingProbability: 0, inputTokens: sampled.inputTokens).0
        XCTAssertEqual(replayed.logits, sampled.logits)
    }
}
