import ArgumentParser
import Foundation
import LASKit

struct TranscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Turn speech in audio files into text.",
        discussion: """
        Each PATH is an audio file in any format libsndfile reads (WAV, FLAC, OGG, AIFF, NIST \
        SPHERE, ...; any rate and channel count) or a folder searched for them. One file prints \
        its transcript; several print one `PATH<TAB>TRANSCRIPT` line each, in input order. \
        --format json prints one object per file: file, text, score, nbest (alternatives with \
        their length-normalized log-probabilities) and words (start and end seconds, from a forced \
        alignment of the transcript to the CTC head's posteriors; from the attention for models \
        without one).

        Recordings longer than --max-segment-seconds are split at quiet points and decoded piece \
        by piece. A file that cannot be read is reported on stderr and the others are still \
        transcribed; the exit status is then 1.

        Without --model, the model bundled with las is used (or $LAS_MODEL).
        """)

    @Argument(help: ArgumentHelp("Audio files or folders.", valueName: "PATH")) var paths: [String]
    @Option(help: ArgumentHelp("Model file (a best.safetensors from las train).", valueName: "FILE")) var model: String?
    @Option(help: "Beam width (1 is greedy search).") var beam = 8
    @Option(help: "Weight of the CTC prefix score in joint CTC/attention decoding (models with a CTC head; 0: attention only).")
    var ctcWeight: Float = 0.5
    @Option(help: "Weight of the model's character language model in beam search (models that carry one, see `las lm`; 0: off).")
    var lmWeight: Float = 0
    @Option(help: "Output: text or json (one JSON object per line).") var format: OutputFormat = .text
    @Option(help: "Threads for reading audio and for matrix products.") var threads = 2
    @Option(help: ArgumentHelp("Write an SVG of the attention weights for each file into DIR.", valueName: "DIR"))
    var attentionPlot: String?
    @Option(help: "Split recordings longer than this many seconds at low-energy points.") var maxSegmentSeconds: Double = 20

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func validate() throws {
        guard beam >= 1 else { throw ValidationError("--beam must be at least 1") }
        guard ctcWeight >= 0 && ctcWeight <= 1 else { throw ValidationError("--ctc-weight must be between 0 and 1") }
        guard lmWeight >= 0 && lmWeight <= 10 else { throw ValidationError("--lm-weight must be between 0 and 10") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard maxSegmentSeconds >= 1 else { throw ValidationError("--max-segment-seconds must be at least 1") }
    }

    func run() throws {
        let recognizer: Recognizer
        do { recognizer = try ModelLoading.load(model) } catch {
            Console.error("\(error)")
            throw ExitCode.failure
        }
        BLASThreads.set(threads)
        var options = Transcriber.Options()
        options.beamSize = beam
        options.ctcWeight = ctcWeight
        options.languageModelWeight = lmWeight
        options.maxSegmentSeconds = maxSegmentSeconds
        let transcriber = Transcriber(recognizer: recognizer, options: options)
        let files = AudioPaths.expand(paths)
        if files.isEmpty { Console.error("no audio files found in \(paths.joined(separator: " "))"); throw ExitCode.failure }
        if let dir = attentionPlot {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                Console.error("\(dir): cannot create the plot folder (\(error.localizedDescription))")
                throw ExitCode.failure
            }
        }
        var failed = 0
        // Files go through in groups so output appears as work proceeds.
        let group = max(1, options.batchSize * 4)
        for start in stride(from: 0, to: files.count, by: group) {
            let chunk = Array(files[start..<min(start + group, files.count)])
            for (file, result) in zip(chunk, transcriber.transcribe(files: chunk, threads: threads)) {
                switch result {
                case let .failure(error):
                    failed += 1
                    Console.error("\(error)")
                case let .success(t):
                    output(file: file, transcript: t, single: files.count == 1)
                    if let dir = attentionPlot { try writePlot(t, file: file, dir: dir, frameSeconds: transcriber.encoderFrameSeconds) }
                }
            }
        }
        if failed > 0 {
            if files.count > 1 { Console.error("\(failed) of \(files.count) files failed") }
            throw ExitCode.failure
        }
    }

    func output(file: String, transcript t: Transcript, single: Bool) {
        switch format {
        case .text:
            print(single ? t.text : "\(file)\t\(t.text)")
        case .json:
            struct Line: Encodable {
                struct Alternative: Encodable { var text: String; var score: Float }
                var file: String, text: String, score: Float, duration: Double
                var nbest: [Alternative], words: [WordTiming]
            }
            let line = Line(file: file, text: t.text, score: t.score, duration: t.duration,
                            nbest: t.nBest.map { .init(text: $0.text, score: $0.score) }, words: t.words)
            print((try? JSONLine.encode(line)) ?? "{}")
        }
        fflush(stdout)
    }

    func writePlot(_ t: Transcript, file: String, dir: String, frameSeconds: Double) throws {
        let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        for (k, a) in t.alignments.enumerated() {
            let svg = AttentionPlot.svg(characters: a.characters, weights: a.weights, frameSeconds: frameSeconds,
                                        start: a.start, title: "\(file): \(t.text)")
            let path = (dir as NSString).appendingPathComponent(t.alignments.count == 1 ? "\(name).svg" : "\(name)-\(k + 1).svg")
            do { try AtomicFile.write(Data(svg.utf8), to: path) } catch { Console.error("\(error)") }
        }
    }
}

/// Loads --model, or the default model, with an error that says which file and what to do.
enum ModelLoading {
    static func load(_ path: String?) throws -> Recognizer {
        let file = path ?? DefaultModel.path
        if path == nil && !FileManager.default.fileExists(atPath: file) {
            throw CommandError("\(file): the bundled model is missing; pass --model FILE (a best.safetensors from las train) or set LAS_MODEL")
        }
        return try ModelFile.load(file)
    }
}
