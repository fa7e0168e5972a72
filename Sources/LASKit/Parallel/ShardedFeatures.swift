/// Training features of data-parallel training, each rank computing those of its own
/// utterances only. Length-bucketed batches keep their members from epoch to epoch (only their
/// order is shuffled), so the `RankShare`s of all batches split the data set into one part per
/// rank; but the batches follow from every utterance's frame count, known only once its audio
/// is read. So in a first pass each rank featurizes every `size`-th utterance, and one sum
/// tells every rank all frame counts, which utterances failed, and the CMVN sums; a second
/// pass featurizes the utterances of the rank's part that the first pass left to another
/// rank, and the rest become frame-count placeholders (`LabeledExample.placeholder`).
/// Per rank that is about 2/size − 1/size² of the single-process work (0.75 at 2 ranks).
public enum ShardedFeatures {
    public struct Result {
        /// Every usable utterance, in data-set order as `LabeledFeatures.compute` gives them:
        /// features for this rank's part, placeholders for the others' (none in a group of one).
        public var examples: [LabeledExample]
        /// What this rank failed to read (the other ranks report theirs).
        public var failures: [LabeledFeatures.Failure]
        /// How many utterances failed on any rank.
        public var failureCount: Int
        /// CMVN sums over every usable utterance's original-speed features.
        public var statistics: CMVNAccumulator
    }

    /// `featurize` computes examples of a list of utterances (LabeledFeatures.compute with
    /// the run's settings); `accumulate` adds examples to CMVN sums.
    public static func compute(_ utterances: [Utterance], batchSize: Int, bins: Int, group: ProcessGroup,
                               featurize: ([Utterance]) throws -> (examples: [LabeledExample], failures: [LabeledFeatures.Failure]),
                               accumulate: (inout CMVNAccumulator, [LabeledExample]) throws -> Void) throws -> Result {
        let n = utterances.count
        let first = Array(stride(from: group.rank, to: n, by: group.size))
        let (computed, failures) = try featurize(first.map { utterances[$0] })
        var statistics = CMVNAccumulator(bins: bins)
        try accumulate(&statistics, computed)
        guard group.size > 1 else {
            return Result(examples: computed, failures: failures, failureCount: failures.count, statistics: statistics)
        }
        // One sum: frames per utterance (0 where another rank read it), failure flags, CMVN sums.
        // `computed` lists the readable ones of `first` in order.
        var byIndex = [Int: LabeledExample](), k = 0
        for i in first where k < computed.count && computed[k].utterance == utterances[i] { byIndex[i] = computed[k]; k += 1 }
        var sums = [Double](repeating: 0, count: 2 * n + 2 * bins + 1)
        for i in first {
            if let e = byIndex[i] { sums[i] = Double(e.frames) } else { sums[n + i] = 1 }
        }
        for b in 0..<bins { sums[2 * n + b] = statistics.sum[b]; sums[2 * n + bins + b] = statistics.sumOfSquares[b] }
        sums[2 * n + 2 * bins] = Double(statistics.frames)
        try group.sum(&sums, what: "the feature counts' sum")
        let usable = (0..<n).filter { sums[n + $0] == 0 }
        let frames = usable.map { Int(sums[$0]) }
        // This rank's part: its share of every batch, as the trainer will cut them.
        var mine = Set<Int>()
        for batch in LengthBatches(frames: frames, batchSize: batchSize).batches {
            for p in group.share.positions(count: batch.count) { mine.insert(usable[batch[p]]) }
        }
        let missing = usable.filter { mine.contains($0) && byIndex[$0] == nil }
        let (second, secondFailures) = try featurize(missing.map { utterances[$0] })
        if let f = secondFailures.first {
            throw ShardedFeaturesError.unreadableHere(f)
        }
        for (i, e) in zip(missing, second) { byIndex[i] = e }
        let examples = zip(usable, frames).map { i, f in
            mine.contains(i) ? byIndex[i]! : LabeledExample.placeholder(utterance: utterances[i], frames: f)
        }
        return Result(examples: examples, failures: failures, failureCount: n - usable.count,
                      statistics: try CMVNAccumulator(bins: bins, frames: Int(sums[2 * n + 2 * bins]),
                                                      sum: Array(sums[(2 * n)..<(2 * n + bins)]),
                                                      sumOfSquares: Array(sums[(2 * n + bins)..<(2 * n + 2 * bins)])))
    }
}

public enum ShardedFeaturesError: Error, CustomStringConvertible {
    case unreadableHere(LabeledFeatures.Failure)

    public var description: String {
        switch self {
        case let .unreadableHere(f):
            return "\(f) (another rank read it: every machine must see the same audio files)"
        }
    }
}
