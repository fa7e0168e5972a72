/// An alignment laid out for reading, in sclite's style (its `pra` report):
///
///     REF:  the cat SAT on *** mat
///     HYP:  the cat SIT on THE mat
///     EVAL:         S      I
///
/// One column per step, as wide as its wider token; correct tokens in lowercase, errors in
/// uppercase, gaps as asterisks filling the column, and S / D / I under each error.
/// Widths count `Character`s, so wide (e.g. CJK) characters may misalign on a terminal.
public struct AlignmentRendering: Hashable, Sendable, Codable {
    /// `REF:  ...`
    public var reference: String
    /// `HYP:  ...`
    public var hypothesis: String
    /// `EVAL: ...`, the operation letters, blank under correct tokens.
    public var evaluation: String

    public var lines: [String] { [reference, hypothesis, evaluation] }

    public init(reference: String, hypothesis: String, evaluation: String) {
        self.reference = reference
        self.hypothesis = hypothesis
        self.evaluation = evaluation
    }
}

extension LevenshteinAlignment {
    /// Renders the alignment; `text` spells a token (e.g. show a space character as `_`).
    public func rendered(_ text: (Token) -> String) -> AlignmentRendering {
        var refColumns: [String] = [], hypColumns: [String] = [], evalColumns: [String] = []
        for step in steps {
            let isCorrect = step.operation == .correct
            func spell(_ token: Token?) -> String? {
                token.map { isCorrect ? text($0).lowercased() : text($0).uppercased() }
            }
            let ref = spell(step.reference), hyp = spell(step.hypothesis)
            let width = max(ref?.count ?? 0, hyp?.count ?? 0, 1)
            func column(_ s: String?) -> String {
                guard let s else { return String(repeating: "*", count: width) }
                return s + String(repeating: " ", count: width - s.count)
            }
            refColumns.append(column(ref))
            hypColumns.append(column(hyp))
            let mark: String
            switch step.operation {
            case .correct: mark = ""
            case .substitution: mark = "S"
            case .insertion: mark = "I"
            case .deletion: mark = "D"
            }
            evalColumns.append(mark + String(repeating: " ", count: width - mark.count))
        }
        func line(_ label: String, _ columns: [String]) -> String {
            let joined = ([label] + columns).joined(separator: " ")
            guard let end = joined.lastIndex(where: { $0 != " " }) else { return "" }
            return String(joined[...end])
        }
        return AlignmentRendering(reference: line("REF: ", refColumns),
                                  hypothesis: line("HYP: ", hypColumns),
                                  evaluation: line("EVAL:", evalColumns))
    }
}

extension LevenshteinAlignment where Token: CustomStringConvertible {
    /// Renders the alignment with each token's `description`.
    public func rendered() -> AlignmentRendering { rendered { $0.description } }
}
