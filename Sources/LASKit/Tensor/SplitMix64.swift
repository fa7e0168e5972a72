/// Seeded, fast, reproducible random numbers (SplitMix64, Steele et al. 2014) for
/// initialization, dropout, SpecAugment and data shuffling: same seed, same model.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    /// Stream `stream` (a training step, an utterance) of `seed`: the index is spread by an odd
    /// 64-bit constant before mixing, so neighbouring streams are unrelated.
    public init(seed: UInt64, stream: Int) { state = seed ^ (UInt64(stream + 1) &* 0xD1B5_4A32_D192_ED03) }

    /// `count` generators seeded from this one's next draws: one per utterance of a batch, so
    /// what is drawn for an utterance does not depend on which others share its batch (or its
    /// process, in data-parallel training).
    public mutating func split(_ count: Int) -> [SplitMix64] {
        (0..<count).map { _ in SplitMix64(seed: next()) }
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal (Box–Muller).
    public mutating func nextNormal() -> Double {
        let u1 = max(nextUniform(), 1e-300), u2 = nextUniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

#if canImport(Glibc)
import Glibc
#endif
