import Foundation

/// The corruption `las augment` applies to every utterance: one fixed chain chosen on the
/// command line, with the random parts (which noise recording, its excerpt, the room's impulse
/// response) drawn per utterance. The chain itself is the trainer's `Corruption`, so a copy on
/// disk sounds like what multi-condition training feeds the model.
public struct AugmentationRecipe: Sendable {
    /// Where noise comes from; nil mixes none.
    public enum NoiseSource: Sendable {
        case recordings
        case color(NoiseColor)
    }

    public var noise: (source: NoiseSource, snr: Float)?
    public var reverbRT60: Float?
    public var coloration: MicrophoneColoration?
    public var gainDB: Float?
    /// Zero samples before and after.
    public var paddingSamples: Int?
    public var seed: UInt64

    public init(noise: (source: NoiseSource, snr: Float)? = nil, reverbRT60: Float? = nil, coloration: MicrophoneColoration? = nil,
                gainDB: Float? = nil, paddingSamples: Int? = nil, seed: UInt64) {
        self.noise = noise; self.reverbRT60 = reverbRT60; self.coloration = coloration
        self.gainDB = gainDB; self.paddingSamples = paddingSamples; self.seed = seed
    }

    /// The chain for the utterance at `index` of the data set, and the generator that
    /// `Corruption.apply` goes on drawing from. Seeding from (seed, index), not from one stream
    /// run through the whole set, keeps an utterance's copy the same when other utterances are
    /// missing, added or reordered around it.
    public func corruption(forUtteranceAt index: Int, pool: NoisePool) -> (Corruption, SplitMix64) {
        var rng = SplitMix64(seed: seed, stream: index)
        var c = Corruption(reverbRT60: reverbRT60, coloration: coloration, gainDB: gainDB)
        if let (source, snr) = noise {
            switch source {
            case .recordings: c.noise = (.recording(Int(rng.next() % UInt64(pool.recordings.count))), snr)
            case let .color(color): c.noise = (.color(color), snr)
            }
        }
        if let p = paddingSamples { c.padding = (p, p) }
        return (c, rng)
    }

    /// `noise recordings at 10.0 dB SNR, reverb RT60 0.50 s, ...` for the summary line.
    public func summary(recordings: Int, sampleRate: Int) -> String {
        var parts: [String] = []
        if let r = reverbRT60 { parts.append(String(format: "reverb RT60 %.2f s", r)) }
        if let (source, snr) = noise {
            switch source {
            case .recordings: parts.append(String(format: "noise from %d recording%@ at %.1f dB SNR", recordings, recordings == 1 ? "" : "s", snr))
            case let .color(color): parts.append(String(format: "%@ noise at %.1f dB SNR", color.rawValue, snr))
            }
        }
        if let c = coloration { parts.append(String(format: "band %.0f-%.0f Hz", c.highPass, c.lowPass)) }
        if let g = gainDB { parts.append(String(format: "gain %+.1f dB, clipped to [-1, 1]", g)) }
        if let p = paddingSamples { parts.append(String(format: "%.3f s of zeros each side", Double(p) / Double(sampleRate))) }
        return parts.joined(separator: ", ")
    }
}
