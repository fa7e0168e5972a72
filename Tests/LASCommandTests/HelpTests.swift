import XCTest

final class HelpTests: XCTestCase {
    func testHelpListsSubcommandsAndExitsZero() throws {
        let result = try LASProcess.run(["--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("USAGE: las <subcommand>"), result.stdout)
        XCTAssertTrue(result.stdout.contains("bench"), result.stdout)
    }

    func testUnknownSubcommandFailsWithNonZeroStatus() throws {
        let result = try LASProcess.run(["no-such-command"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertFalse(result.stderr.isEmpty)
    }

    /// transcribe and evaluate parse their model and search options as one group: the same
    /// flags, the same help lines, the same one-line refusal of an unusable value.
    func testTranscribeAndEvaluateShareTheirDecodingOptions() throws {
        let transcribe = try LASProcess.run(["transcribe", "--help"]).stdout
        let evaluate = try LASProcess.run(["evaluate", "--help"]).stdout
        let groupLines = { (help: String) in
            help.split(separator: "\n").filter { line in
                ["--model", "--beam", "--ctc-weight", "--lm-weight", "--threads"].contains { line.hasPrefix("  " + $0 + " <") }
            }
        }
        XCTAssertEqual(groupLines(transcribe).count, 5, transcribe)
        XCTAssertEqual(groupLines(transcribe), groupLines(evaluate))
        for (command, argument) in [("transcribe", "a.wav"), ("evaluate", "data.jsonl")] {
            for (flag, value, message) in [("--beam", "0", "--beam must be at least 1"),
                                           ("--ctc-weight", "1.5", "--ctc-weight must be between 0 and 1"),
                                           ("--threads", "0", "--threads must be at least 1")] {
                let result = try LASProcess.run([command, argument, flag, value])
                XCTAssertNotEqual(result.status, 0)
                XCTAssertTrue(result.stderr.hasPrefix("Error: \(message)\n"), "\(command) \(flag) \(value): \(result.stderr)")
            }
        }
    }

    /// The whole manual page of one command, as swift-argument-parser's own tests check theirs:
    /// a changed option, default or wording shows up here first.
    func testWerHelpIsTheFullManualPage() throws {
        let result = try LASProcess.run(["wer", "--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, """
        OVERVIEW: Score transcripts against references: word and character error rates.

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

        USAGE: las wer <reference> <hypothesis> [--json] [--alignments]

        ARGUMENTS:
          <reference>             Reference transcripts (Kaldi text file).
          <hypothesis>            Recognized transcripts to score (Kaldi text file).

        OPTIONS:
          --json                  Print one JSON object per utterance, then a summary
                                  object, instead of the summary lines.
          --alignments            Print each utterance's REF/HYP/EVAL word alignment
                                  before the summary lines.
          --version               Show the version.
          -h, --help              Show help information.


        """)
    }
}
