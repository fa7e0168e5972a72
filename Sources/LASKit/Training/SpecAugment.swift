/// SpecAugment's masking (Park et al. 2019, §2): zero `frequencyMasks` bands of up to
/// `maxFrequencyWidth` mel bins and `timeMasks` spans of up to `maxTimeWidth` frames (and at
/// most `maxTimeFraction` of the utterance). Applied to CMVN-normalized features, so zero is
/// the training mean. Time warping is left out (the paper found it the least useful).
public struct SpecAugment: Codable, Equatable, Sendable {
    public var frequencyMasks = 2
    public var maxFrequencyWidth = 15
    public var timeMasks = 2
    public var maxTimeWidth = 40
    public var maxTimeFraction: Float = 0.2

    public init() {}

    /// Masks features[frames, bins] in place.
    public func apply(to features: inout [Float], frames: Int, bins: Int, rng: inout SplitMix64) {
        for _ in 0..<frequencyMasks {
            let width = Int(rng.next() % UInt64(maxFrequencyWidth + 1))
            guard width > 0 && width < bins else { continue }
            let start = Int(rng.next() % UInt64(bins - width + 1))
            for t in 0..<frames { for b in start..<(start + width) { features[t * bins + b] = 0 } }
        }
        let limit = min(maxTimeWidth, Int(maxTimeFraction * Float(frames)))
        for _ in 0..<timeMasks {
            guard limit > 0 else { break }
            let width = Int(rng.next() % UInt64(limit + 1))
            guard width > 0 && width < frames else { continue }
            let start = Int(rng.next() % UInt64(frames - width + 1))
            for t in start..<(start + width) { for b in 0..<bins { features[t * bins + b] = 0 } }
        }
    }
}
