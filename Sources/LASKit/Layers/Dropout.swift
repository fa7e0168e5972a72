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

    /// dx = dy ⊙ mask (an empty mask means dropout was off).
    public func backward(_ dy: inout [Float], mask: [Float]) {
        guard !mask.isEmpty else { return }
        for i in 0..<dy.count { dy[i] *= mask[i] }
    }
}
