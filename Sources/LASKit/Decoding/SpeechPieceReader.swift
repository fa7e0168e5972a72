/// A piece of speech ready for the listener: its place in the recording (seconds from the start)
/// and its normalized log-mel features.
public struct SpeechPiece {
    public var start: Double
    public var end: Double
    public var features: FeatureMatrix
}

/// Reads a recording block by block, finds its speech with `VoiceActivityDetector` and hands out
/// each piece, featurized and normalized, as soon as the pause after it closes it. Only the audio
/// a coming piece can still need is kept, so memory does not grow with the recording's length.
public final class SpeechPieceReader {
    public let stream: AudioStream
    private let detector: VoiceActivityDetector
    private let bank: LogMelFilterbank
    private let cmvn: CMVN
    /// Pieces with fewer feature frames than this cannot hold a word for the listener.
    private let minimumFrames: Int
    /// Samples `historyStart ..< historyStart + history.count` of the stream.
    private var history: [Float] = []
    private var historyStart = 0
    public private(set) var samplesRead = 0
    private var finished = false

    public init(stream: AudioStream, bank: LogMelFilterbank, cmvn: CMVN, minimumFrames: Int,
                segmentation: VoiceActivityDetector.Options = .init()) {
        self.stream = stream
        self.bank = bank
        self.cmvn = cmvn
        self.minimumFrames = minimumFrames
        self.detector = VoiceActivityDetector(sampleRate: stream.sampleRate, options: segmentation)
    }

    public var secondsRead: Double { Double(samplesRead) / Double(stream.sampleRate) }

    /// The pieces the next block of audio closes (often none), or nil after the last block.
    public func next() throws -> [SpeechPiece]? {
        let pieces: [VoiceActivityDetector.Piece]
        if let block = try stream.read() {
            history += block
            samplesRead += block.count
            pieces = detector.append(block)
        } else if !finished {
            finished = true
            pieces = detector.finish()
        } else {
            return nil
        }
        let out = try pieces.compactMap(featurize)
        let keep = detector.retainedFrom
        // Drop consumed audio in large steps, so the copying stays a small fraction of the reading.
        if keep - historyStart > stream.sampleRate * 10 {
            history.removeFirst(keep - historyStart)
            historyStart = keep
        }
        return out
    }

    private func featurize(_ piece: VoiceActivityDetector.Piece) throws -> SpeechPiece? {
        let lo = max(piece.start, historyStart) - historyStart, hi = min(piece.end - historyStart, history.count)
        guard hi > lo else { return nil }
        var features = history.withUnsafeBufferPointer { bank.compute(Array($0[lo..<hi])) }
        guard features.frames >= minimumFrames else { return nil }
        try cmvn.apply(to: &features)
        let rate = Double(stream.sampleRate)
        return SpeechPiece(start: Double(piece.start) / rate, end: Double(piece.end) / rate, features: features)
    }
}
