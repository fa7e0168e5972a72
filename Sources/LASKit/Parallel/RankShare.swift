/// The part of each global batch that one rank computes. Every rank sees the same global
/// batch (the same seed gives every rank the same length-bucketed order) and takes one
/// contiguous run of it: `count · rank / ranks ..< count · (rank + 1) / ranks`. The runs of
/// all ranks tile the batch exactly once, in order, and differ in size by at most one, so the
/// ranks' work stays balanced; with fewer utterances than ranks some runs are empty.
public struct RankShare: Equatable, Sendable {
    public let rank: Int
    public let ranks: Int

    public init(rank: Int, ranks: Int) {
        precondition(ranks > 0 && rank >= 0 && rank < ranks, "rank \(rank) of \(ranks)")
        self.rank = rank; self.ranks = ranks
    }

    /// Positions in a batch of `count` that this rank computes.
    public func positions(count: Int) -> Range<Int> {
        (count * rank / ranks)..<(count * (rank + 1) / ranks)
    }

    /// Whether item `index` of a list dealt out round-robin (such as dev batches) is this rank's.
    public func owns(_ index: Int) -> Bool { index % ranks == rank }
}
