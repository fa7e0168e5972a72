import ArgumentParser
import Foundation
import LASKit

extension NoiseColor: ExpressibleByArgument {}

struct AugmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment",
        abstract: "Write corrupted copies of a data set: noise, reverberation, band limiting, gain, silence.",
        discussion: """
        DATA is a JSONL manifest or a Kaldi data folder, as for `las train` and `las evaluate`. \
        Every utterance is read (any format libsndfile reads, mixed to mono, resampled to \
        16 kHz), corrupted, and written to DIR/<id>.wav (16-bit PCM, 16 kHz mono); \
        DIR/manifest.jsonl lists the copies with the same ids, transcripts and speakers, \
        audio paths relative to DIR and the copies' durations. Each file appears atomically, \
        the manifest last, so `las evaluate DIR/manifest.jsonl` scores the corrupted set.

        The corruptions are those multi-condition training (`las train --multi-condition`) \
        draws, here fixed for the whole set and applied in the order sound meets them: the \
        room (--reverb), noise in it (--noise or --noise-color at --snr), the microphone \
        (--band-limit), the input stage (--gain, then clipping to [-1, 1]), editing \
        (--pad-silence). Give at least one. The SNR is that of the whole utterance against the \
        whole noise added to it (energies summed over the utterance, before the later stages), \
        as Kaldi's wav-reverberate measures it.

        Random choices (which --noise recording and where in it, the room's impulse response, \
        coloured noise) are drawn per utterance from --seed and the utterance's position in \
        DATA: the same command gives the same bytes, and an utterance's copy does not change \
        when others are missing. A mix beyond full scale is clipped by the 16-bit encoding.

        An utterance whose audio cannot be read or written gets one line on stderr, \
        `las: <file>: <problem> (utterance <id>)`, and is left out of the manifest; the others \
        are still written and the exit status is then 1. Options that cannot be used are \
        refused with one line before any work. On a terminal, progress is shown on stderr.

        Examples:
          las augment data/an4/dev.jsonl --output dev-cafe10/ --noise cafe.wav --snr 10
          las evaluate --model run/best.safetensors dev-cafe10/manifest.jsonl
          las augment dev.jsonl --output room/ --reverb 0.6 --noise-color pink --snr 20
          las augment dev.jsonl --output dev-phone/ --band-limit 300:3400 --gain 12
        """)

    @Argument(help: ArgumentHelp("Labeled data: a JSONL manifest or a Kaldi data folder.", valueName: "DATA"))
    var data: String
    @Option(help: ArgumentHelp("Folder for the corrupted WAVs and manifest.jsonl (created if missing).", valueName: "DIR"))
    var output: String
    @Option(help: ArgumentHelp("Noise recording, or folder of them, mixed in at --snr (repeatable; each utterance draws one recording and a random excerpt of it, looped if shorter).", valueName: "FILE|DIR"))
    var noise: [String] = []
    @Option(help: ArgumentHelp("Mix generated noise of this colour at --snr instead of recordings (white: flat; pink: -3 dB/octave; brown: -6 dB/octave).", valueName: "COLOR"))
    var noiseColor: NoiseColor?
    // Numeric options parse `.unconditional`ly so `--gain -6` and `--snr -5` read as values,
    // not as unknown flags (negative SNRs and gains are ordinary requests).
    @Option(parsing: .unconditional, help: ArgumentHelp("Signal-to-noise ratio of the mix, in dB (required with --noise or --noise-color; may be negative).", valueName: "DB"))
    var snr: Float?
    @Option(parsing: .unconditional, help: ArgumentHelp("Reverberate in a simulated room with this decay time (RT60, seconds, above 0 and at most 5).", valueName: "RT60"))
    var reverb: Float?
    @Option(parsing: .unconditional, help: ArgumentHelp("Amplify by this many dB, then clip to [-1, 1] as an overdriven input stage does (negative: quieter).", valueName: "DB"))
    var gain: Float?
    @Option(parsing: .unconditional, help: ArgumentHelp("Add this many seconds of exact zeros before and after each utterance (0 to 60).", valueName: "SECONDS"))
    var padSilence: Double?
    @Option(help: ArgumentHelp("Band-limit like a cheap microphone or a telephone: Butterworth high-pass at LOW and low-pass at HIGH, in Hz (0 < LOW < HIGH <= 8000; e.g. 300:3400).", valueName: "LOW:HIGH"))
    var bandLimit: String?
    @Option(help: ArgumentHelp("Random seed for the per-utterance draws.", valueName: "N"))
    var seed: UInt64 = 1

    static let sampleRate = FeatureConfig().sampleRate

    /// Refusals are one `las: ...` line (not ArgumentParser's usage block) and happen before
    /// any file is read, so a typo cannot cost a pass over a large data set.
    func validate() throws {
        if let problem = problem {
            Console.error(problem)
            throw ExitCode.validationFailure
        }
    }

    /// The first option that cannot be used, for the user (nil: all usable).
    var problem: String? {
        let hasNoise = !noise.isEmpty || noiseColor != nil
        if snr != nil && !hasNoise { return "--snr needs noise to mix: give --noise FILE|DIR or --noise-color COLOR" }
        if hasNoise && snr == nil { return "--noise and --noise-color need --snr DB, the signal-to-noise ratio to mix at" }
        if !noise.isEmpty && noiseColor != nil { return "--noise and --noise-color are alternatives: give one of them" }
        if let snr, !snr.isFinite { return "--snr must be a finite number of dB (is \(snr))" }
        if let reverb, !(reverb > 0 && reverb <= 5) { return "--reverb must lie in (0, 5] seconds (is \(reverb))" }
        if let gain, !gain.isFinite { return "--gain must be a finite number of dB (is \(gain))" }
        if let padSilence, !(padSilence >= 0 && padSilence <= 60) { return "--pad-silence must lie in [0, 60] seconds (is \(padSilence))" }
        if let bandLimit, band(bandLimit) == nil {
            return "--band-limit must be LOW:HIGH in Hz with 0 < LOW < HIGH <= \(Self.sampleRate / 2) (is \(bandLimit))"
        }
        if !hasNoise && reverb == nil && gain == nil && padSilence == nil && bandLimit == nil {
            return "nothing to do: give at least one of --noise, --noise-color, --reverb, --gain, --pad-silence, --band-limit"
        }
        return nil
    }

    /// `300:3400` -> (300, 3400), when usable at the output rate.
    func band(_ text: String) -> (low: Double, high: Double)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let low = Double(parts[0]), let high = Double(parts[1]),
              low > 0, low < high, high <= Double(Self.sampleRate / 2) else { return nil }
        return (low, high)
    }

    var recipe: AugmentationRecipe {
        let noiseSource: AugmentationRecipe.NoiseSource? = noiseColor.map { .color($0) } ?? (noise.isEmpty ? nil : .recordings)
        return AugmentationRecipe(
            noise: snr.flatMap { snr in noiseSource.map { ($0, snr) } },
            reverbRT60: reverb,
            // No resonance: --band-limit is the band alone (MicrophoneColoration skips a 0 dB peak).
            coloration: bandLimit.flatMap(band).map { MicrophoneColoration(highPass: $0.low, lowPass: $0.high, peakFrequency: 1_000, peakGainDB: 0) },
            gainDB: gain,
            paddingSamples: padSilence.map { Int(($0 * Double(Self.sampleRate)).rounded()) },
            seed: seed)
    }

    func run() throws {
        do { try augment(console: Console()) } catch let e as ExitCode { throw e } catch {
            Console.error("\(error)")
            throw ExitCode.failure
        }
    }

    func augment(console: Console) throws {
        let rate = Self.sampleRate
        let utterances = try DataSet.load(data).utterances
        // Noise is read as the trainer reads it: folders expanded, every file at the model's rate.
        let files = AudioPaths.expand(noise)
        if !noise.isEmpty && files.isEmpty { throw CommandError("no audio files found in \(noise.joined(separator: " ")) (--noise)") }
        let recordings = try files.map { path in
            do { return try AudioFile(path, sampleRate: rate).samples } catch {
                throw CommandError("\(error) (a --noise recording)")
            }
        }
        let pool = NoisePool(recordings: recordings)

        let folder = URL(fileURLWithPath: output).standardizedFileURL
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw CommandError("\(output): cannot create the folder (\(error.localizedDescription))")
        }
        var names = OutputNames()
        let outputNames = utterances.enumerated().map { names.name(for: $1.id, index: $0) }
        // Writing over an input before reading it would corrupt the source itself.
        let inputs = Set(utterances.map(\.audioPath))
        if let clash = outputNames.firstIndex(where: { inputs.contains(folder.appendingPathComponent($0).path) }) {
            throw CommandError("\(folder.appendingPathComponent(outputNames[clash]).path): would overwrite input audio; choose another --output")
        }

        let recipe = self.recipe
        var lines = "", failed = 0, seconds = 0.0
        for (index, utterance) in utterances.enumerated() {
            console.progress("augment: \(index + 1)/\(utterances.count) \(utterance.id)")
            let path = folder.appendingPathComponent(outputNames[index]).path
            do {
                let clean = try AudioFile(utterance.audioPath, sampleRate: rate).samples
                let (corruption, start) = recipe.corruption(forUtteranceAt: index, pool: pool)
                var rng = start
                let copy = corruption.apply(to: clean, sampleRate: rate, pool: pool, rng: &rng)
                try AudioFileWriter.write(copy, sampleRate: rate, format: .wavPCM16, to: path)
                let duration = Double(copy.count) / Double(rate)
                seconds += duration
                let line = AugmentedManifestLine(audio_filepath: outputNames[index], text: utterance.text, id: utterance.id,
                                                 duration: (duration * 10_000).rounded() / 10_000, speaker: utterance.speaker)
                lines += try JSONLine.encode(line) + "\n"
            } catch {
                failed += 1
                console.endProgress()
                Console.error("\(error) (utterance \(utterance.id))")
            }
        }
        console.endProgress()
        let manifest = folder.appendingPathComponent("manifest.jsonl").path
        let written = utterances.count - failed
        guard written > 0 else { throw CommandError("no utterance of \(data) could be read; \(manifest) not written") }
        try AtomicFile.write(Data(lines.utf8), to: manifest)
        console.line(String(format: "%@: %d of %d utterances, %.1f s of audio (%@)", manifest, written, utterances.count,
                            seconds, recipe.summary(recordings: recordings.count, sampleRate: rate)))
        if failed > 0 {
            Console.error("\(failed) of \(utterances.count) utterances failed and were left out of \(manifest)")
            throw ExitCode.failure
        }
    }
}
