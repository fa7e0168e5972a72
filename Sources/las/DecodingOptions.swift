import ArgumentParser
import Foundation
import LASKit

/// The options `transcribe` and `evaluate` share: which model, and how its beam search runs.
/// Parsed and validated here once, so both commands decode the same way for the same flags.
struct DecodingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Model file (a best.safetensors from las train; default: the bundled model, or $LAS_MODEL).",
                               valueName: "FILE"))
    var model: String?
    @Option(help: "Beam width (1 is greedy search).") var beam = 8
    @Option(help: "Weight of the CTC prefix score in joint CTC/attention decoding (models with a CTC head; 0: attention only).")
    var ctcWeight: Float = 0.5
    @Option(help: "Weight of the model's character language model in beam search (models that carry one, see `las lm`; 0: off).")
    var lmWeight: Float = 0
    @Option(help: "Threads for matrix products and reading audio.") var threads = 2

    func validate() throws {
        guard beam >= 1 else { throw ValidationError("--beam must be at least 1") }
        guard ctcWeight >= 0 && ctcWeight <= 1 else { throw ValidationError("--ctc-weight must be between 0 and 1") }
        guard lmWeight >= 0 && lmWeight <= 10 else { throw ValidationError("--lm-weight must be between 0 and 10") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    /// The model, with BLAS set to --threads.
    func loadRecognizer() throws -> Recognizer {
        let recognizer = try ModelLoading.load(model)
        BLASThreads.set(threads)
        return recognizer
    }

    /// The transcriber settings these flags choose; the rest keep their defaults.
    var transcriberOptions: Transcriber.Options {
        var options = Transcriber.Options()
        options.beamSize = beam
        options.ctcWeight = ctcWeight
        options.languageModelWeight = lmWeight
        return options
    }
}

/// Loads --model, or the default model, with an error that says which file and what to do.
enum ModelLoading {
    static func load(_ path: String?) throws -> Recognizer {
        let file = path ?? DefaultModel.path
        if path == nil && !FileManager.default.fileExists(atPath: file) {
            throw CommandError("\(file): the bundled model is missing; pass --model FILE (a best.safetensors from las train) or set LAS_MODEL")
        }
        return try ModelFile.load(file)
    }
}
