import XCTest
import LASKit

/// One attention step of every kind on its own, against central differences: the loss
/// Σ r_c ⊙ c_i + Σ r_α ⊙ α_i (random weights r) as a function of the parameters, the decoder
/// state s_i, the previous alignment α_{i-1} and the encoder output, over a padded batch.
/// Through the whole speller a wrong dQuery or dPrevious can hide below the tolerance; here
/// each input's gradient is the only thing the loss sees.
final class AttentionGradientTests: XCTestCase {
    func testEveryAttentionKindsStepGradientsMatchFiniteDifferences() {
        for kind in AttentionKind.allCases {
            let attention = LASModel(config: ModelGradientTests.tinyConfig(kind), seed: 50).speller.attention
            let heads = attention.heads, A = attention.attentionSize, C = max(1, attention.featureChannels)
            let (R, T, E, Dq) = (2, 5, attention.encoderSize, attention.querySize)
            let lengths = [5, 3]
            var rng = SplitMix64(seed: 51)
            var encoder = GradientCheck.random(R * T * E, rng: &rng)
            for j in lengths[1]..<T { for e in 0..<E { encoder[(1 * T + j) * E + e] = 0 } }
            var query = GradientCheck.random(R * Dq, rng: &rng)
            // α_{i-1}: any non-negative weights on the real frames (the location filter is linear in them).
            var previous = [Float](repeating: 0, count: R * heads * T)
            for r in 0..<R { for h in 0..<heads { for j in 0..<lengths[r] {
                previous[(r * heads + h) * T + j] = Float(rng.nextUniform()) / Float(lengths[r])
            } } }
            let rContext = GradientCheck.random(R * E, rng: &rng), rWeights = GradientCheck.random(R * heads * T, rng: &rng)
            var projectedQuery = [Float](repeating: 0, count: R * A), dProjectedQuery = projectedQuery
            var features = [Float](repeating: 0, count: R * T * C), dFeatures = features
            var hidden = [Float](repeating: 0, count: R * T * A), energies = [Float](repeating: 0, count: R * heads * T)
            var weights = [Float](repeating: 0, count: R * heads * T), context = [Float](repeating: 0, count: R * E)
            var dQuery = [Float](repeating: 0, count: R * Dq), dPrevious = [Float](repeating: 0, count: R * heads * T)

            func step(backward: Bool) -> (loss: Double, memory: AttentionMemory) {
                let memory = attention.memory(encoder: encoder, utterances: R, frames: T, lengths: lengths)
                projectedQuery.withUnsafeMutableBufferPointer { pq in
                dProjectedQuery.withUnsafeMutableBufferPointer { dpq in
                features.withUnsafeMutableBufferPointer { f in
                dFeatures.withUnsafeMutableBufferPointer { df in
                hidden.withUnsafeMutableBufferPointer { hd in
                energies.withUnsafeMutableBufferPointer { en in
                weights.withUnsafeMutableBufferPointer { w in
                context.withUnsafeMutableBufferPointer { c in
                query.withUnsafeBufferPointer { q in
                previous.withUnsafeBufferPointer { p in
                    let buffers = AttentionStepBuffers(projectedQuery: pq.baseAddress!, locationFeatures: f.baseAddress!,
                                                       hidden: hd.baseAddress!, energies: en.baseAddress!,
                                                       dProjectedQuery: dpq.baseAddress!, dLocationFeatures: df.baseAddress!)
                    attention.forward(query: q.baseAddress!, previous: p.baseAddress!, rows: R, rowUtterance: nil,
                                      memory: memory, buffers: buffers, weights: w.baseAddress!, context: c.baseAddress!)
                    guard backward else { return }
                    memory.prepareBackward()
                    var dWeights = rWeights
                    dQuery = [Float](repeating: 0, count: R * Dq)
                    dPrevious = [Float](repeating: 0, count: R * heads * T)
                    rContext.withUnsafeBufferPointer { dc in
                    dWeights.withUnsafeMutableBufferPointer { dw in
                    dQuery.withUnsafeMutableBufferPointer { dq in
                    dPrevious.withUnsafeMutableBufferPointer { dp in
                        attention.backward(query: q.baseAddress!, previous: p.baseAddress!, rows: R, memory: memory,
                                           buffers: buffers, weights: w.baseAddress!, dContext: dc.baseAddress!,
                                           dWeights: dw.baseAddress!, dPrevious: dp.baseAddress!, dQuery: dq.baseAddress!)
                    }}}}
                    attention.finishBackward(memory: memory)
                }}}}}}}}}}
                return (GradientCheck.project(context, rContext) + GradientCheck.project(weights, rWeights), memory)
            }
            let loss = { step(backward: false).loss }
            var dEncoder: [Float] = []
            GradientCheck.checkParameters(attention.parameters, samples: 40, loss: loss) {
                dEncoder = step(backward: true).memory.dEncoder
            }
            let dq = dQuery, dp = dPrevious
            GradientCheck.check(.init("query(\(kind))", count: query.count, read: { query[$0] }, write: { query[$0] = $1 }),
                                gradient: dq, samples: 100, loss: loss)
            GradientCheck.check(.init("previous(\(kind))", count: previous.count, read: { previous[$0] }, write: { previous[$0] = $1 }),
                                gradient: dp, samples: 100, loss: loss)
            GradientCheck.check(.init("encoder(\(kind))", count: encoder.count, read: { encoder[$0] }, write: { encoder[$0] = $1 }),
                                gradient: dEncoder, samples: 100, loss: loss)
            XCTAssertTrue(dq.contains { abs($0) > 1e-3 }, "\(kind): the query gets a gradient")
            if kind == .location || kind == .multiHeadLocation {
                XCTAssertTrue(dp.contains { abs($0) > 1e-3 }, "\(kind): the previous alignment gets a gradient")
            } else {
                XCTAssertTrue(dp.allSatisfy { $0 == 0 }, "\(kind) does not read the previous alignment")
            }
        }
    }
}
