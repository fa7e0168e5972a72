import Dispatch
import Foundation

/// One word of a transcript and where it is spoken, in seconds from the file's start.
public struct WordTiming: Codable, Equatable {
    public var word: String
    public var start: Double
    public var end: Double
}

/// One piece of a recording between two pauses, with its times in seconds from the file's start.
public struct TranscriptSegment {
    public var start: Double
    public var end: Double
    public var text: String
    /// Length-normalized log-probability of the best hypothesis.
    public var score: Float
    public var words: [WordTiming]

    public init(start: Double, end: Double, text: String, score: Float, words: [WordTiming]) {
        self.start = start
        self.end = end
        self.text = text
        self.score = score
        self.words = words
    }
}

public struct Transcript {
    public var text: String
    /// Length-normalized log-probability of the best hypothesis (mean over segments).
    public var score: Float
    /// Alternatives with their scores, best first (single-segment audio; the best only otherwise).
    public var nBest: [(text: String, score: Float)]
    public var words: [WordTiming]
    /// The pieces the recording was cut into at pauses, in order (stretches without speech have none).
    public var segments: [TranscriptSegment]
    /// Audio seconds.
    public var duration: Double
    /// Per segment: start second, emitted characters (with "</s>" last when the search ended it) and α per character,
    /// [attentionHeads, frames of the segment] head-major (kept only with `Options.keepAlignments`).
    public var alignments: [(start: Double, characters: [String], weights: [[Float]])]
    /// How many alignments each character has (the model's attention heads).
    public var attentionHeads = 1
}

/// Audio in, text out, with the recognizer's own front end, CMVN and vocabulary. Each recording
/// is read block by block and cut into pieces at pauses (`VoiceActivityDetector`); pieces of
/// several files (or of one long file) go through the listener together and are decoded by one
/// batched beam search.
public final class Transcriber {
    public struct Options {
        public var beamSize = 8
        public var lengthNormalization: Float = 1
        /// Weight of the CTC prefix score in joint decoding (used when the model has a CTC head).
        public var ctcWeight: Float = 0.5
        /// μ of shallow fusion with the model's character language model (when it has one).
        public var languageModelWeight: Float = 0
        /// Where recordings are cut: speech detection and piece lengths.
        public var segmentation = VoiceActivityDetector.Options()
        /// Pieces per listener batch…
        public var batchSize = 8
        /// …and at most this many feature frames in all (15 s): the listener's activations grow
        /// with the batch's total length; at 30 s a long file peaked at 195 MB, at 15 s 145 MB
        /// (tools/bench_long_file.sh).
        public var batchFrames = 1_500
        /// Pieces read ahead and sorted by length before batching (similar lengths pad less);
        /// 1 decodes each piece as soon as it is closed, for live input.
        public var readAhead = 32
        /// Keep attention weights in `Transcript.alignments` (for plots; costs memory on long files).
        public var keepAlignments = true
        /// Frames per `AudioStream` read.
        public var blockFrames = 65_536
        public init() {}
    }

    public let recognizer: Recognizer
    public let options: Options

    public init(recognizer: Recognizer, options: Options = Options()) {
        self.recognizer = recognizer
        self.options = options
    }

    /// Seconds of audio per listener output frame.
    public var encoderFrameSeconds: Double {
        recognizer.featureConfig.secondsPerFrame * Double(recognizer.model.config.timeReduction)
    }

    /// Transcribes files in input order; each result is the transcript or that file's error.
    public func transcribe(files: [String], threads: Int = 2,
                           progress: ((_ file: Int, _ seconds: Double, _ duration: Double?) -> Void)? = nil) -> [Result<Transcript, Error>] {
        transcribe(sources: files.map { .file($0) }, threads: threads, progress: progress)
    }

    /// Transcribes each source in turn. `segmentDone` sees every segment of a source in order,
    /// as soon as it is decoded; `progress` after every block read.
    public func transcribe(sources: [AudioStream.Source], threads: Int = 2,
                           segmentDone: ((_ source: Int, TranscriptSegment) -> Void)? = nil,
                           progress: ((_ source: Int, _ seconds: Double, _ duration: Double?) -> Void)? = nil)
        -> [Result<Transcript, Error>] {
        var failures = [Int: Error](), durations = [Double](repeating: 0, count: sources.count)
        var decoded = [[DecodedPiece]](repeating: [], count: sources.count)
        var queue: [(source: Int, index: Int, piece: SpeechPiece)] = []
        func flush() {
            let batch = queue.filter { failures[$0.source] == nil }
            queue = []
            do {
                for var d in try decode(batch, threads: threads).sorted(by: { ($0.source, $0.index) < ($1.source, $1.index) }) {
                    let done = segment(d)
                    segmentDone?(d.source, done)
                    // What assembling needs, not every hypothesis's attention: memory stays flat
                    // over an hour of pieces.
                    d.segment = done
                    d.ctcLogProbabilities = nil
                    if d.index > 0 { d.best = Array(d.best.prefix(1)) }
                    if !options.keepAlignments { for k in d.best.indices { d.best[k].alignment = [] } }
                    decoded[d.source].append(d)
                }
            } catch {
                for item in batch { failures[item.source] = error }
            }
        }
        let config = recognizer.featureConfig
        let minimumFrames = recognizer.model.config.timeReduction
        let bank: LogMelFilterbank
        do { bank = try LogMelFilterbank(config: config) } catch {
            return sources.map { _ in .failure(error) }
        }
        for (s, source) in sources.enumerated() {
            do {
                let stream = try AudioStream(source, sampleRate: config.sampleRate, blockFrames: options.blockFrames)
                let reader = SpeechPieceReader(stream: stream, bank: bank, cmvn: recognizer.cmvn,
                                               minimumFrames: minimumFrames, segmentation: options.segmentation)
                var index = 0
                while let pieces = try reader.next() {
                    for piece in pieces {
                        queue.append((s, index, piece))
                        index += 1
                        if queue.count >= max(1, options.readAhead) { flush() }
                    }
                    progress?(s, reader.secondsRead, stream.duration)
                }
                durations[s] = reader.secondsRead
                // A recording shorter than the listener's time reduction cannot hold a word:
                // an error, not an empty transcript.
                if reader.samplesRead == 0 { throw AudioError.empty(path: stream.name) }
                let needed = config.sampleCount(forFrames: minimumFrames)
                if reader.samplesRead < needed {
                    throw AudioError.tooShort(path: stream.name, seconds: reader.secondsRead,
                                              minimum: Double(needed) / Double(config.sampleRate))
                }
            } catch {
                failures[s] = error
            }
        }
        flush()
        return sources.indices.map { s in
            if let error = failures[s] { return .failure(error) }
            return .success(assemble(decoded[s], duration: durations[s]))
        }
    }

    struct DecodedPiece {
        var source: Int, index: Int
        var start: Double, end: Double
        var best: [BeamSearch.Hypothesis]
        /// The CTC head's log-posteriors the word times come from (until the segment is made).
        var ctcLogProbabilities: [Float]?
        var segment: TranscriptSegment?
    }

    /// Runs pieces through the listener and the batched beam search, shortest first.
    func decode(_ items: [(source: Int, index: Int, piece: SpeechPiece)], threads: Int = 2) throws -> [DecodedPiece] {
        let order = items.indices.sorted { items[$0].piece.features.frames < items[$1].piece.features.frames }
        var chunks: [[Int]] = [], frames = 0
        for i in order {
            let n = items[i].piece.features.frames
            if let last = chunks.last, last.count < max(1, options.batchSize), frames + n <= options.batchFrames {
                chunks[chunks.count - 1].append(i)
                frames += n
            } else {
                chunks.append([i])
                frames = n
            }
        }
        var out: [DecodedPiece] = []
        for chunk in chunks {
            let batch = FeatureBatch(chunk.map { (items[$0].piece.features.values, items[$0].piece.features.frames) },
                                     width: recognizer.model.config.inputSize)
            let memory = try recognizer.model.attentionMemory(batch)
            var search = BeamSearch(beamSize: options.beamSize)
            search.lengthNormalization = options.lengthNormalization
            search.keepAlignments = true
            search.ctcWeight = options.ctcWeight
            search.languageModel = recognizer.languageModel
            search.languageModelWeight = options.languageModelWeight
            search.threads = threads
            let posteriors = ctcLogProbabilities(memory)
            let result = search.decode(speller: recognizer.model.speller, memory: memory,
                                       ctc: options.ctcWeight > 0 ? posteriors.map(ctcScorers(posteriors:)) : nil)
            for (k, i) in chunk.enumerated() {
                let item = items[i]
                out.append(DecodedPiece(source: item.source, index: item.index, start: item.piece.start,
                                        end: item.piece.end, best: result.nBest[k], ctcLogProbabilities: posteriors?[k]))
            }
        }
        return out
    }

    /// Per utterance, the CTC head's log-softmax over its own frames, [length, classes] (nil without a head).
    func ctcLogProbabilities(_ memory: AttentionMemory) -> [[Float]]? {
        guard let head = recognizer.model.ctcHead else { return nil }
        let T = memory.frames, V = head.outputSize
        var logits = head.forward(memory.encoder, rows: memory.utterances * T)
        return (0..<memory.utterances).map { u in
            let len = memory.lengths[u]
            logits.withUnsafeMutableBufferPointer { p in
                for t in 0..<len { LogSoftmax.inPlace(p.baseAddress! + (u * T + t) * V, count: V) }
            }
            return Array(logits[(u * T * V)..<((u * T + len) * V)])
        }
    }

    /// One CTC prefix scorer per utterance from the listener's CTC head (nil without one).
    func ctcScorers(_ memory: AttentionMemory) -> [CTCPrefixScorer]? {
        ctcLogProbabilities(memory).map(ctcScorers(posteriors:))
    }

    func ctcScorers(posteriors: [[Float]]) -> [CTCPrefixScorer] {
        let V = recognizer.model.config.vocabularySize
        return posteriors.map { CTCPrefixScorer(logProbabilities: $0, frames: $0.count / V, classes: V, blank: LASModel.padID) }
    }

    func segment(_ d: DecodedPiece) -> TranscriptSegment {
        guard let best = d.best.first else { return TranscriptSegment(start: d.start, end: d.end, text: "", score: 0, words: []) }
        return TranscriptSegment(start: d.start, end: d.end, text: recognizer.vocabulary.decode(best.tokens),
                                 score: best.score, words: wordTimings(best, offset: d.start, ctcLogProbabilities: d.ctcLogProbabilities))
    }

    func assemble(_ parts: [DecodedPiece], duration: Double) -> Transcript {
        let vocab = recognizer.vocabulary
        var segments: [TranscriptSegment] = []
        var alignments: [(start: Double, characters: [String], weights: [[Float]])] = []
        for part in parts {
            guard let best = part.best.first else { continue }
            segments.append(part.segment ?? segment(part))
            if options.keepAlignments {
                // "</s>" only when the hypothesis ended with it: one cut off at the length limit has no α for it.
                let end = best.alignment.count > best.tokens.count ? ["</s>"] : []
                alignments.append((part.start, best.tokens.map { vocab.token($0) ?? "?" } + end, best.alignment))
            }
        }
        let texts = segments.map(\.text).filter { !$0.isEmpty }
        let scores = segments.map(\.score)
        let nBest: [(text: String, score: Float)] = parts.count == 1
            ? parts[0].best.map { (vocab.decode($0.tokens), $0.score) }
            : [(texts.joined(separator: " "), scores.isEmpty ? 0 : scores.reduce(0, +) / Float(scores.count))]
        return Transcript(text: texts.joined(separator: " "), score: nBest.first?.score ?? 0, nBest: nBest,
                          words: segments.flatMap(\.words), segments: segments, duration: duration, alignments: alignments,
                          attentionHeads: recognizer.model.speller.attention.heads)
    }

    /// From the forced alignment of the hypothesis to the CTC head's posteriors when the model has
    /// a head and the alignment exists; otherwise from the attention peaks.
    func wordTimings(_ h: BeamSearch.Hypothesis, offset: Double, ctcLogProbabilities: [Float]?) -> [WordTiming] {
        let V = recognizer.model.config.vocabularySize
        if let posteriors = ctcLogProbabilities,
           let words = CTCWordTiming.words(tokens: h.tokens, vocabulary: recognizer.vocabulary, logProbabilities: posteriors,
                                           frames: posteriors.count / V, classes: V, frameSeconds: encoderFrameSeconds,
                                           offset: offset) {
            return words
        }
        return attentionWordTimings(h, offset: offset)
    }

    /// A character's time is where its attention weights (summed over the heads) peak; a word
    /// spans its first character's frame to the end of its last one's.
    func attentionWordTimings(_ h: BeamSearch.Hypothesis, offset: Double) -> [WordTiming] {
        let frame = encoderFrameSeconds, heads = recognizer.model.speller.attention.heads
        var words: [WordTiming] = [], current = "", start = 0.0, end = 0.0
        for (i, tok) in h.tokens.enumerated() {
            let ch = recognizer.vocabulary.token(tok) ?? ""
            let weights = i < h.alignment.count ? AttentionDiagnostics.headSum(h.alignment[i], heads: heads) : []
            var peak = 0
            for j in weights.indices where weights[j] > weights[peak] { peak = j }
            let t = offset + Double(peak) * frame
            if ch == " " {
                if !current.isEmpty { words.append(WordTiming(word: current, start: start, end: end)) }
                current = ""
            } else {
                if current.isEmpty { start = t }
                current += ch
                end = max(t + frame, start + frame)
            }
        }
        if !current.isEmpty { words.append(WordTiming(word: current, start: start, end: end)) }
        return words
    }
}
