import Foundation

/// Finds the stretches of a recording that hold speech and turns them into pieces about as long
/// as the model's training utterances, cut in pauses. Works on a stream: samples go in as they
/// arrive and a piece comes out once the pause after it is long enough to close it.
///
/// Energy-based detection with an adaptive noise floor: the log-energy of each 10 ms frame is
/// compared with the floor, a low percentile of the frame energies around it (a robust form of
/// the minimum statistics of Martin 2001, "Noise power spectral density estimation based on
/// optimal smoothing and minimum statistics": pauses fill the bottom of the distribution, speech
/// the top). Speech starts `onsetDecibels` above the floor and goes on while frames stay
/// `offsetDecibels` above it (hysteresis), plus a hangover; pauses shorter than `mergeGapSeconds`
/// stay inside a piece. A region longer than `maxPieceSeconds` is split at its quietest 100 ms.
/// A piece keeps `paddingSeconds` of the pause on each side, and reaches the start or end of the
/// recording, or digital silence, when that is within `edgeSeconds` more, so a file of one
/// utterance decodes whole.
///
/// Frames of exact digital silence (mean square below 1e-10, i.e. −100 dBFS, under one 16-bit
/// step) are never speech, are left out of the floor (otherwise zeros would pull it down to
/// −100 dB and all room noise would count as speech) and are never included in a piece: the
/// front end would see log-mel values far below any room the model was trained in.
public final class VoiceActivityDetector {
    public struct Options {
        public var onsetDecibels: Float = 12
        public var offsetDecibels: Float = 9
        public var hangoverSeconds = 0.1
        /// Pauses shorter than this do not end a piece (pauses between spelled letters).
        public var mergeGapSeconds = 0.5
        /// Pause kept on each side of a piece, at most half the pause, so a piece looks like a
        /// training utterance with its leading and trailing silence. Short, because a pause
        /// between utterances is not necessarily the utterance's own background (another
        /// microphone gain, a spliced-in noise): its frames shift the utterance mean the model
        /// normalizes by. Swept in models/README.md: 0.2 s is best with either pause kind.
        public var paddingSeconds = 0.2
        /// A piece whose padding ends closer than this to an edge, the start or end of the
        /// recording or digital silence, reaches it: a file's own lead-in and tail, which the
        /// model was trained with, are part of the utterance, however much zero padding or
        /// room around it.
        public var edgeSeconds = 1.0
        public var maxPieceSeconds = 12.0
        /// An over-long region is not split before this many seconds into it.
        public var minSplitSeconds = 4.0
        /// Regions with less than this much speech above the onset level are dropped (clicks).
        public var minSpeechSeconds = 0.2
        /// The floor is this percentile of the non-silent frames' log-energies…
        public var floorPercentile = 0.1
        /// …over this much audio before the frame and `floorLookaheadSeconds` after it (the
        /// lookahead gives a recording that starts with speech a floor, and is the latency).
        public var floorHistorySeconds = 7.0
        public var floorLookaheadSeconds = 3.0
        public init() {}
    }

    /// Samples `start..<end` of the stream, in the detector's sample rate.
    public struct Piece: Equatable {
        public var start: Int
        public var end: Int
        public init(start: Int, end: Int) { self.start = start; self.end = end }
    }

    public let options: Options
    public let sampleRate: Int
    private let hop: Int
    private static let silentDecibels: Float = -100

    private var partialSum: Double = 0, partialCount = 0
    private var totalSamples = 0
    /// Log-energy (dB) of frames `energyBase ..< energyBase + energy.count`.
    private var energy: [Float] = []
    private var energyBase = 0
    private var nextDecision = 0
    private var floor: Float = -100

    private var open: (start: Int, hardStart: Bool, lastActive: Int, onsetFrames: Int)?
    private var silentRun = 0
    private var pending: (start: Int, end: Int, hardStart: Bool, hardEnd: Bool)?
    private var previousPieceEnd = 0
    private var isFinished = false
    /// Pieces closed since the last `append`/`finish` returned.
    private var ready: [Piece] = []

    public init(sampleRate: Int, options: Options = Options()) {
        self.sampleRate = sampleRate
        self.options = options
        self.hop = max(1, sampleRate / 100)
    }

    private func frames(_ seconds: Double) -> Int { Int((seconds * Double(sampleRate) / Double(hop)).rounded()) }

    /// The first sample a piece still to come can start at: earlier samples may be discarded.
    public var retainedFrom: Int {
        var first = nextDecision
        if let open { first = min(first, open.start) }
        if let pending { first = min(first, pending.start) }
        return max(0, (first - frames(options.paddingSeconds + options.edgeSeconds)) * hop)
    }

    /// Feeds samples; returns the pieces they close.
    public func append(_ samples: [Float]) -> [Piece] {
        var index = 0
        while index < samples.count {
            let take = min(hop - partialCount, samples.count - index)
            for i in index..<(index + take) { partialSum += Double(samples[i] * samples[i]) }
            partialCount += take
            index += take
            if partialCount == hop { pushFrame() }
        }
        totalSamples += samples.count
        let lookahead = frames(options.floorLookaheadSeconds)
        while nextDecision + lookahead < frameCount { decide(nextDecision); nextDecision += 1 }
        trim()
        defer { ready = [] }
        return ready
    }

    /// Ends the stream; returns the pieces still open.
    public func finish() -> [Piece] {
        if partialCount > 0 { pushFrame() }
        isFinished = true
        while nextDecision < frameCount { decide(nextDecision); nextDecision += 1 }
        if let o = open { close(o, at: min(frameCount, activeEnd(o.lastActive)), hardEnd: false) }
        open = nil
        if let p = pending { emit(p, nextStart: nil) }
        pending = nil
        defer { ready = [] }
        return ready
    }

    private var frameCount: Int { energyBase + energy.count }

    private func pushFrame() {
        let meanSquare = partialSum / Double(max(1, partialCount))
        energy.append(Float(10 * log10(meanSquare + 1e-12)))
        partialSum = 0
        partialCount = 0
    }

    private func db(_ frame: Int) -> Float { energy[frame - energyBase] }
    private func isSilent(_ frame: Int) -> Bool { db(frame) < Self.silentDecibels }

    private func updateFloor(at t: Int) {
        let lo = max(energyBase, t - frames(options.floorHistorySeconds))
        let hi = min(frameCount, t + frames(options.floorLookaheadSeconds) + 1)
        var values = energy[(lo - energyBase)..<(hi - energyBase)].filter { $0 >= Self.silentDecibels }
        guard !values.isEmpty else { return }
        values.sort()
        floor = values[min(values.count - 1, Int(Double(values.count) * options.floorPercentile))]
    }

    /// One past the last frame a region ending in speech at `lastActive` covers: the hangover,
    /// cut short by digital silence.
    private func activeEnd(_ lastActive: Int) -> Int {
        var end = lastActive + 1
        let limit = min(frameCount, lastActive + 1 + frames(options.hangoverSeconds))
        while end < limit && !isSilent(end) { end += 1 }
        return end
    }

    private func decide(_ t: Int) {
        if t % 10 == 0 || t == 0 { updateFloor(at: t) }
        let e = db(t), silent = e < Self.silentDecibels
        let onset = !silent && e > floor + options.onsetDecibels
        let active = !silent && e > floor + options.offsetDecibels
        silentRun = silent ? silentRun + 1 : 0
        if var o = open {
            if active { o.lastActive = t }
            if onset { o.onsetFrames += 1 }
            open = o
            if t - o.lastActive > frames(options.mergeGapSeconds) || silentRun >= frames(0.1) {
                close(o, at: activeEnd(o.lastActive), hardEnd: false)
                open = nil
            } else if t + 1 - o.start >= frames(options.maxPieceSeconds) {
                let cut = quietestFrame(from: o.start + frames(options.minSplitSeconds), to: t - 10)
                close((o.start, o.hardStart, cut - 1, o.onsetFrames), at: cut, hardEnd: true)
                open = (cut, true, max(o.lastActive, cut), o.onsetFrames)
            }
        } else if onset {
            open = (t, false, t, 1)
        }
        if let p = pending {
            if let o = open, o.start >= p.end {
                emit(p, nextStart: o.hardStart ? nil : o.start)
                pending = nil
            } else if t >= p.end + max(2 * frames(options.paddingSeconds), frames(options.paddingSeconds + options.edgeSeconds)) {
                emit(p, nextStart: nil)
                pending = nil
            }
        }
    }

    /// The centre of the lowest-energy 100 ms window in `from..<to`.
    private func quietestFrame(from: Int, to: Int) -> Int {
        let window = 10
        guard to - from > window else { return max(from, to) }
        var best = from, bestSum = Float.infinity
        var sum: Float = 0
        for f in from..<(from + window) { sum += db(f) }
        for f in from...(to - window) {
            if sum < bestSum { bestSum = sum; best = f }
            if f + window < to { sum += db(f + window) - db(f) }
        }
        return best + window / 2
    }

    private func close(_ o: (start: Int, hardStart: Bool, lastActive: Int, onsetFrames: Int), at end: Int, hardEnd: Bool) {
        // A clip shorter than twice the minimum (a single digit cut tight) keeps its speech if
        // half of it is above the onset level.
        let required = min(frames(options.minSpeechSeconds), frameCount / 2)
        guard o.onsetFrames >= required || o.hardStart || hardEnd else { return }
        if let p = pending { emit(p, nextStart: o.start) }
        pending = (o.start, end, o.hardStart, hardEnd)
    }

    /// Widens a piece by the padding, or up to an edge (the recording's start or end, or digital
    /// silence) when one lies within `edgeSeconds` beyond the padding.
    private func emit(_ p: (start: Int, end: Int, hardStart: Bool, hardEnd: Bool), nextStart: Int?) {
        let pad = frames(options.paddingSeconds), edge = frames(options.edgeSeconds)
        var start = p.start, end = p.end
        if !p.hardStart {
            let floorFrame = max(previousPieceEnd, energyBase)
            let near = max(floorFrame, p.start - pad), far = max(floorFrame, p.start - pad - edge)
            while start > far && !isSilent(start - 1) { start -= 1 }
            let atEdge = start == 0 || (start > floorFrame && isSilent(start - 1))
            if !atEdge { start = max(start, near) }
        }
        if !p.hardEnd {
            var near = min(frameCount, p.end + pad), far = min(frameCount, p.end + pad + edge)
            if let next = nextStart { near = min(near, (p.end + next) / 2); far = min(far, (p.end + next) / 2) }
            while end < far && !isSilent(end) { end += 1 }
            let atEdge = (end < frameCount && isSilent(end)) || (end == frameCount && isFinished)
            if !atEdge { end = min(end, near) }
        }
        previousPieceEnd = end
        ready.append(Piece(start: start * hop, end: min(totalSamples, end * hop)))
    }

    private func trim() {
        var keep = nextDecision - frames(options.floorHistorySeconds)
        if let open { keep = min(keep, open.start) }
        if let pending { keep = min(keep, pending.start) }
        keep -= frames(options.paddingSeconds + options.edgeSeconds) + 1
        if keep - energyBase > 2_000 {
            energy.removeFirst(keep - energyBase)
            energyBase = keep
        }
    }
}
