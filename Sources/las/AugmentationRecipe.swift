import Foundation
import LASKit

/// The corruption `las augment` applies to every utterance: one fixed chain chosen on the
/// command line, with the random parts (which noise recording, its excerpt, the room's impulse
/// response) drawn per utterance. The chain itself is the trainer's `Corruption`, so a copy on
/// disk sounds like what multi-condition training feeds the model.
struct AugmentationRecipe {
    /// Where noise comes from; nil mixes none.
    enum NoiseSource {
        case recordings
        case color(NoiseColor)
    }

    var noise: (source: NoiseSource, snr: Float)?
    var reverbRT60: Float?
    var coloration: MicrophoneColoration?
    var gainDB: Float?
    /// Zero samples before and after.
    var paddingSamples: Int?
    var seed: UInt64

    /// The chain for the utterance at `index` of the data set, and the generator that
    /// `Corruption.apply` goes on drawing from. Seeding from (seed, index), not from one stream
    /// run through the whole set, keeps an utterance's copy the same when other utterances are
    /// missing, added or reordered around it.
    func corruption(forUtteranceAt index: Int, pool: NoisePool) -> (Corruption, SplitMix64) {
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
    func summary(recordings: Int, sampleRate: Int) -> String {
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

/// Output file names for utterance ids: ids may hold characters a file name should not (`/`),
/// and two ids may then clash, so each name is made safe and, if taken, given the index.
struct OutputNames {
    private var taken = Set<String>()

    mutating func name(for id: String, index: Int) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        var stem = String(id.map { allowed.contains($0) ? $0 : "_" })
        if stem.hasPrefix(".") { stem = "_" + stem.dropFirst() }   // no hidden files, no `..`
        var name = stem + ".wav"
        // Case-insensitive: the same folder on macOS's default file system.
        if taken.contains(name.lowercased()) { name = "\(stem)-\(index + 1).wav" }
        taken.insert(name.lowercased())
        return name
    }
}

/// One line of the new manifest: the input's fields, with the copy's path (relative to the
/// manifest's folder, so the folder can be moved) and its own duration (padding changes it).
struct AugmentedManifestLine: Encodable {
    var audio_filepath: String
    var text: String
    var id: String
    var duration: Double
    var speaker: String?
}
