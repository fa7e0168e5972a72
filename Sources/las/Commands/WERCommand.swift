import ArgumentParser
import Foundation
import LASKit

struct WERCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wer",
        abstract: "Score transcripts against references: word and character error rates.",
        discussion: """
        Reads two Kaldi-style text files, one utterance per line: the utterance id,
        whitespace, then the transcript (which may be empty):

          an4-fash-b-cen1 ENTER SIX TWO FOUR
          an4-fash-b-cen2 RUBOUT G M E F THREE NINE

        Utterances are matched by id and scored in the reference file's order.

        SCORING
        Both texts are uppercased and each run of whitespace becomes one space;
        nothing else is changed (punctuation, numbers and spellings count as
        written). Each hypothesis is aligned to its reference with the fewest
        substitutions S, deletions D and insertions I (ties broken as jiwer does):
          WER = (S + D + I) / N, N = number of reference words;
          CER = the same over characters, counting the spaces between words.
        Rates are over the whole corpus, from counts summed over utterances.
        An utterance with an empty reference scores each insertion as 100%.

        A reference id with no line in the hypothesis file is scored as an empty
        hypothesis: all of its reference words are deletions. Such ids are listed
        on stderr. Ids found only in the hypothesis file are not scored; a warning
        lists them.

        OUTPUT
        Kaldi compute-wer's summary lines:
          %WER 7.37 [ 57 / 773, 9 ins, 15 del, 33 sub ]
          %CER 3.02 [ 121 / 4012, 30 ins, 41 del, 50 sub ]
          %SER 44.00 [ 11 / 25 ]   (utterances with any word error)
          Scored 25 utterances, 0 not present in hyp.
        --alignments first prints each utterance's word alignment in sclite's
        style: REF and HYP lines with errors in uppercase and asterisks (***) for
        gaps, and an EVAL line marking S, D and I.
        --json prints JSON Lines instead: one object per utterance
          {"id", "ref", "hyp" (null when missing), "wer", "cer", "alignment"}
        where "wer" and "cer" hold substitutions, deletions, insertions,
        referenceLength, errors and rate, and "alignment" is the word alignment as
        [{"op": "correct"|"substitution"|"insertion"|"deletion", "ref", "hyp"}];
        then one {"summary": {...}} object with the corpus counts.

        EXIT STATUS
        0 when both files were read and scored (missing hypotheses included);
        1 when a file is missing, unreadable or has a malformed line (the message
        names file:line); 64 for a usage error.

        EXAMPLES
          las wer data/test/text decode/hyp.txt
          las wer --alignments ref.txt hyp.txt | less
          las wer --json ref.txt hyp.txt | jq -c 'select(.id) | [.id, .wer.rate]'
        """
    )

    @Argument(help: ArgumentHelp("Reference transcripts (Kaldi text file).", valueName: "reference"))
    var referencePath: String

    @Argument(help: ArgumentHelp("Recognized transcripts to score (Kaldi text file).", valueName: "hypothesis"))
    var hypothesisPath: String

    @Flag(help: "Print one JSON object per utterance, then a summary object, instead of the summary lines.")
    var json = false

    @Flag(help: "Print each utterance's REF/HYP/EVAL word alignment before the summary lines.")
    var alignments = false

    /// How many ids a missing/ignored message lists before "and N more".
    static let listedIDLimit = 10

    mutating func run() throws {
        // Read both files before giving up, so one run reports every broken input.
        var references: [KaldiTextEntry]?, hypotheses: [KaldiTextEntry]?
        do { references = try KaldiText.read(path: referencePath) } catch { Console.error("\(error)") }
        do { hypotheses = try KaldiText.read(path: hypothesisPath) } catch { Console.error("\(error)") }
        guard let references, let hypotheses else { throw ExitCode.failure }

        let score = CorpusScore(references: references, hypotheses: hypotheses, prepare: prepareForScoring)
        if !score.missingHypothesisIDs.isEmpty {
            let ids = score.missingHypothesisIDs
            Console.error("\(hypothesisPath): missing \(Self.utterances(ids.count)) present in "
                       + "\(referencePath) (scored as deletions): \(Self.list(ids))")
        }
        if !score.unmatchedHypothesisIDs.isEmpty {
            let ids = score.unmatchedHypothesisIDs
            Console.error("warning: \(hypothesisPath): ignoring \(Self.utterances(ids.count)) not in "
                       + "\(referencePath): \(Self.list(ids))")
        }

        if json {
            try printJSONLines(score)
            return
        }
        if alignments {
            for utterance in score.utterances {
                print("ID:   \(utterance.id)")
                utterance.words.rendered().lines.forEach { print($0) }
                print()
            }
        }
        print(score.wordCounts.kaldiSummary(label: "WER"))
        print(score.characterCounts.kaldiSummary(label: "CER"))
        print(score.sentenceErrorSummary)
        print("Scored \(Self.utterances(score.utterances.count)), "
              + "\(score.missingHypothesisIDs.count) not present in hyp.")
    }

    private func printJSONLines(_ score: CorpusScore) throws {
        func emit<T: Encodable>(_ value: T) throws { print(try JSONLine.encode(value)) }
        for utterance in score.utterances {
            try emit(UtteranceRecord(id: utterance.id, ref: utterance.reference, hyp: utterance.hypothesis,
                                     wer: utterance.words.counts, cer: utterance.characters.counts,
                                     alignment: utterance.words.steps))
        }
        try emit(["summary": SummaryRecord(utterances: score.utterances.count,
                                           utterancesWithErrors: score.utterancesWithErrors,
                                           missingHypotheses: score.missingHypothesisIDs,
                                           ignoredHypotheses: score.unmatchedHypothesisIDs,
                                           wer: score.wordCounts, cer: score.characterCounts)])
    }

    private struct UtteranceRecord: Encodable {
        var id: String, ref: String, hyp: String?
        var wer: ErrorCounts, cer: ErrorCounts
        var alignment: [AlignedToken<String>]

        private enum CodingKeys: String, CodingKey { case id, ref, hyp, wer, cer, alignment }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(ref, forKey: .ref)
            try c.encode(hyp, forKey: .hyp)  // null, not absent, when missing
            try c.encode(wer, forKey: .wer)
            try c.encode(cer, forKey: .cer)
            try c.encode(alignment, forKey: .alignment)
        }
    }

    private struct SummaryRecord: Encodable {
        var utterances: Int, utterancesWithErrors: Int
        var missingHypotheses: [String], ignoredHypotheses: [String]
        var wer: ErrorCounts, cer: ErrorCounts
    }

    private static func utterances(_ count: Int) -> String {
        count == 1 ? "1 utterance" : "\(count) utterances"
    }

    private static func list(_ ids: [String]) -> String {
        let shown = ids.prefix(listedIDLimit).joined(separator: " ")
        return ids.count > listedIDLimit ? "\(shown) ... (\(ids.count - listedIDLimit) more)" : shown
    }
}

