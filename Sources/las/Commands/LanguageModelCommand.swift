import ArgumentParser
import Foundation
import LASKit

struct LanguageModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lm",
        abstract: "Attach a character language model, estimated from transcripts, to a model file.",
        discussion: """
        Counts the character n-grams of the transcripts in DATA (a JSONL manifest or Kaldi data \
        folder as for `las train`; only the text is read, so the audio files need not exist), \
        normalized with the model's own text normalization, and writes MODEL with the n-gram \
        model (interpolated Witten-Bell smoothing) added to OUTPUT. Beam search then adds \
        --lm-weight times the language model's log-probability of each character (shallow fusion).

        Use the training transcripts, or more text from the same domain; never the transcripts \
        of the data you evaluate on.
        """)

    @Argument(help: ArgumentHelp("Text source: JSONL manifest or Kaldi data folder.", valueName: "DATA")) var data: String
    @Option(help: ArgumentHelp("Model file to add the language model to.", valueName: "FILE")) var model: String
    @Option(help: ArgumentHelp("Model file to write (atomically; may be MODEL itself).", valueName: "FILE")) var output: String
    @Option(help: "Characters of context plus one.") var order = 6
    @Flag(help: "Store weights as float16.") var halfPrecision = false

    func validate() throws {
        guard (1...12).contains(order) else { throw ValidationError("--order must be between 1 and 12") }
    }

    func run() throws {
        do {
            var recognizer = try ModelFile.load(model)
            let texts = try DataSet.load(data).utterances.map(\.text)
            guard !texts.isEmpty else { throw CommandError("\(data): no transcripts") }
            let lm = recognizer.languageModel(order: order, texts: texts)
            recognizer.languageModel = lm
            recognizer.notes["lm_text"] = data
            try ModelFile.save(recognizer, to: output, halfPrecision: halfPrecision)
            print("\(output): \(order)-gram character language model from \(texts.count) transcripts, \(lm.contextCount) contexts")
        } catch {
            Console.error("\(error)")
            throw ExitCode.failure
        }
    }
}
