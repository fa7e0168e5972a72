import ArgumentParser
import Foundation
import LASKit

struct TranscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Turn speech in audio files into text.",
        discussion: """
        Each PATH is an audio file in any format libsndfile reads (WAV, FLAC, OGG, AIFF, NIST \
        SPHERE, ...; any rate and channel count, any length) or a folder searched for them; `-` \
        reads standard input (a WAV or other libsndfile stream, or with --raw-rate headerless \
        16-bit little-endian mono) and prints each segment as soon as the pause after it ends it.

        Recordings are read block by block and cut at pauses into pieces of about the length \
        of the training utterances (voice-activity detection against an adaptive noise floor; \
        stretches without speech, and digital silence, are left out); the pieces are decoded \
        one by one and joined.

        Output (--format): text prints the transcript (several files: one `PATH<TAB>TRANSCRIPT` \
        line each, in input order; standard input: one line per segment). json prints one \
        object per file: file, text, score, duration, nbest (alternatives with their \
        length-normalized log-probabilities), words (start and end seconds, from a forced \
        alignment of the transcript to the CTC head's posteriors; from the attention for models \
        without one) and segments (start, end, text, score, words); for standard input one \
        segment object per line. With --attention, each json object also has "attention": per \
        segment, its start second, the characters emitted (</s> last when the search ended \
        there) and "weights", the \
        attention matrix heads x characters x encoder frames (40 ms each for the bundled \
        model), rounded to 4 decimals. srt and vtt print subtitles, one cue per segment; with several \
        files they need --output-dir, which receives NAME.srt or NAME.vtt per file.

        A file that cannot be read is reported on stderr and the others are still transcribed; \
        the exit status is then 1. On a terminal, long files show their progress on stderr.

        Without --model, the model bundled with las is used (or $LAS_MODEL).
        """)

    @Argument(help: ArgumentHelp("Audio files or folders, or - for standard input.", valueName: "PATH")) var paths: [String]
    @OptionGroup var decoding: DecodingOptions
    @Option(help: "Output: text, json (one JSON object per line), srt or vtt (subtitles).") var format: OutputFormat = .text
    @Option(help: ArgumentHelp("Write one NAME.json/.srt/.vtt/.txt per input file into DIR instead of printing.", valueName: "DIR"))
    var outputDir: String?
    @Option(help: ArgumentHelp("Standard input is headerless signed 16-bit little-endian mono at this rate (Hz).", valueName: "HZ"))
    var rawRate: Int?
    @Option(help: ArgumentHelp("Write a picture of the attention weights for each file into DIR (one panel per attention head).",
                               valueName: "DIR"))
    var attentionPlot: String?
    @Option(help: "Format of --attention-plot pictures: svg or png.") var attentionPlotFormat: PlotFormat = .svg
    @Flag(help: "With --format json: include each segment's attention matrix (heads x characters x encoder frames).")
    var attention = false
    @Option(help: "Longest piece, in seconds, a recording is cut into (longer speech is split at its quietest point).")
    var maxSegmentSeconds: Double = 12

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json, srt, vtt }

    var readsStandardInput: Bool { paths == ["-"] }

    func validate() throws {
        guard maxSegmentSeconds >= 5 else { throw ValidationError("--max-segment-seconds must be at least 5") }
        if paths.contains("-") && paths.count > 1 { throw ValidationError("- (standard input) cannot be combined with other paths") }
        if let rate = rawRate {
            guard readsStandardInput else { throw ValidationError("--raw-rate applies to standard input (-) only") }
            guard rate >= 1000 && rate <= 384_000 else { throw ValidationError("--raw-rate must be between 1000 and 384000 Hz") }
        }
        if readsStandardInput && outputDir != nil { throw ValidationError("--output-dir needs files, not standard input") }
        if attention && format != .json { throw ValidationError("--attention needs --format json") }
        if attentionPlotFormat != .svg && attentionPlot == nil { throw ValidationError("--attention-plot-format needs --attention-plot DIR") }
    }

    func run() throws {
        let recognizer: Recognizer
        do { recognizer = try decoding.loadRecognizer() } catch {
            Console.error("\(error)")
            throw ExitCode.failure
        }
        var options = decoding.transcriberOptions
        options.segmentation.maxPieceSeconds = maxSegmentSeconds
        options.keepAlignments = attentionPlot != nil || attention
        for dir in [attentionPlot, outputDir].compactMap({ $0 }) {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                Console.error("\(dir): cannot create the folder (\(error.localizedDescription))")
                throw ExitCode.failure
            }
        }
        if readsStandardInput { return try transcribeStandardInput(recognizer: recognizer, options: options) }
        let transcriber = Transcriber(recognizer: recognizer, options: options)
        let files = AudioPaths.expand(paths)
        if files.isEmpty { Console.error("no audio files found in \(paths.joined(separator: " "))"); throw ExitCode.failure }
        if files.count > 1 && outputDir == nil && (format == .srt || format == .vtt) {
            Console.error("--format \(format.rawValue) with several files needs --output-dir DIR (one subtitle file each)")
            throw ExitCode.failure
        }
        let console = Console()
        var failed = 0
        // Files go through in groups so output appears as work proceeds.
        let group = max(1, options.batchSize * 4)
        for start in stride(from: 0, to: files.count, by: group) {
            let chunk = Array(files[start..<min(start + group, files.count)])
            let results = transcriber.transcribe(files: chunk, threads: decoding.threads) { k, seconds, duration in
                guard (duration ?? seconds) >= 60 else { return }
                console.progress(ProgressLine.text(file: chunk[k], seconds: seconds, duration: duration))
            }
            console.endProgress()
            for (file, result) in zip(chunk, results) {
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

    /// Live input: each piece is decoded as soon as the detector closes it, and printed at once.
    func transcribeStandardInput(recognizer: Recognizer, options: Transcriber.Options) throws {
        var options = options
        options.readAhead = 1
        options.batchSize = 1
        // 100 ms reads: a pipe delivers audio as it is recorded.
        options.blockFrames = (rawRate ?? 16_000) / 10
        let transcriber = Transcriber(recognizer: recognizer, options: options)
        let source: AudioStream.Source = rawRate.map { .rawStandardInput(sampleRate: $0) } ?? .standardInput
        var cues = 0
        if format == .vtt { emit(Subtitles.header(.vtt)) }
        let results = transcriber.transcribe(sources: [source], threads: decoding.threads, segmentDone: { _, segment in
            guard !segment.text.isEmpty else { return }
            switch format {
            case .text: emit(segment.text + "\n")
            case .json: emit(((try? JSONLine.encode(SegmentLine(segment))) ?? "{}") + "\n")
            case .srt, .vtt:
                cues += 1
                emit(Subtitles.cue(segment, number: cues, format: format == .srt ? .srt : .vtt))
            }
        })
        switch results[0] {
        case let .failure(error):
            Console.error("\(error)")
            throw ExitCode.failure
        case let .success(t):
            if let dir = attentionPlot { try writePlot(t, file: "standard-input", dir: dir, frameSeconds: transcriber.encoderFrameSeconds) }
        }
    }

    func emit(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    struct SegmentLine: Encodable {
        var start: Double, end: Double, text: String, score: Float, words: [WordTiming]
        init(_ s: TranscriptSegment) { start = s.start; end = s.end; text = s.text; score = s.score; words = s.words }
    }

    func output(file: String, transcript t: Transcript, single: Bool) {
        let text: String
        switch format {
        case .text:
            text = (single || outputDir != nil ? t.text : "\(file)\t\(t.text)") + "\n"
        case .json:
            struct Line: Encodable {
                struct Alternative: Encodable { var text: String; var score: Float }
                var file: String, text: String, score: Float, duration: Double
                var nbest: [Alternative], words: [WordTiming], segments: [SegmentLine]
                var attention: [AttentionMatrix]?
            }
            let line = Line(file: file, text: t.text, score: t.score, duration: t.duration,
                            nbest: t.nBest.map { .init(text: $0.text, score: $0.score) }, words: t.words,
                            segments: t.segments.map(SegmentLine.init),
                            attention: attention ? t.alignments.map { AttentionMatrix($0, heads: t.attentionHeads) } : nil)
            text = ((try? JSONLine.encode(line)) ?? "{}") + "\n"
        case .srt: text = Subtitles.document(t.segments, format: .srt)
        case .vtt: text = Subtitles.document(t.segments, format: .vtt)
        }
        if let dir = outputDir {
            let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            let path = (dir as NSString).appendingPathComponent("\(name).\(format == .text ? "txt" : format.rawValue)")
            do { try AtomicFile.write(Data(text.utf8), to: path) } catch { Console.error("\(path): cannot write (\(error))") }
        } else {
            emit(text)
        }
    }

    /// One segment's attention for --attention: weights[head][character][frame], rounded to 4 decimals.
    struct AttentionMatrix: Encodable {
        var start: Double, characters: [String], weights: [[[Float]]]
        init(_ a: (start: Double, characters: [String], weights: [[Float]]), heads: Int) {
            start = a.start; characters = a.characters
            weights = (0..<heads).map { h in
                AttentionDiagnostics.head(h, of: a.weights, heads: heads).map { row in row.map { ($0 * 10_000).rounded() / 10_000 } }
            }
        }
    }

    func writePlot(_ t: Transcript, file: String, dir: String, frameSeconds: Double) throws {
        let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        for (k, a) in t.alignments.enumerated() {
            let ext = attentionPlotFormat.rawValue
            let path = (dir as NSString).appendingPathComponent(t.alignments.count == 1 ? "\(name).\(ext)" : "\(name)-\(k + 1).\(ext)")
            do {
                let image = try AttentionPlot.image(characters: a.characters, weights: a.weights, heads: t.attentionHeads,
                                                    frameSeconds: frameSeconds, start: a.start, title: "\(file): \(t.text)",
                                                    format: attentionPlotFormat)
                try AtomicFile.write(image, to: path)
            } catch { Console.error("\(path): \(error)") }
        }
    }
}

extension PlotFormat: ExpressibleByArgument {}
