import Foundation

/// Edit-operation counts of one alignment, or summed over a corpus.
///
/// error rate = (S + D + I) / N, where N is the number of reference tokens
/// (words for WER, characters for CER). Corpus rates are computed from summed counts,
/// never by averaging per-utterance rates, as Kaldi's compute-wer, sclite and jiwer do.
public struct ErrorCounts: Hashable, Sendable {
    public var substitutions: Int
    public var deletions: Int
    public var insertions: Int
    /// N: tokens in the reference(s).
    public var referenceLength: Int

    public init(substitutions: Int = 0, deletions: Int = 0, insertions: Int = 0, referenceLength: Int = 0) {
        self.substitutions = substitutions
        self.deletions = deletions
        self.insertions = insertions
        self.referenceLength = referenceLength
    }

    public static let zero = ErrorCounts()

    /// S + D + I: the Levenshtein distance.
    public var errors: Int { substitutions + deletions + insertions }

    /// Reference tokens the hypothesis got right (N − S − D).
    public var correct: Int { referenceLength - substitutions - deletions }

    /// (S + D + I) / N. With an empty reference the rate is the number of errors (which are
    /// then all insertions): 0 for an empty hypothesis, 1 per inserted token otherwise.
    /// This is jiwer's convention; it keeps the rate finite and JSON-encodable.
    public var rate: Double {
        referenceLength == 0 ? Double(errors) : Double(errors) / Double(referenceLength)
    }

    public mutating func add(_ other: ErrorCounts) {
        substitutions += other.substitutions
        deletions += other.deletions
        insertions += other.insertions
        referenceLength += other.referenceLength
    }

    public static func + (lhs: ErrorCounts, rhs: ErrorCounts) -> ErrorCounts {
        var sum = lhs
        sum.add(rhs)
        return sum
    }

    public static func += (lhs: inout ErrorCounts, rhs: ErrorCounts) { lhs.add(rhs) }

    /// Kaldi compute-wer's summary line, e.g. `%WER 7.37 [ 57 / 773, 9 ins, 15 del, 33 sub ]`:
    /// the rate in percent with two decimals, errors / reference length, then I, D, S.
    /// `label` is the metric's name without the percent sign (`WER`, `CER`).
    public func kaldiSummary(label: String) -> String {
        let percent = String(format: "%.2f", 100 * rate)
        return "%\(label) \(percent) [ \(errors) / \(referenceLength), "
            + "\(insertions) ins, \(deletions) del, \(substitutions) sub ]"
    }
}

extension ErrorCounts: Codable {
    private enum CodingKeys: String, CodingKey {
        case substitutions, deletions, insertions, referenceLength, errors, rate
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(substitutions: try c.decode(Int.self, forKey: .substitutions),
                  deletions: try c.decode(Int.self, forKey: .deletions),
                  insertions: try c.decode(Int.self, forKey: .insertions),
                  referenceLength: try c.decode(Int.self, forKey: .referenceLength))
    }

    /// Encodes the derived `errors` and `rate` too, so JSON readers need not recompute them.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(substitutions, forKey: .substitutions)
        try c.encode(deletions, forKey: .deletions)
        try c.encode(insertions, forKey: .insertions)
        try c.encode(referenceLength, forKey: .referenceLength)
        try c.encode(errors, forKey: .errors)
        try c.encode(rate, forKey: .rate)
    }
}
