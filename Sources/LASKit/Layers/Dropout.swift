/// Inverted dropout (Srivastava et al. 2014): during training each value is kept with
/// probability 1 − p and scaled by 1/(1 − p), so inference needs no rescaling. The mask
/// is drawn from the seeded generator, so a run is reproducible.
public struct Dropout {
    public let probability: Float

    public init(probability: Float) {
        precondition(probability >= 0 && probability < 1)
        self.probability = probability
    }

    /// Returns the mask (0 or 1/(1−p) per value) after applying it to x in place.
    public func forward(_ x: inout [Float], rng: inout SplitMix64) -> [Float] {
        guard probability > 0 else { return [] }
        let scale = 1 / (1 - probability)
        var mask = [Float](repeating: 0, count: x.count)
        let p = Double(probability)
        for i in 0..<x.count {
            let m: Float = rng.nextUniform() < p ? 0 : scale
            mask[i] = m
            x[i] *= m
        }
        return mask
    }

    /// Time-major x [T, B, W] with one generator per utterance b, which draws the masks of its
    /// `lengths[b]` frames in time order and nothing for its padding (left masked to zero): an
    /// utterance's masks, and what its generator draws next, are the same whatever the batch's
    /// padded length, so a batch split across processes draws what the whole batch would.
    public func forward(_ x: inout [Float], steps T: Int, batch B: Int, width W: Int, lengths: [Int],
                        rngs: inout [SplitMix64]) -> [Float] {
        guard probability > 0 else { return [] }
        precondition(x.count == T * B * W && rngs.count == B && lengths.count == B)
        let scale = 1 / (1 - probability)
        var mask = [Float](repeating: 0, count: x.count)
        let p = Double(probability)
        for b in 0..<B {
            for t in 0..<min(T, lengths[b]) {
                let row = (t * B + b) * W
                for w in row..<(row + W) {
                    let m: Float = rngs[b].nextUniform() < p ? 0 : scale
                    mask[w] = m
                    x[w] *= m
                }
            }
        }
        for b in 0..<B where lengths[b] < T {
            for t in lengths[b]..<T { for w in (t * B + b) * W..<((t * B + b) * W + W) { x[w] = 0 } }
        }
        return mask
    }

    /// dx = dy ⊙ mask (an empty mask means dropout was off).
    public func backward(_ dy: inout [Float], mask: [Float]) {
        guard !mask.isEmpty else { return }
        for i in 0..<dy.count { dy[i] *= mask[i] }
    }
}
