import Foundation

/// Word and character alignments of one utterance's hypothesis against its reference.
public struct UtteranceScore: Hashable {
    public var id: String
    /// Reference text as scored.
    public var reference: String
    /// Hypothesis text as scored; nil when the hypothesis file has no line for this id,
    /// which is scored as an empty hypothesis (every reference token deleted).
    public var hypothesis: String?
    public var words: LevenshteinAlignment<String>
    public var characters: LevenshteinAlignment<Character>

    public init(id: String, reference: String, hypothesis: String?) {
        self.id = id
        self.reference = reference
        self.hypothesis = hypothesis
        words = wordAlignment(reference: reference, hypothesis: hypothesis ?? "")
        characters = characterAlignment(reference: reference, hypothesis: hypothesis ?? "")
    }
}

/// A corpus scored utterance by utterance, with the totals every report prints: `las wer`
/// (two Kaldi text files), `las evaluate` and the trainer's dev scoring all score through it.
public struct CorpusScore {
    /// In reference order, one per reference utterance.
    public var utterances: [UtteranceScore]
    /// Reference ids with no hypothesis line (scored as empty hypotheses), in reference order.
    public var missingHypothesisIDs: [String]
    /// Hypothesis ids with no reference line (not scored), in hypothesis order.
    public var unmatchedHypothesisIDs: [String]
    public var wordCounts: ErrorCounts
    public var characterCounts: ErrorCounts
    /// Utterances with at least one word error (Kaldi's %SER numerator).
    public var utterancesWithErrors: Int

    /// The totals of `utterances`, already paired with their hypotheses.
    public init(scored utterances: [UtteranceScore], missingHypothesisIDs: [String] = [],
                unmatchedHypothesisIDs: [String] = []) {
        self.utterances = utterances
        self.missingHypothesisIDs = missingHypothesisIDs
        self.unmatchedHypothesisIDs = unmatchedHypothesisIDs
        wordCounts = utterances.reduce(.zero) { $0 + $1.words.counts }
        characterCounts = utterances.reduce(.zero) { $0 + $1.characters.counts }
        utterancesWithErrors = utterances.filter { $0.words.counts.errors > 0 }.count
    }

    /// Scores `hypotheses` against `references`, matched by id, passing each text through
    /// `prepare` first (e.g. `prepareForScoring`).
    public init(references: [KaldiTextEntry], hypotheses: [KaldiTextEntry],
                prepare: (String) -> String = { $0 }) {
        var hypothesisByID: [String: String] = [:]
        for entry in hypotheses { hypothesisByID[entry.id] = entry.text }
        let referenceIDs = Set(references.map(\.id))
        self.init(scored: references.map { entry in
                      UtteranceScore(id: entry.id, reference: prepare(entry.text),
                                     hypothesis: hypothesisByID[entry.id].map(prepare))
                  },
                  missingHypothesisIDs: references.filter { hypothesisByID[$0.id] == nil }.map(\.id),
                  unmatchedHypothesisIDs: hypotheses.filter { !referenceIDs.contains($0.id) }.map(\.id))
    }

    /// Kaldi's `%SER 40.00 [ 2 / 5 ]`: utterances with any word error over utterances scored.
    public var sentenceErrorSummary: String {
        let percent = utterances.isEmpty ? 0 : 100 * Double(utterancesWithErrors) / Double(utterances.count)
        return "%SER \(String(format: "%.2f", percent)) [ \(utterancesWithErrors) / \(utterances.count) ]"
    }
}
