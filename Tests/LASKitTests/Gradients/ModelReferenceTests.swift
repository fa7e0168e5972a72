import Foundation
import XCTest
import LASKit

/// The whole model against a second definition of it (llm.c's test_gpt2.c): the fixture
/// `Fixtures/model-reference/reference.safetensors` is written by
/// `tools/make_model_reference_fixture.py`, which states the equations again in PyTorch, runs
/// each utterance alone at its own length in float64, and takes every gradient by autograd.
/// Finite differences prove that backward matches forward; these tests prove that forward is the
/// intended model (gate order, input feeding, the convolution's direction, the losses' normalization).
///
/// Tolerance: LASKit computes in Float with approximate tanh/σ; over 21 recurrent steps, five
/// speller steps and the CTC recursion its error stays below 1e-5 of a tensor's largest entry
/// (measured: at most 8.8e-6, in the attention's gradients; the tests print each tensor's). A wrong
/// equation moves entries by O(1e-2) of that scale or more (a flipped location filter, or the
/// speller without input feeding, fail at 1e-2), so |swift − reference| ≤ 1e-4 · max|reference| + 1e-6
/// lies between the two.
final class ModelReferenceTests: XCTestCase {
    private static let relativeTolerance: Float = 1e-4

    private struct Reference {
        let file: SafetensorsFile
        let model: LASModel
        let batch: FeatureBatch
        let targets: [[Int32]]

        func tensor(_ name: String) throws -> SafetensorsTensor {
            try XCTUnwrap(try file.tensor(name), "the fixture has no \(name)")
        }
    }

    private func loadReference() throws -> Reference {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let file = try SafetensorsFile(path: folder.appendingPathComponent("model-reference/reference.safetensors").path)
        let json = try XCTUnwrap(file.metadata["config"], "the fixture names its configuration")
        let config = try JSONDecoder().decode(LASConfig.self, from: Data(json.utf8))
        XCTAssertNil(config.problem)
        let model = LASModel(config: config, seed: 0)
        for p in model.parameters {
            let value = try XCTUnwrap(try file.tensor("param/" + p.name), "the fixture has no weights for \(p.name)")
            XCTAssertEqual(value.shape, p.shape, p.name)
            p.value = value.values
        }
        let features = try XCTUnwrap(try file.tensor("input/features"))
        let lengths = try XCTUnwrap(try file.tensor("input/lengths")).values.map { Int($0) }
        let batch = FeatureBatch(features: features.values, steps: features.shape[0], count: features.shape[1],
                                 width: features.shape[2], lengths: lengths)
        let targets = try (0..<lengths.count).map { b in
            try XCTUnwrap(try file.tensor("input/targets.\(b)")).values.map { Int32($0) }
        }
        return Reference(file: file, model: model, batch: batch, targets: targets)
    }

    /// Fails naming the first entry outside the tolerance; prints the largest relative error seen.
    private func assertClose(_ actual: [Float], _ expected: SafetensorsTensor, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.values.count, "\(what): size", file: file, line: line)
        let scale = expected.values.map(abs).max() ?? 0
        var worst: Float = 0
        for (i, (a, e)) in zip(actual, expected.values).enumerated() {
            worst = max(worst, abs(a - e) / max(scale, 1e-30))
            if abs(a - e) > Self.relativeTolerance * scale + 1e-6 {
                XCTFail("\(what)[\(i)]: LASKit \(a), reference \(e) (largest entry \(scale))", file: file, line: line)
                return
            }
        }
        print("\(what): largest error \(worst) of the largest entry")
    }

    func testListenerOutputMatchesTheReference() throws {
        let ref = try loadReference()
        let (encoder, frames, lengths) = ref.model.encode(ref.batch)
        let E = ref.model.config.encoderOutputSize
        for b in 0..<ref.batch.count {
            let expected = try ref.tensor("output/encoder.\(b)")
            XCTAssertEqual(lengths[b], expected.shape[0], "utterance \(b): listener frames")
            let start = b * frames * E
            assertClose(Array(encoder[start..<start + lengths[b] * E]), expected, "encoder.\(b)")
        }
    }

    func testTeacherForcedLogitsMatchTheReference() throws {
        let ref = try loadReference()
        let (encoder, frames, lengths) = ref.model.encode(ref.batch)
        let B = ref.batch.count, V = ref.model.config.vocabularySize
        let memory = ref.model.speller.attention.memory(encoder: encoder, utterances: B, frames: frames, lengths: lengths)
        let (inputs, _, L) = LASModel.teacherForcing(ref.targets)
        var rng = SplitMix64(seed: 0)
        let trace = ref.model.speller.forward(memory: memory, inputTokens: inputs, steps: L, rng: &rng)
        for b in 0..<B {
            let steps = ref.targets[b].count + 1
            var logits: [Float] = []
            for i in 0..<steps { logits += trace.logits[(i * B + b) * V..<(i * B + b + 1) * V] }
            assertClose(logits, try ref.tensor("output/logits.\(b)"), "logits.\(b)")
        }
    }

    func testJointLossMatchesTheReference() throws {
        let ref = try loadReference()
        var rng = SplitMix64(seed: 0)
        let result = try ref.model.loss(ref.batch, targets: ref.targets, training: false, backward: false, rng: &rng)
        assertClose([Float(result.loss)], try ref.tensor("output/loss"), "loss")
        assertClose([Float(result.attentionLoss)], try ref.tensor("output/attention_loss"), "attention loss")
        assertClose([Float(result.ctcLoss)], try ref.tensor("output/ctc_loss"), "CTC loss")
    }

    func testEveryParameterGradientMatchesTheReference() throws {
        let ref = try loadReference()
        ref.model.zeroGrad()
        var rng = SplitMix64(seed: 0)
        _ = try ref.model.loss(ref.batch, targets: ref.targets, training: false, backward: true, rng: &rng)
        XCTAssertEqual(ref.model.parameters.count, 32, "the fixture covers every parameter of this configuration")
        for p in ref.model.parameters {
            assertClose(p.grad, try ref.tensor("grad/" + p.name), "d loss / d \(p.name)")
        }
    }
}
