import XCTest
import LASKit

/// Every layer's backward pass against central differences, on tiny random sizes.
final class LayerGradientTests: XCTestCase {
    func testLinearGradientsMatchFiniteDifferences() {
        var rng = SplitMix64(seed: 1)
        let layer = Linear(name: "lin", inputSize: 5, outputSize: 4, rng: &rng)
        var x = GradientCheck.random(3 * 5, rng: &rng)
        let r = GradientCheck.random(3 * 4, rng: &rng)
        let loss = { GradientCheck.project(layer.forward(x, rows: 3), r) }
        var dx: [Float] = []
        GradientCheck.checkParameters(layer.parameters, loss: loss) { dx = layer.backward(x: x, dy: r, rows: 3) }
        GradientCheck.check(.init("x", count: x.count, read: { x[$0] }, write: { x[$0] = $1 }), gradient: dx, loss: loss)
    }

    func testEmbeddingGradientAccumulatesRepeatedTokens() {
        var rng = SplitMix64(seed: 2)
        let emb = Embedding(name: "emb", vocabularySize: 6, size: 3, rng: &rng)
        let ids: [Int32] = [1, 4, 1, 0, 5]
        let r = GradientCheck.random(ids.count * 3, rng: &rng)
        GradientCheck.checkParameters(emb.parameters, samples: 100, loss: { GradientCheck.project(emb.forward(ids), r) }) {
            r.withUnsafeBufferPointer { emb.backward(ids, dy: $0.baseAddress!) }
        }
    }

    func testDropoutBackwardAppliesTheSameMask() {
        var rng = SplitMix64(seed: 3)
        let dropout = Dropout(probability: 0.5)
        var x = [Float](repeating: 1, count: 1000)
        let mask = dropout.forward(&x, rng: &rng)
        let kept = x.filter { $0 != 0 }.count
        XCTAssertTrue(kept > 400 && kept < 600, "kept \(kept) of 1000 at p = 0.5")
        XCTAssertTrue(x.allSatisfy { $0 == 0 || $0 == 2 }, "survivors are scaled by 1/(1-p)")
        var dy = [Float](repeating: 3, count: 1000)
        dropout.backward(&dy, mask: mask)
        for i in 0..<1000 { XCTAssertEqual(dy[i], 3 * x[i]) }
    }

    func testLSTMGradientsMatchFiniteDifferencesOnPaddedBatch() {
        var rng = SplitMix64(seed: 4)
        let (T, B, D, H) = (5, 3, 4, 3)
        let lengths = [5, 2, 4]
        let lstm = LSTM(name: "lstm", inputSize: D, hiddenSize: H, rng: &rng)
        var x = GradientCheck.random(T * B * D, rng: &rng)
        let r = GradientCheck.random(T * B * H, rng: &rng)
        let loss = { () -> Double in
            var c = LSTM.Cache()
            return GradientCheck.project(lstm.forward(x, steps: T, batch: B, lengths: lengths, cache: &c), r)
        }
        var dx: [Float] = []
        GradientCheck.checkParameters(lstm.parameters, samples: 40, loss: loss) {
            var c = LSTM.Cache()
            _ = lstm.forward(x, steps: T, batch: B, lengths: lengths, cache: &c)
            dx = lstm.backward(r, cache: c)
        }
        GradientCheck.check(.init("x", count: x.count, read: { x[$0] }, write: { x[$0] = $1 }), gradient: dx, samples: 200, loss: loss)
    }

    func testLSTMPaddingNeitherChangesOutputsNorReceivesGradient() {
        var rng = SplitMix64(seed: 5)
        let (T, B, D, H) = (6, 2, 3, 4)
        let lstm = LSTM(name: "lstm", inputSize: D, hiddenSize: H, rng: &rng)
        var x = GradientCheck.random(T * B * D, rng: &rng)
        var c = LSTM.Cache()
        let y1 = lstm.forward(x, steps: T, batch: B, lengths: [6, 3], cache: &c)
        for t in 3..<T { for d in 0..<D { x[(t * B + 1) * D + d] = 100 } }  // garbage in utterance 1's padding
        let y2 = lstm.forward(x, steps: T, batch: B, lengths: [6, 3], cache: &c)
        XCTAssertEqual(y1, y2)
        for t in 3..<T { for h in 0..<H { XCTAssertEqual(y2[(t * B + 1) * H + h], 0) } }
        let dx = lstm.backward([Float](repeating: 1, count: T * B * H), cache: c)
        for t in 3..<T { for d in 0..<D { XCTAssertEqual(dx[(t * B + 1) * D + d], 0) } }
    }

    func testBidirectionalLSTMGradientsMatchFiniteDifferences() {
        var rng = SplitMix64(seed: 6)
        let (T, B, D, H) = (5, 3, 3, 2)
        let lengths = [3, 5, 1]
        let layer = BidirectionalLSTM(name: "blstm", inputSize: D, hiddenSize: H, rng: &rng)
        var x = GradientCheck.random(T * B * D, rng: &rng)
        let r = GradientCheck.random(T * B * 2 * H, rng: &rng)
        let loss = { () -> Double in
            var c = BidirectionalLSTM.Cache()
            return GradientCheck.project(layer.forward(x, steps: T, batch: B, lengths: lengths, cache: &c), r)
        }
        var dx: [Float] = []
        GradientCheck.checkParameters(layer.parameters, samples: 30, loss: loss) {
            var c = BidirectionalLSTM.Cache()
            _ = layer.forward(x, steps: T, batch: B, lengths: lengths, cache: &c)
            dx = layer.backward(r, cache: c)
        }
        GradientCheck.check(.init("x", count: x.count, read: { x[$0] }, write: { x[$0] = $1 }), gradient: dx, samples: 200, loss: loss)
    }

    func testBackwardDirectionReadsEachSequenceReversedWithinItsLength() {
        let (T, B, W) = (4, 2, 1)
        let x: [Float] = [1, 10, 2, 20, 3, 0, 4, 0]  // utterance 0: 1 2 3 4; utterance 1: 10 20 (padded)
        let y = SequenceReversal.reverse(x, steps: T, batch: B, width: W, lengths: [4, 2])
        XCTAssertEqual(y, [4, 20, 3, 10, 2, 0, 1, 0])
    }

    func testPyramidalReductionConcatenatesFramePairsAndIsAdjoint() {
        var rng = SplitMix64(seed: 7)
        let (T, B, W) = (5, 2, 3)
        let x = GradientCheck.random(T * B * W, rng: &rng)
        let y = PyramidalReduction.forward(x, steps: T, batch: B, width: W)
        XCTAssertEqual(y.count, 2 * B * 2 * W, "the trailing odd frame is dropped")
        // y[t=1, b=1] = [x[2, 1]; x[3, 1]]
        XCTAssertEqual(Array(y[(1 * B + 1) * 2 * W ..< (1 * B + 1) * 2 * W + W]), Array(x[(2 * B + 1) * W ..< (2 * B + 1) * W + W]))
        XCTAssertEqual(Array(y[(1 * B + 1) * 2 * W + W ..< (1 * B + 2) * 2 * W]), Array(x[(3 * B + 1) * W ..< (3 * B + 2) * W]))
        // ⟨Px, r⟩ = ⟨x, Pᵀr⟩ for a linear map P and its backward Pᵀ.
        let r = GradientCheck.random(y.count, rng: &rng)
        let back = PyramidalReduction.backward(r, steps: T, batch: B, width: W)
        XCTAssertEqual(GradientCheck.project(y, r), GradientCheck.project(x, back), accuracy: 1e-5)
        XCTAssertEqual(PyramidalReduction.lengths([5, 4, 1]), [2, 2, 0])
    }
}
