import XCTest
import LASKit

/// Scheduled sampling (Bengio et al. 2015; `TrainingOptions.samplingProbability`): some speller
/// inputs are the model's own previous greedy choice instead of the transcript's character.
final class ScheduledSamplingTests: XCTestCase {
    let targets: [[Int32]] = [[2, 3, 4, 5], [5, 2, 3]]
    /// <sos> y_1 … y_{L-1} per step, the transcript's own inputs.
    var teacherInputs: [Int32] { LASModel.teacherForcing(targets).inputs }
    var steps: Int { LASModel.teacherForcing(targets).steps }

    /// The speller's pass over two random utterances, fed `inputTokens` (default: teacherInputs).
    func trace(samplingProbability: Float, inputTokens: [Int32]? = nil) throws -> Speller.Trace {
        let model = LASModel(config: ModelGradientTests.tinyConfig(.location), seed: 21)
        var rng = SplitMix64(seed: 22)
        let memory = try model.attentionMemory(FeatureBatch([(values: GradientCheck.random(10 * 3, rng: &rng), frames: 10),
                                                             (values: GradientCheck.random(7 * 3, rng: &rng), frames: 7)], width: 3))
        return model.speller.forward(memory: memory, inputTokens: inputTokens ?? teacherInputs, steps: steps,
                                     samplingProbability: samplingProbability, rng: &rng)
    }

    func testProbabilityOneFeedsBackThePreviousStepsGreedyChoice() throws {
        let trace = try trace(samplingProbability: 1)
        let inputs = teacherInputs, L = steps, B = targets.count, V = ModelGradientTests.tinyConfig(.location).vocabularySize
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
        let trace = try trace(samplingProbability: 0)
        XCTAssertEqual(trace.inputTokens, teacherInputs)
    }

    /// The backward pass reads the inputs the trace records, so a sampled pass is a teacher-forced
    /// pass on those inputs, whose gradient `ModelGradientTests` checks.
    func testSampledPassEqualsTeacherForcingOnTheRecordedInputs() throws {
        let sampled = try trace(samplingProbability: 0.5)
        XCTAssertNotEqual(sampled.inputTokens, teacherInputs, "some input was sampled")
        let replayed = try trace(samplingProbability: 0, inputTokens: sampled.inputTokens)
        XCTAssertEqual(replayed.logits, sampled.logits)
    }
}
