import ArgumentParser
import Foundation
import LASKit

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model file for sharing: from a model or a training checkpoint, optionally in float16.",
        discussion: """
        Reads a model file or a checkpoint.safetensors (dropping the optimizer state), validates it, \
        and writes the model to OUTPUT atomically. --half-precision stores the weights as IEEE \
        float16, halving the file; las widens them back to float32 when loading.
        """)

    @Argument(help: ArgumentHelp("Model file or training checkpoint.", valueName: "INPUT")) var input: String
    @Argument(help: ArgumentHelp("Model file to write.", valueName: "OUTPUT")) var output: String
    @Flag(help: "Store weights as float16.") var halfPrecision = false

    func run() throws {
        do {
            let recognizer = try ModelFile.load(input)
            try ModelFile.save(recognizer, to: output, halfPrecision: halfPrecision)
            let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
            print(String(format: "%@: %d parameters, %.1f MB", output, recognizer.model.parameterCount, Double(size) / 1e6))
        } catch {
            Console.error("\(error)")
            throw ExitCode.failure
        }
    }
}
