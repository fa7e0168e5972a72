/// Greedy decoding: at each step every utterance takes its most probable next character,
/// until all have produced <eos> or `maxLength` steps have run. Batched across utterances.
public enum GreedyDecoder {
    public struct Hypothesis: Equatable {
        public var tokens: [Int32]
        /// Σ log p of the chosen tokens, <eos> included when it was reached.
        public var logProbability: Float
        /// α per output token (including <eos>), each [heads, frames of the utterance] (head-major).
        public var alignment: [[Float]]
    }

    /// Decodes every utterance of `memory`. maxLength defaults to 2 × encoder frames + 10: two characters per 40 ms encoder frame is faster than anyone speaks.
    public static func decode(speller: Speller, memory: AttentionMemory, maxLength: Int? = nil,
                              keepAlignment: Bool = false, threads: Int = 2) -> [Hypothesis] {
        BLASThreads.single { search(speller: speller, memory: memory, maxLength: maxLength, keepAlignment: keepAlignment, threads: threads) }
    }

    static func search(speller: Speller, memory: AttentionMemory, maxLength: Int?, keepAlignment: Bool, threads: Int) -> [Hypothesis] {
        let U = memory.utterances, V = speller.vocabularySize
        let decoder = SpellerDecoder(speller: speller, memory: memory, rowUtterance: Array(0..<U), threads: threads)
        var hyps = [Hypothesis](repeating: Hypothesis(tokens: [], logProbability: 0, alignment: []), count: U)
        var done = [Bool](repeating: false, count: U)
        var tokens = [Int32](repeating: LASModel.sosID, count: U)
        let limit = maxLength ?? (2 * memory.lengths.max()! + 10)
        for _ in 0..<limit {
            decoder.step(tokens)
            do { let lp = decoder.logProbabilities
                for u in 0..<U where !done[u] {
                    let row = lp.baseAddress! + u * V
                    var best = 1
                    for k in 2..<V where row[k] > row[best] { best = k }   // never the blank/pad id 0
                    hyps[u].logProbability += row[best]
                    if keepAlignment { hyps[u].alignment.append(decoder.alignment(row: u)) }
                    if Int32(best) == LASModel.eosID { done[u] = true } else { hyps[u].tokens.append(Int32(best)) }
                    tokens[u] = Int32(best)
                }
            }
            if done.allSatisfy({ $0 }) { break }
        }
        return hyps
    }
}
