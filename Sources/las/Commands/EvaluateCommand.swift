import ArgumentParser
import Foundation
import LASKit

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Transcribe a labeled data set and report word and character error rates.",
        discussion: """
        DATA is a JSONL manifest or a Kaldi data folder, as for `las train`. Every utterance is \
        transcribed with beam search and scored against its transcript after the model's text \
        normalization, with a Levenshtein alignment over words (WER) and characters (CER, \
        spaces included). Prints Kaldi-style lines such as

            %WER 7.41 [ 57 / 773, 9 ins, 15 del, 33 sub ]

        and the real-time factor (processing seconds per audio second, audio reading included).

        --json FILE writes one line per utterance: id, ref, hyp, wer and cer counts, the word \
        alignment, and "attention": meanEntropy (nats; mean over output characters and heads of \
        -sum_j a_j ln a_j, near 0 for a sharp alignment, ln(frames) for a uniform one) and \
        monotonicity (the share of consecutive characters whose attention peak does not move \
        backwards, per head; 1 for an alignment that moves through the audio).
        """)

    @Argument(help: ArgumentHelp("Labeled data: JSONL manifest or Kaldi data folder.", valueName: "DATA")) var data: String
    @OptionGroup var decoding: DecodingOptions
    @Option(help: ArgumentHelp("Write hypotheses as `id text` lines (Kaldi style) to FILE.", valueName: "FILE")) var output: String?
    @Option(help: ArgumentHelp("Write per-utterance JSON lines with the aligned reference and hypothesis and attention diagnostics to FILE.",
                               valueName: "FILE"))
    var json: String?

    func run() throws {
        do { try evaluate() } catch let e as ExitCode { throw e } catch {
            Console.error("\(error)")
            throw ExitCode.failure
        }
    }

    func evaluate() throws {
        let recognizer = try decoding.loadRecognizer()
        let set = try DataSet.load(data)
        let validation = try set.validate()
        for s in validation.skipped { Console.error("\(s)") }
        let utterances = validation.kept
        let transcriber = Transcriber(recognizer: recognizer, options: decoding.transcriberOptions)
        let start = Date()
        let results = transcriber.transcribe(files: utterances.map(\.audioPath), threads: decoding.threads)
        let elapsed = Date().timeIntervalSince(start)
        var scores: [UtteranceScore] = []
        var hypLines = "", jsonLines = "", audioSeconds = 0.0, failed = 0
        for (u, r) in zip(utterances, results) {
            let reference = recognizer.normalizer.normalize(u.text)
            let hypothesis: String
            var diagnostics: AttentionDiagnostics?
            switch r {
            case let .success(t):
                hypothesis = t.text; audioSeconds += t.duration
                diagnostics = AttentionDiagnostics(pieces: t.alignments.map(\.weights), heads: t.attentionHeads)
            case let .failure(e): Console.error("\(e)"); failed += 1; hypothesis = ""
            }
            let score = UtteranceScore(id: u.id, reference: reference, hypothesis: hypothesis)
            let w = score.words, c = score.characters
            scores.append(score)
            hypLines += "\(u.id) \(hypothesis)\n"
            struct Line: Encodable {
                var id: String, ref: String, hyp: String, wer: ErrorCounts, cer: ErrorCounts, alignment: [String]
                var attention: AttentionDiagnostics?
            }
            jsonLines += ((try? JSONLine.encode(Line(id: u.id, ref: reference, hyp: hypothesis, wer: w.counts, cer: c.counts,
                                                      alignment: w.rendered().lines, attention: diagnostics))) ?? "{}") + "\n"
        }
        let corpus = CorpusScore(scored: scores)
        print(corpus.wordCounts.kaldiSummary(label: "WER"))
        print(corpus.characterCounts.kaldiSummary(label: "CER"))
        print(String(format: "utterances %d, audio %.1f s, decoding %.1f s, real-time factor %.4f, beam %d",
                     utterances.count, audioSeconds, elapsed, audioSeconds > 0 ? elapsed / audioSeconds : 0, decoding.beam))
        if let output { try AtomicFile.write(Data(hypLines.utf8), to: output) }
        if let json { try AtomicFile.write(Data(jsonLines.utf8), to: json) }
        if failed > 0 {
            Console.error("\(failed) of \(utterances.count) utterances could not be read (scored as empty hypotheses)")
            throw ExitCode.failure
        }
    }
}
