import Foundation

/// Additive noise of one kind at one SNR.
public enum NoiseKind: Equatable, Sendable, CustomStringConvertible {
    /// The recording at this index of `NoisePool.recordings`.
    case recording(Int)
    /// This many other utterances summed (`NoisePool.babble`).
    case babble(Int)
    case color(NoiseColor)

    public var description: String {
        switch self {
        case let .recording(i): return "recording \(i)"
        case let .babble(n): return "babble of \(n)"
        case let .color(c): return "\(c.rawValue) noise"
        }
    }
}

/// What noise can be drawn from: recordings (a user's `--noise` files) and
/// utterances for babble (the training set's own waveforms), all at the model's sample rate.
public struct NoisePool: Sendable {
    public var recordings: [[Float]]
    public var babble: [[Float]]
    public init(recordings: [[Float]] = [], babble: [[Float]] = []) { self.recordings = recordings; self.babble = babble }

    /// `count` samples of `kind`, unscaled (`AdditiveNoise.mix` sets the level).
    public func samples(_ kind: NoiseKind, count: Int, rng: inout SplitMix64) -> [Float] {
        switch kind {
        case let .recording(i):
            return excerpt(of: recordings[i], count: count, rng: &rng)
        case let .babble(n):
            var sum = [Float](repeating: 0, count: count)
            guard !babble.isEmpty else { return sum }
            for _ in 0..<n {
                let talker = excerpt(of: babble[Int(rng.next() % UInt64(babble.count))], count: count, rng: &rng)
                let e = AdditiveNoise.energy(talker)
                guard e > 0 else { continue }
                let g = Float(1 / (e / Double(count)).squareRoot())   // each talker at the same level
                for i in 0..<count { sum[i] += g * talker[i] }
            }
            return sum
        case let .color(c):
            return c.samples(count, rng: &rng)
        }
    }
}

/// One concrete chain of corruptions, applied in the order sound meets them: the room, noise
/// in it, the microphone, the input stage, then editing. Each part is optional.
public struct Corruption: Equatable, Sendable, CustomStringConvertible {
    public var reverbRT60: Float?
    public var noise: (kind: NoiseKind, snr: Float)?
    public var coloration: MicrophoneColoration?
    public var gainDB: Float?
    /// Zeros before and after, in samples.
    public var padding: (before: Int, after: Int)?

    public init(reverbRT60: Float? = nil, noise: (kind: NoiseKind, snr: Float)? = nil, coloration: MicrophoneColoration? = nil,
                gainDB: Float? = nil, padding: (before: Int, after: Int)? = nil) {
        self.reverbRT60 = reverbRT60; self.noise = noise; self.coloration = coloration; self.gainDB = gainDB; self.padding = padding
    }

    public static func == (a: Corruption, b: Corruption) -> Bool {
        a.reverbRT60 == b.reverbRT60 && a.noise?.kind == b.noise?.kind && a.noise?.snr == b.noise?.snr
            && a.coloration == b.coloration && a.gainDB == b.gainDB
            && a.padding?.before == b.padding?.before && a.padding?.after == b.padding?.after
    }

    public var isIdentity: Bool { reverbRT60 == nil && noise == nil && coloration == nil && gainDB == nil && padding == nil }

    public var description: String {
        var parts: [String] = []
        if let r = reverbRT60 { parts.append(String(format: "reverb RT60 %.2f s", r)) }
        if let n = noise { parts.append(String(format: "%@ at %.1f dB SNR", n.kind.description, n.snr)) }
        if let c = coloration { parts.append(String(format: "band %.0f-%.0f Hz, %+.1f dB at %.0f Hz", c.highPass, c.lowPass, c.peakGainDB, c.peakFrequency)) }
        if let g = gainDB { parts.append(String(format: "gain %+.1f dB, clipped", g)) }
        if let p = padding { parts.append("\(p.before)+\(p.after) zero samples") }
        return parts.isEmpty ? "clean" : parts.joined(separator: ", ")
    }

    /// The corrupted copy of `samples`. `rng` draws the impulse response and the noise excerpt.
    public func apply(to samples: [Float], sampleRate: Int, pool: NoisePool, rng: inout SplitMix64) -> [Float] {
        var x = samples
        if let rt60 = reverbRT60 {
            x = RoomReverb.convolve(x, with: RoomReverb.impulseResponse(rt60: rt60, sampleRate: sampleRate, rng: &rng))
        }
        if let (kind, snr) = noise {
            AdditiveNoise.mix(&x, noise: pool.samples(kind, count: x.count, rng: &rng), snr: snr)
        }
        coloration?.apply(to: &x, sampleRate: sampleRate)
        if let g = gainDB { GainClipping.apply(to: &x, gainDB: g) }
        if let p = padding { SilencePadding.apply(to: &x, before: p.before, after: p.after) }
        return x
    }
}
