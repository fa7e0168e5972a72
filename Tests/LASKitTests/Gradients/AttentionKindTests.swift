import XCTest
import LASKit

/// What ties the attention kinds together: one head of multi-head location-aware attention is
/// location-aware attention, and every kind decodes jointly with CTC as it decodes alone.
final class AttentionKindTests: XCTestCase {
    /// Forward (logits, α) and backward (every parameter, the encoder) of multihead-location
    /// with H = 1 equal location-aware attention's with the same weights.
    func testOneHeadOfMultiHeadLocationEqualsLocationAttention() {
        let location = LASModel(config: ModelGradientTests.tinyConfig(.location), seed: 40)
        var config = ModelGradientTests.tinyConfig(.multiHeadLocation)
        config.attentionHeads = 1
        let multiHead = LASModel(config: config, seed: 41)
        XCTAssertEqual(location.parameters.count, multiHead.parameters.count)
        for (a, b) in zip(location.parameters, multiHead.parameters) {
            XCTAssertEqual(a.shape, b.shape, "\(a.name) / \(b.name)")
            b.value = a.value
        }
        var rng = SplitMix64(seed: 42)
        let (B, T, E) = (2, 5, 6)
        let lengths = [5, 3]
        let encoder = GradientCheck.random(B * T * E, rng: &rng)
        let targets: [[Int32]] = [[2, 3, 4], [5]]
        let (inputs, outputs, L) = LASModel.teacherForcing(targets)
        func run(_ model: LASModel) -> (logits: [Float], weights: [Float], dEncoder: [Float], grads: [[Float]]) {
            for p in model.parameters { p.zeroGrad() }
            var r = SplitMix64(seed: 0)
            let memory = model.speller.attention.memory(encoder: encoder, utterances: B, frames: T, lengths: lengths)
            let trace = model.speller.forward(memory: memory, inputTokens: inputs, steps: L, rng: &r)
            let ce = LabelSmoothedCrossEntropy.evaluate(logits: trace.logits, targets: outputs, classes: 6,
                                                        smoothing: 0.1, normalizer: Float(B))
            let dEncoder = model.speller.backward(trace, dLogits: ce.dLogits)
            return (trace.logits, trace.weights, dEncoder, model.parameters.map(\.grad))
        }
        let a = run(location), b = run(multiHead)
        XCTAssertEqual(a.logits, b.logits)
        XCTAssertEqual(a.weights, b.weights)
        XCTAssertEqual(a.dEncoder, b.dEncoder)
        for (k, (ga, gb)) in zip(a.grads, b.grads).enumerated() { XCTAssertEqual(ga, gb, location.parameters[k].name) }
    }

    /// Joint CTC/attention beam search of a batch equals searching each utterance alone, for every kind.
    func testJointCTCSearchOfABatchEqualsEachUtteranceAloneForEveryKind() throws {
        for kind in AttentionKind.allCases {
            let model = LASModel(config: ModelGradientTests.tinyConfig(kind, ctcWeight: 0.3), seed: 43)
            var rng = SplitMix64(seed: 44)
            let data = [11, 7, 14].map { (values: GradientCheck.random($0 * 3, rng: &rng, scale: 2), frames: $0) }
            var search = BeamSearch(beamSize: 3)
            search.ctcWeight = 0.5
            search.maxLength = 8
            func decode(_ utterances: [(values: [Float], frames: Int)]) throws -> BeamSearch.Output {
                let memory = try model.attentionMemory(FeatureBatch(utterances, width: 3))
                return search.decode(speller: model.speller, memory: memory, ctc: Self.ctcScorers(model, memory))
            }
            let together = try decode(data)
            for u in 0..<data.count {
                let alone = try decode([data[u]])
                XCTAssertFalse(together.nBest[u].isEmpty, "\(kind)")
                XCTAssertEqual(together.nBest[u].map(\.tokens), alone.nBest[0].map(\.tokens), "\(kind) utterance \(u)")
                for (x, y) in zip(together.nBest[u], alone.nBest[0]) { XCTAssertEqual(x.score, y.score, accuracy: 1e-4, "\(kind)") }
            }
        }
    }

    /// The CTC head's per-frame log-softmax of each utterance, as prefix scorers.
    static func ctcScorers(_ model: LASModel, _ memory: AttentionMemory) -> [CTCPrefixScorer] {
        let head = model.ctcHead!, T = memory.frames, V = head.outputSize
        var logits = head.forward(memory.encoder, rows: memory.utterances * T)
        return (0..<memory.utterances).map { u in
            let len = memory.lengths[u]
            logits.withUnsafeMutableBufferPointer { p in
                for t in 0..<len { LogSoftmax.inPlace(p.baseAddress! + (u * T + t) * V, count: V) }
            }
            return CTCPrefixScorer(logProbabilities: Array(logits[(u * T * V)..<((u * T + len) * V)]), frames: len,
                                   classes: V, blank: LASModel.padID)
        }
    }

    func testDiagnosticsOfAMonotonicAndOfAJumpingAlignment() {
        // Two heads over 3 frames: head 0 moves 0 → 1 → 2, head 1 jumps back 2 → 0 → 1.
        let alignment: [[Float]] = [[1, 0, 0, 0, 0, 1], [0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0]]
        let d = AttentionDiagnostics(alignment: alignment, heads: 2)
        XCTAssertEqual(d.meanEntropy, 0, accuracy: 1e-12)
        XCTAssertEqual(d.monotonicity, 3.0 / 4.0, accuracy: 1e-12)
        let uniform = AttentionDiagnostics(alignment: [[0.25, 0.25, 0.25, 0.25]], heads: 1)
        XCTAssertEqual(uniform.meanEntropy, log(4.0), accuracy: 1e-6)
        XCTAssertEqual(uniform.monotonicity, 1)
        XCTAssertEqual(AttentionDiagnostics.headSum([1, 2, 3, 4], heads: 2), [4, 6])
        XCTAssertEqual(AttentionDiagnostics.head(1, of: alignment, heads: 2), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    }
}
