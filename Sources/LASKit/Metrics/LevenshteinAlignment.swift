/// What an alignment step does to a reference token.
public enum EditOperation: String, Hashable, Sendable, Codable, CaseIterable {
    /// Reference and hypothesis tokens are equal.
    case correct
    /// The hypothesis has a different token in the reference token's place.
    case substitution
    /// The hypothesis has a token the reference does not (no reference token).
    case insertion
    /// The hypothesis lacks a reference token (no hypothesis token).
    case deletion
}

/// One column of an alignment: an operation and the tokens it pairs.
public struct AlignedToken<Token: Equatable>: Equatable {
    public var operation: EditOperation
    /// nil for an insertion.
    public var reference: Token?
    /// nil for a deletion.
    public var hypothesis: Token?

    public init(operation: EditOperation, reference: Token?, hypothesis: Token?) {
        self.operation = operation
        self.reference = reference
        self.hypothesis = hypothesis
    }
}

extension AlignedToken: Hashable where Token: Hashable {}

extension AlignedToken: Encodable where Token: Encodable {
    private enum CodingKeys: String, CodingKey { case operation = "op", reference = "ref", hypothesis = "hyp" }

    /// `{"op": "substitution", "ref": "CAT", "hyp": "CUT"}`; a missing side is `null`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(operation, forKey: .operation)
        try c.encode(reference, forKey: .reference)
        try c.encode(hypothesis, forKey: .hypothesis)
    }
}

/// A minimum-edit-distance (Levenshtein, unit costs) alignment of a hypothesis token sequence
/// against a reference, with its operation counts.
///
/// The distance S + D + I is unique; which minimal alignment is reported (and so the split into
/// S, D and I) is a matter of tie-breaking. This one reproduces jiwer 4 exactly, which takes
/// rapidfuzz's `Levenshtein.opcodes` (Hyyrö 2004, "A Note on Bit-Parallel Alignment Computation"):
/// 1. the common prefix and suffix are matched first and left out of the matrix;
/// 2. the backtrace from the bottom-right corner of D (D[i][j]: distance between the first i
///    reference and first j hypothesis tokens of the middle part), at each cell, takes
///    - a deletion of ref[i-1] when D[i][j] = D[i-1][j] + 1; otherwise it steps to column j-1 and takes
///    - an insertion of hyp[j-1] when j-1 > 0 and D[i][j-1] = D[i-1][j-1] − 1; otherwise
///    - the diagonal: ref[i-1] against hyp[j-1], correct or a substitution;
///    and leftover tokens on one side are insertions (at the start) or deletions.
/// It mostly favours substitutions over a deletion+insertion pair ("a b" against "b c" is two
/// substitutions), but not always: "abcabc" against "cbacba" gives S 2, D 1, I 1, where a
/// diagonal-first backtrace (Kaldi's compute-wer, sclite) gives S 4. Same total, different split;
/// on the jiwer fixture (tools/make_jiwer_fixtures.py) diagonal-first disagrees with jiwer's split on
/// 15 of 305 word-level and 29 character-level pairs, this code on none.
///
/// Cost: O(n·m) time and (n+1)(m+1) 32-bit cells of memory for the part left after the common
/// prefix and suffix (a 10,000-character pair with nothing in common needs 400 MB).
public struct LevenshteinAlignment<Token: Equatable> {
    public let reference: [Token]
    public let hypothesis: [Token]
    /// Steps in order; reference tokens of non-insertions spell `reference`, hypothesis tokens of
    /// non-deletions spell `hypothesis`.
    public let steps: [AlignedToken<Token>]
    public let counts: ErrorCounts

    public init(reference: [Token], hypothesis: [Token]) {
        self.reference = reference
        self.hypothesis = hypothesis
        steps = Self.align(reference, hypothesis)
        var counts = ErrorCounts(referenceLength: reference.count)
        for step in steps {
            switch step.operation {
            case .correct: break
            case .substitution: counts.substitutions += 1
            case .insertion: counts.insertions += 1
            case .deletion: counts.deletions += 1
            }
        }
        self.counts = counts
    }

    private static func align(_ ref: [Token], _ hyp: [Token]) -> [AlignedToken<Token>] {
        var prefix = 0
        while prefix < ref.count, prefix < hyp.count, ref[prefix] == hyp[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < ref.count - prefix, suffix < hyp.count - prefix,
              ref[ref.count - 1 - suffix] == hyp[hyp.count - 1 - suffix] { suffix += 1 }
        let n = ref.count - prefix - suffix, m = hyp.count - prefix - suffix
        let r = ref[prefix..<(prefix + n)], h = hyp[prefix..<(prefix + m)]
        let r0 = r.startIndex, h0 = h.startIndex

        // D row-major: D[i * (m + 1) + j]; Int32 halves the matrix for long character sequences.
        let width = m + 1
        var distance = [Int32](repeating: 0, count: (n + 1) * width)
        distance.withUnsafeMutableBufferPointer { d in
            for j in 0...m { d[j] = Int32(j) }
            for i in stride(from: 1, through: n, by: 1) {
                let row = i * width, above = row - width
                d[row] = Int32(i)
                let token = r[r0 + i - 1]
                for j in stride(from: 1, through: m, by: 1) {
                    let diagonal = d[above + j - 1] + (token == h[h0 + j - 1] ? 0 : 1)
                    d[row + j] = min(diagonal, min(d[above + j], d[row + j - 1]) + 1)
                }
            }
        }

        var middle: [AlignedToken<Token>] = []
        middle.reserveCapacity(n + m)
        distance.withUnsafeBufferPointer { d in
            var i = n, j = m
            while i > 0, j > 0 {
                if d[i * width + j] == d[(i - 1) * width + j] + 1 {
                    i -= 1
                    middle.append(AlignedToken(operation: .deletion, reference: r[r0 + i], hypothesis: nil))
                    continue
                }
                j -= 1
                if j > 0, d[i * width + j] == d[(i - 1) * width + j] - 1 {
                    middle.append(AlignedToken(operation: .insertion, reference: nil, hypothesis: h[h0 + j]))
                    continue
                }
                i -= 1
                let a = r[r0 + i], b = h[h0 + j]
                middle.append(AlignedToken(operation: a == b ? .correct : .substitution, reference: a, hypothesis: b))
            }
            while i > 0 {
                i -= 1
                middle.append(AlignedToken(operation: .deletion, reference: r[r0 + i], hypothesis: nil))
            }
            while j > 0 {
                j -= 1
                middle.append(AlignedToken(operation: .insertion, reference: nil, hypothesis: h[h0 + j]))
            }
        }

        var steps: [AlignedToken<Token>] = []
        steps.reserveCapacity(prefix + middle.count + suffix)
        for k in 0..<prefix { steps.append(AlignedToken(operation: .correct, reference: ref[k], hypothesis: hyp[k])) }
        steps.append(contentsOf: middle.reversed())
        for k in 0..<suffix {
            steps.append(AlignedToken(operation: .correct, reference: ref[prefix + n + k], hypothesis: hyp[prefix + m + k]))
        }
        return steps
    }
}

extension LevenshteinAlignment: Equatable {}
extension LevenshteinAlignment: Hashable where Token: Hashable {}
