/// Batches of utterances of similar length, so little of each batch is padding: sort by
/// frame count, cut into runs of `batchSize`, and shuffle the order of the batches each epoch
/// with a generator seeded by (seed, epoch), so a resumed run sees the same order.
public struct LengthBatches {
    public let batches: [[Int]]

    public init(frames: [Int], batchSize: Int) {
        let order = frames.indices.sorted { frames[$0] != frames[$1] ? frames[$0] < frames[$1] : $0 < $1 }
        batches = stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min($0 + batchSize, order.count)]) }
    }

    public func order(epoch: Int, seed: UInt64) -> [[Int]] {
        var rng = SplitMix64(seed: seed &* 0x9E37_79B9 &+ UInt64(epoch) &* 0x85EB_CA6B &+ 1)
        var shuffled = batches
        // Fisher–Yates with our generator (Swift's shuffle(using:) may change between releases).
        if shuffled.count > 1 {
            for i in stride(from: shuffled.count - 1, to: 0, by: -1) {
                let j = Int(rng.next() % UInt64(i + 1))
                shuffled.swapAt(i, j)
            }
        }
        return shuffled
    }
}
