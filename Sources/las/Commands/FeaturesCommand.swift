import ArgumentParser
import Foundation
import LASKit

struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Compute log-mel filterbank features of audio files and save them as .npy.",
        discussion: """
        Each FILE is decoded with libsndfile (WAV 8/16/24/32-bit integer or float, FLAC, \
        OGG/Vorbis, AIFF, NIST SPHERE and the other formats it reads), its channels are averaged \
        to mono, and it is resampled to \(defaults.sampleRate) Hz with libsamplerate's best sinc \
        converter when its rate differs. Files longer than \(Int(AudioFile.defaultMaxDuration)) \
        seconds are refused (see --max-duration).

        The features are the ones the recognizer's network reads: Kaldi \
        compute-fbank-feats filterbanks without dither, matching kaldi-native-fbank fed \
        with 16-bit sample values up to single-precision FFT rounding.
          frames      \(Int(defaults.frameLengthMs)) ms (\(defaults.frameLength) samples) every \
        \(Int(defaults.frameShiftMs)) ms (\(defaults.frameShift) samples), whole frames
                      only (snip-edges): N samples give 1 + (N - \(defaults.frameLength)) / \(defaults.frameShift) frames
          per frame   samples scaled by \(Int(defaults.inputScale)) (16-bit range), DC offset removed,
                      pre-emphasis \(defaults.preemphasis), \(defaults.window.rawValue) window (Hann^0.85),
                      zero-padded to a \(defaults.fftSize)-point FFT
          spectrum    power |X|^2
          mel filters \(defaults.numMelBins) triangles equally spaced on the mel scale
                      1127 ln(1 + f/700) from \(Int(defaults.lowFreq)) Hz to \(Int(defaults.nyquist)) Hz (Nyquist)
          values      natural log of each filter's energy, floored at FLT_EPSILON
                      (log(1.19e-7) = -15.94 in silence)

        Output: a float32 .npy array of shape (frames, \(defaults.numMelBins)), row-major, \
        written atomically; numpy.load reads it. With one FILE, --output names the file; \
        with --output-dir, each FILE becomes DIR/<FILE name without extension>.npy. Without \
        either, nothing is written and one summary line per file is printed.

        A file that cannot be used (missing, not audio, empty, too long, shorter than one frame) \
        gets one line on standard error, `las: <file>: <problem>`; the other files are still \
        processed and the exit status is 1.

        Examples:
          las features audio-samples/cen3-fjam-b.wav
          las features speech.flac --output speech.npy
          las features audio-samples/*.wav audio-samples/*.flac --output-dir features/
        """
    )

    static let defaults = FeatureConfig()

    @Argument(help: ArgumentHelp("Audio files to compute features for.", valueName: "file"))
    var files: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the features of the single FILE to this .npy file.", valueName: "out.npy"))
    var output: String?

    @Option(name: .customLong("output-dir"), help: ArgumentHelp("Write DIR/<name>.npy for each FILE; DIR is created if missing.", valueName: "dir"))
    var outputDir: String?

    @Option(name: .customLong("max-duration"), help: ArgumentHelp("Refuse files longer than this many seconds.", valueName: "seconds"))
    var maxDuration: Double = AudioFile.defaultMaxDuration

    func validate() throws {
        if output != nil && outputDir != nil {
            throw ValidationError("Use either --output or --output-dir, not both.")
        }
        if output != nil && files.count > 1 {
            throw ValidationError("--output names one file but \(files.count) inputs were given; use --output-dir DIR.")
        }
        if maxDuration <= 0 { throw ValidationError("--max-duration must be positive.") }
    }

    func run() throws {
        let filterbank = try LogMelFilterbank(config: Self.defaults)
        if let outputDir {
            do {
                try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
            } catch {
                Console.error("\(outputDir): cannot create output directory")
                throw ExitCode(1)
            }
        }
        var failures = 0
        var claimed: [String: String] = [:]  // output path → input that wrote it
        for file in files {
            do {
                let destination = outputPath(for: file)
                if let destination, let earlier = claimed[destination] {
                    throw FeaturesCommandError.outputClash(path: file, output: destination, earlier: earlier)
                }
                let audio = try AudioFile(file, sampleRate: Self.defaults.sampleRate, maxDuration: maxDuration)
                let features = filterbank.compute(audio.samples)
                if features.frames == 0 {
                    throw FeaturesCommandError.tooShort(path: file, seconds: audio.duration,
                                                        frameMs: Self.defaults.frameLengthMs)
                }
                var line = "\(file): \(features.frames) frames x \(features.bins) bins, "
                    + String(format: "%.2f s", audio.duration)
                    + " (\(audio.originalSampleRate) Hz, \(audio.channels) channel\(audio.channels == 1 ? "" : "s"))"
                if let destination {
                    try NPYWriter.write(features, to: destination)
                    claimed[destination] = file
                    line += " -> \(destination)"
                }
                print(line)
            } catch {
                failures += 1
                Console.error("\(error)")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    private func outputPath(for file: String) -> String? {
        if let output { return output }
        guard let outputDir else { return nil }
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        return URL(fileURLWithPath: outputDir).appendingPathComponent(name + ".npy").path
    }
}

enum FeaturesCommandError: Error, CustomStringConvertible {
    case tooShort(path: String, seconds: Double, frameMs: Float)
    case outputClash(path: String, output: String, earlier: String)

    var description: String {
        switch self {
        case .tooShort(let path, let seconds, let frameMs):
            return "\(path): too short for one \(Int(frameMs)) ms frame (" + String(format: "%.3f s", seconds) + ")"
        case .outputClash(let path, let output, let earlier):
            return "\(path): output \(output) would overwrite the features of \(earlier)"
        }
    }
}

