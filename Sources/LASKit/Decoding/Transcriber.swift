import Dispatch
import Foundation

/// One word of a transcript and where it is spoken, in seconds from the file's start.
public struct WordTiming: Codable, Equatable {
    public var word: String
    public var start: Double
    public var end: Double
}

public struct Transcript {
    public var text: String
    /// Length-normalized log-probability of the best hypothesis (mean over segments).
    public var score: Float
    /// Alternatives with their scores, best first (single-segment audio; the best only otherwise).
    public var nBest: [(text: String, score: Float)]
    public var words: [WordTiming]
    /// Audio seconds.
    public var duration: Double
    /// Per segment: start second, emitted characters (with "</s>" last) and α per character.
    public var alignments: [(start: Double, characters: [String], weights: [[Float]])]
}

/// Audio in, text out, with the recognizer's own front end, CMVN and vocabulary. Several
/// files (or segments of a long file) go through the listener together and are decoded by
/// one batched beam search.
public final class Transcriber {
    public struct Options {
        public var beamSize = 8
        public var lengthNormalization: Float = 1
        /// Weight of the CTC prefix score in joint decoding (used when the model has a CTC head).
        public var ctcWeight: Float = 0.5
        /// μ of shallow fusion with the model's character language model (when it has one).
        public var languageModelWeight: Float = 0
        /// Audio longer than this is split at low-energy points and decoded piece by piece.
        public var maxSegmentSeconds: Double = 20
        /// Utterances per listener batch.
        public var batchSize = 8
        public var maxDuration: Double = AudioFile.defaultMaxDuration
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
        Double(recognizer.featureConfig.frameShiftMs) / 1000 * Double(recognizer.model.config.timeReduction)
    }

    /// Transcribes files in input order; each result is the transcript or that file's error.
    public func transcribe(files: [String], threads: Int = 2) -> [Result<Transcript, Error>] {
        // Decode and featurize in parallel, then decode in length-sorted batches.
        var pieces = [Result<[(start: Double, features: FeatureMatrix)], Error>?](repeating: nil, count: files.count)
        let workers = max(1, min(threads, files.count))
        let config = recognizer.featureConfig
        pieces.withUnsafeMutableBufferPointer { out in
            let out = out
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let bank: LogMelFilterbank
                do { bank = try LogMelFilterbank(config: config) } catch {
                    for i in stride(from: w, to: files.count, by: workers) { out[i] = .failure(error) }
                    return
                }
                for i in stride(from: w, to: files.count, by: workers) {
                    out[i] = Result { try self.features(path: files[i], bank: bank) }
                }
            }
        }
        var items: [(file: Int, segment: Int, start: Double, features: FeatureMatrix)] = []
        for (i, p) in pieces.enumerated() {
            if case let .success(segments) = p! {
                for (k, s) in segments.enumerated() { items.append((i, k, s.start, s.features)) }
            }
        }
        var decoded = [Int: [Decoded]]()
        let order = items.indices.sorted { items[$0].features.frames < items[$1].features.frames }
        for chunk in stride(from: 0, to: order.count, by: options.batchSize).map({ Array(order[$0..<min($0 + options.batchSize, order.count)]) }) {
            let batch = FeatureBatch(chunk.map { (items[$0].features.values, items[$0].features.frames) },
                                     width: recognizer.model.config.inputSize)
            let memory: AttentionMemory
            do { memory = try recognizer.model.attentionMemory(batch) } catch {
                for i in chunk { pieces[items[i].file] = .failure(error) }
                continue
            }
            var search = BeamSearch(beamSize: options.beamSize)
            search.lengthNormalization = options.lengthNormalization
            search.keepAlignments = true
            search.ctcWeight = options.ctcWeight
            search.languageModel = recognizer.languageModel
            search.languageModelWeight = options.languageModelWeight
            search.threads = threads
            let posteriors = ctcLogProbabilities(memory)
            let out = search.decode(speller: recognizer.model.speller, memory: memory,
                                    ctc: options.ctcWeight > 0 ? posteriors.map(ctcScorers(posteriors:)) : nil)
            for (k, i) in chunk.enumerated() {
                decoded[items[i].file, default: []].append(Decoded(segment: items[i].segment, start: items[i].start,
                                                                   best: out.nBest[k], ctcLogProbabilities: posteriors?[k]))
            }
        }
        return files.indices.map { i in
            switch pieces[i]! {
            case let .failure(error): return .failure(error)
            case let .success(segments):
                let parts = (decoded[i] ?? []).sorted { $0.segment < $1.segment }
                return .success(assemble(parts, duration: segments.last.map { $0.start + Double($0.features.frames) / 100 } ?? 0))
            }
        }
    }

    /// One decoded segment: its n-best and the CTC head's log-posteriors its word times come from.
    struct Decoded {
        var segment: Int
        var start: Double
        var best: [BeamSearch.Hypothesis]
        var ctcLogProbabilities: [Float]?
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

    /// Reads, splits and featurizes one file (CMVN applied).
    func features(path: String, bank: LogMelFilterbank) throws -> [(start: Double, features: FeatureMatrix)] {
        let rate = recognizer.featureConfig.sampleRate
        let samples = try AudioFile.read(path, sampleRate: rate, maxDuration: options.maxDuration)
        // A piece shorter than the listener's time reduction cannot hold a word: a file's tail
        // is dropped, a whole file is an error (not an empty transcript).
        let needed = recognizer.model.config.timeReduction
        let pieces = try Segmenter.split(samples, sampleRate: rate, maxSeconds: options.maxSegmentSeconds).map { s in
            var m = samples.withUnsafeBufferPointer { bank.compute(Array($0[s.start..<s.end])) }
            try recognizer.cmvn.apply(to: &m)
            return (start: Double(s.start) / Double(rate), features: m)
        }.filter { $0.features.frames >= needed }
        guard !pieces.isEmpty else {
            throw AudioError.tooShort(path: path, seconds: Double(samples.count) / Double(rate),
                                      minimum: Double(recognizer.featureConfig.sampleCount(forFrames: needed)) / Double(rate))
        }
        return pieces
    }

    func assemble(_ parts: [Decoded], duration: Double) -> Transcript {
        let vocab = recognizer.vocabulary
        var texts: [String] = [], words: [WordTiming] = [], scores: [Float] = []
        var alignments: [(start: Double, characters: [String], weights: [[Float]])] = []
        for part in parts {
            guard let best = part.best.first else { continue }
            let text = vocab.decode(best.tokens)
            if !text.isEmpty { texts.append(text) }
            scores.append(best.score)
            words += wordTimings(best, offset: part.start, ctcLogProbabilities: part.ctcLogProbabilities)
            alignments.append((part.start, best.tokens.map { vocab.token($0) ?? "?" } + ["</s>"], best.alignment))
        }
        let nBest: [(text: String, score: Float)] = parts.count == 1
            ? parts[0].best.map { (vocab.decode($0.tokens), $0.score) }
            : [(texts.joined(separator: " "), scores.isEmpty ? 0 : scores.reduce(0, +) / Float(scores.count))]
        return Transcript(text: texts.joined(separator: " "), score: nBest.first?.score ?? 0, nBest: nBest,
                          words: words, duration: duration, alignments: alignments)
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

    /// A character's time is where its attention weights peak; a word spans its first
    /// character's frame to the end of its last one's.
    func attentionWordTimings(_ h: BeamSearch.Hypothesis, offset: Double) -> [WordTiming] {
        let frame = encoderFrameSeconds
        var words: [WordTiming] = [], current = "", start = 0.0, end = 0.0
        for (i, tok) in h.tokens.enumerated() {
            let ch = recognizer.vocabulary.token(tok) ?? ""
            let weights = i < h.alignment.count ? h.alignment[i] : []
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
