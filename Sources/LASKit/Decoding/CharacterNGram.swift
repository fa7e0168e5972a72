/// A character n-gram language model with interpolated Witten-Bell smoothing (Witten and Bell
/// 1991; Chen and Goodman 1998, §2.6), over the recognizer's own token ids. Beam search adds
/// μ · log P_LM(next token | previous tokens) to each hypothesis ("shallow fusion", Gulcehre et
/// al. 2015; Kannan et al. 2018), so spellings the training text never shows ("ONTY", "TWEN")
/// lose to ones it does. It is estimated from transcripts, so it can learn from more text than
/// there is audio for.
///
///     P_k(w | h) = (c(h w) + T(h) · P_{k−1}(w | h′)) / (c(h) + T(h))
///
/// where h′ drops h's oldest token, c counts, T(h) is the number of distinct tokens seen after
/// h, and P_0 is uniform over every token but blank. A context never seen passes P_{k−1} on.
/// Sentences start with `order − 1` <sos> tokens and end with <eos> (both id 1).
public struct CharacterNGram: Equatable, Sendable {
    public let order: Int
    public let vocabularySize: Int
    /// Per context (0 to order − 1 tokens, oldest first): followers and their counts.
    var followers: [[Int32]: [Int32: Int32]]

    static let boundary = LASModel.eosID

    /// `sentences` are token ids without <sos>/<eos> (as `Vocabulary.encode` gives them).
    public init(order: Int, vocabularySize: Int, sentences: [[Int32]]) {
        precondition(order >= 1 && vocabularySize >= 3)
        self.order = order
        self.vocabularySize = vocabularySize
        followers = [:]
        for s in sentences {
            let padded = [Int32](repeating: Self.boundary, count: order - 1) + s + [Self.boundary]
            for i in (order - 1)..<padded.count {
                for k in 0..<order {
                    followers[Array(padded[(i - k)..<i]), default: [:]][padded[i], default: 0] += 1
                }
            }
        }
    }

    init(order: Int, vocabularySize: Int, followers: [[Int32]: [Int32: Int32]]) {
        self.order = order; self.vocabularySize = vocabularySize; self.followers = followers
    }

    /// Distinct contexts stored (all orders).
    public var contextCount: Int { followers.count }

    /// Writes log P(w | history) for every token id w into `out` (vocabularySize values; blank
    /// gets −∞). `history` is the hypothesis so far, without <sos>.
    public func logProbabilities(after history: ArraySlice<Int32>, into out: UnsafeMutablePointer<Float>) {
        let V = vocabularySize
        out[0] = 0
        for w in 1..<V { out[w] = 1 / Float(V - 1) }
        let needed = order - 1
        let tail = Array(history.suffix(needed))
        let context = [Int32](repeating: Self.boundary, count: needed - tail.count) + tail
        for k in 0..<order {
            guard let f = followers[Array(context[(needed - k)...])] else { break }   // longer ones are unseen too
            var total: Int32 = 0
            for c in f.values { total += c }
            let distinct = Float(f.count), denominator = Float(total) + distinct
            for w in 1..<V { out[w] *= distinct / denominator }
            for (w, c) in f where Int(w) < V { out[Int(w)] += Float(c) / denominator }
        }
        out[0] = -.infinity
        for w in 1..<V { out[w] = logf(out[w]) }
    }

    /// log P of a whole sentence including its <eos>, for tests and perplexity.
    public func logProbability(of sentence: [Int32]) -> Double {
        var sum = 0.0
        var row = [Float](repeating: 0, count: vocabularySize)
        for i in 0...sentence.count {
            row.withUnsafeMutableBufferPointer { logProbabilities(after: sentence[..<i], into: $0.baseAddress!) }
            sum += Double(row[Int(i < sentence.count ? sentence[i] : Self.boundary)])
        }
        return sum
    }
}

/// Stored in the model file as {"order": N, "vocabulary_size": V, "contexts": [[context...],
/// [follower, count, follower, count, ...]], ...]}: plain JSON, readable from Python.
extension CharacterNGram: Codable {
    enum CodingKeys: String, CodingKey { case order, vocabularySize = "vocabulary_size", contexts }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(order, forKey: .order)
        try c.encode(vocabularySize, forKey: .vocabularySize)
        var rows: [[Int32]] = []
        for (context, f) in followers.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            rows.append(context)
            rows.append(f.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] })
        }
        try c.encode(rows, forKey: .contexts)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let order = try c.decode(Int.self, forKey: .order)
        let V = try c.decode(Int.self, forKey: .vocabularySize)
        let rows = try c.decode([[Int32]].self, forKey: .contexts)
        func invalid(_ why: String) -> DecodingError {
            .dataCorruptedError(forKey: .contexts, in: c, debugDescription: why)
        }
        guard (1...12).contains(order), (3...100_000).contains(V) else { throw invalid("order \(order) or vocabulary size \(V) out of range") }
        guard rows.count % 2 == 0 else { throw invalid("contexts and followers must alternate") }
        var followers: [[Int32]: [Int32: Int32]] = [:]
        for i in stride(from: 0, to: rows.count, by: 2) {
            let context = rows[i], pairs = rows[i + 1]
            guard context.count < order, context.allSatisfy({ $0 >= 1 && Int($0) < V }),
                  pairs.count % 2 == 0, !pairs.isEmpty else { throw invalid("context \(i / 2) is malformed") }
            var f: [Int32: Int32] = [:]
            for j in stride(from: 0, to: pairs.count, by: 2) {
                guard pairs[j] >= 1, Int(pairs[j]) < V, pairs[j + 1] > 0 else { throw invalid("context \(i / 2) has a bad follower") }
                f[pairs[j]] = pairs[j + 1]
            }
            followers[context] = f
        }
        self.init(order: order, vocabularySize: V, followers: followers)
    }
}

#if canImport(Glibc)
import Glibc
#endif
