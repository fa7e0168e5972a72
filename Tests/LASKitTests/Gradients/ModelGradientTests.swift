import XCTest
import LASKit

/// Backward passes of the attention decoder, the losses and the whole model against
/// central differences, on tiny random sizes with padded batches of different lengths.
final class ModelGradientTests: XCTestCase {
    static func tinyConfig(_ attention: AttentionKind, ctcWeight: Float = 0) -> LASConfig {
        var c = LASConfig()
        c.inputSize = 3; c.encoderHidden = 3; c.encoderLayers = 2; c.embeddingSize = 3; c.decoderHidden = 4
        c.attention = attention; c.attentionSize = 4; c.attentionChannels = 2; c.attentionKernel = 3
        c.vocabularySize = 6; c.ctcWeight = ctcWeight
        if attention == .multiHeadLocation { c.attentionHeads = 2 }   // 2 heads of size 2, contexts of 3 features each
        return c
    }

    func testLabelSmoothedCrossEntropyGradientMatchesFiniteDifferences() {
        var rng = SplitMix64(seed: 10)
        var logits = GradientCheck.random(4 * 5, rng: &rng, scale: 3)
        let targets: [Int32] = [2, 0, 4, 1]   // the 0 is padding and must not count
        let eval = { LabelSmoothedCrossEntropy.evaluate(logits: logits, targets: targets, classes: 5, smoothing: 0.1, normalizer: 2) }
        let result = eval()
        XCTAssertEqual(result.tokens, 3)
        for c in 0..<5 { XCTAssertEqual(result.dLogits[5 + c], 0, "padding row gets no gradient") }
        GradientCheck.check(.init("logits", count: logits.count, read: { logits[$0] }, write: { logits[$0] = $1 }),
                            gradient: result.dLogits, samples: 100, loss: { eval().loss })
    }

    func testLabelSmoothingZeroIsPlainNegativeLogLikelihood() {
        let logits: [Float] = [1, 2, 3]
        let r = LabelSmoothedCrossEntropy.evaluate(logits: logits, targets: [2], classes: 3, smoothing: 0, normalizer: 1)
        let expected = -(3 - log(exp(1.0) + exp(2.0) + exp(3.0)))
        XCTAssertEqual(r.loss, expected, accuracy: 1e-5)
    }

    func testCTCLossGradientMatchesFiniteDifferences() {
        var rng = SplitMix64(seed: 11)
        let (T, B, V) = (6, 2, 4)
        var logits = GradientCheck.random(T * B * V, rng: &rng, scale: 2)
        let targets: [[Int32]] = [[1, 1, 2], [3]]   // a repeat needs a blank between
        let eval = { CTCLoss.evaluate(logits: logits, steps: T, batch: B, classes: V, lengths: [6, 4],
                                      targets: targets, blank: 0, normalizer: 2) }
        let result = eval()
        XCTAssertEqual(result.impossible, 0)
        GradientCheck.check(.init("logits", count: logits.count, read: { logits[$0] }, write: { logits[$0] = $1 }),
                            gradient: result.dLogits, samples: 200, loss: { eval().loss })
    }

    func testCTCLossOfOneFrameIsMinusLogProbabilityOfTheLabel() {
        let logits: [Float] = [0.5, 1.5, -1]
        let r = CTCLoss.evaluate(logits: logits, steps: 1, batch: 1, classes: 3, lengths: [1], targets: [[1]], blank: 0, normalizer: 1)
        let expected = -(1.5 - log(exp(0.5) + exp(1.5) + exp(-1.0)))
        XCTAssertEqual(r.loss, expected, accuracy: 1e-6)
    }

    func testCTCReportsTargetsTooLongForTheUtterance() {
        let r = CTCLoss.evaluate(logits: [Float](repeating: 0, count: 2 * 3), steps: 2, batch: 1, classes: 3,
                                 lengths: [2], targets: [[1, 1]], blank: 0, normalizer: 1)
        XCTAssertEqual(r.impossible, 1)
        XCTAssertTrue(r.dLogits.allSatisfy { $0 == 0 })
    }

    func testSpellerGradientsMatchFiniteDifferencesForEveryAttentionKind() {
        for kind in AttentionKind.allCases {
            let model = LASModel(config: Self.tinyConfig(kind), seed: 12)
            var rng = SplitMix64(seed: 13)
            let (B, T, E) = (2, 4, 6)
            let lengths = [4, 2]
            var encoder = GradientCheck.random(B * T * E, rng: &rng)
            for j in 2..<T { for e in 0..<E { encoder[(1 * T + j) * E + e] = 0 } }
            let targets: [[Int32]] = [[2, 3, 4], [5]]
            let (inputs, outputs, L) = LASModel.teacherForcing(targets)
            let speller = model.speller
            let loss = { () -> Double in
                var r = SplitMix64(seed: 0)
                let memory = speller.attention.memory(encoder: encoder, utterances: B, frames: T, lengths: lengths)
                let trace = speller.forward(memory: memory, inputTokens: inputs, steps: L, rng: &r)
                return LabelSmoothedCrossEntropy.evaluate(logits: trace.logits, targets: outputs, classes: 6,
                                                          smoothing: 0.1, normalizer: Float(B)).loss
            }
            var dEncoder: [Float] = []
            GradientCheck.checkParameters(speller.parameters, samples: 30, loss: loss) {
                var r = SplitMix64(seed: 0)
                let memory = speller.attention.memory(encoder: encoder, utterances: B, frames: T, lengths: lengths)
                let trace = speller.forward(memory: memory, inputTokens: inputs, steps: L, rng: &r)
                let ce = LabelSmoothedCrossEntropy.evaluate(logits: trace.logits, targets: outputs, classes: 6,
                                                            smoothing: 0.1, normalizer: Float(B))
                dEncoder = speller.backward(trace, dLogits: ce.dLogits)
            }
            GradientCheck.check(.init("encoder(\(kind))", count: encoder.count, read: { encoder[$0] }, write: { encoder[$0] = $1 }),
                                gradient: dEncoder, samples: 200, loss: loss)
            for j in 2..<T { for e in 0..<E { XCTAssertEqual(dEncoder[(1 * T + j) * E + e], 0, "padded frames get no gradient") } }
        }
    }

    func testWholeModelLossGradientsMatchFiniteDifferences() throws {
        for (kind, ctc) in [(AttentionKind.location, Float(0)), (.location, 0.3), (.dotProduct, 0.5),
                            (.additive, 0.3), (.multiHeadLocation, 0.3)] {
            let model = LASModel(config: Self.tinyConfig(kind, ctcWeight: ctc), seed: 14)
            var rng = SplitMix64(seed: 15)
            let (T, B, D) = (9, 3, 3)
            let lengths = [9, 5, 7]
            let batch = FeatureBatch(features: GradientCheck.random(T * B * D, rng: &rng), steps: T, count: B, width: D, lengths: lengths)
            let targets: [[Int32]] = [[2, 3], [4, 4, 5], [5]]
            let loss = { () -> Double in
                var r = SplitMix64(seed: 0)
                return try! model.loss(batch, targets: targets, training: false, backward: false, rng: &r).loss
            }
            GradientCheck.checkParameters(model.parameters, samples: 12, loss: loss) {
                var r = SplitMix64(seed: 0)
                _ = try! model.loss(batch, targets: targets, training: false, backward: true, rng: &r)
            }
        }
    }

    func testListenerGradientsMatchFiniteDifferencesWithPyramidOrFrameStacking() {
        for reductions in [nil, [2, 2], [2, 1]] as [[Int]?] {
            var config = Self.tinyConfig(.location)
            config.listenerReductions = reductions
            var rng = SplitMix64(seed: 18)
            let listener = Listener(config: config, rng: &rng)
            let (T, B, D) = (9, 3, config.inputSize)
            let lengths = [9, 5, 7]
            var x = GradientCheck.random(T * B * D, rng: &rng)
            let T2 = T / config.timeReduction
            let r = GradientCheck.random(T2 * B * config.encoderOutputSize, rng: &rng)
            let loss = { () -> Double in
                var c = Listener.Cache(), noise = SplitMix64(seed: 0)
                return GradientCheck.project(listener.forward(x, steps: T, batch: B, lengths: lengths, training: false,
                                                              rng: &noise, cache: &c), r)
            }
            var dx: [Float] = []
            GradientCheck.checkParameters(listener.parameters, samples: 12, loss: loss) {
                var c = Listener.Cache(), noise = SplitMix64(seed: 0)
                _ = listener.forward(x, steps: T, batch: B, lengths: lengths, training: false, rng: &noise, cache: &c)
                XCTAssertEqual(c.outputSteps, T2, "\(String(describing: reductions))")
                XCTAssertEqual(c.outputLengths, lengths.map { $0 / config.timeReduction })
                dx = listener.backward(r, batch: B, cache: c)
            }
            GradientCheck.check(.init("x", count: x.count, read: { x[$0] }, write: { x[$0] = $1 }), gradient: dx, samples: 60, loss: loss)
        }
    }

    func testFrameStackingShortensTheFirstLayerAndKeepsTheTimeReduction() {
        var config = LASConfig()
        XCTAssertEqual(config.reductions, [1, 2, 2])
        config.listenerReductions = [2, 2, 1]
        XCTAssertEqual(config.timeReduction, 4)
        var rng = SplitMix64(seed: 19)
        let listener = Listener(config: config, rng: &rng)
        XCTAssertEqual(listener.layers.map(\.inputSize), [160, 1024, 512])
    }

    func testBatchLossEqualsMeanOfSingleUtteranceLosses() throws {
        let model = LASModel(config: Self.tinyConfig(.location, ctcWeight: 0.3), seed: 16)
        var rng = SplitMix64(seed: 17)
        let D = 3
        let utterances = [(frames: 9, targets: [Int32]([2, 3])), (frames: 5, targets: [4, 4, 5]), (frames: 7, targets: [5])]
        let data = utterances.map { (values: GradientCheck.random($0.frames * D, rng: &rng), frames: $0.frames) }
        var r = SplitMix64(seed: 0)
        let batch = try model.loss(FeatureBatch(data, width: D), targets: utterances.map(\.targets),
                                   training: false, backward: false, rng: &r)
        var sum = 0.0
        for (u, d) in zip(utterances, data) {
            sum += try model.loss(FeatureBatch([d], width: D), targets: [u.targets], training: false, backward: false, rng: &r).loss
        }
        XCTAssertEqual(batch.loss * 3, sum, accuracy: 1e-4 * abs(sum))
    }
}
