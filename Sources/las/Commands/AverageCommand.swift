import ArgumentParser
import Foundation
import LASKit

struct AverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "average",
        abstract: "Average the weights of several models from one training run into one model.",
        discussion: """
        MODEL files are model files or checkpoints of the same run, typically the last few \
        epoch-NNN.safetensors that `las train` keeps (--keep-epochs). Their weights are averaged \
        element by element; the result often scores better than any single epoch. Score it on \
        your dev set with `las evaluate --model OUTPUT` before using it.

        Example: las average run/epoch-02[6-9].safetensors run/epoch-030.safetensors --output run/averaged.safetensors
        """)

    @Argument(help: ArgumentHelp("Model files or checkpoints of one training run.", valueName: "MODEL"))
    var models: [String]
    @Option(help: ArgumentHelp("Model file to write (atomically).", valueName: "FILE")) var output: String
    @Flag(help: "Store weights as float16.") var halfPrecision = false

    func validate() throws {
        if models.count < 2 { throw ValidationError("give at least two models to average") }
    }

    func run() throws {
        do {
            let loaded = try models.map { (path: $0, recognizer: try ModelFile.load($0)) }
            let average = try ModelAverage.average(loaded)
            try ModelFile.save(average, to: output, halfPrecision: halfPrecision)
            let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
            print(String(format: "%@: mean of %d models, %d parameters, %.1f MB", output, models.count,
                         average.model.parameterCount, Double(size) / 1e6))
        } catch {
            Console.error("\(error)")
            throw ExitCode.failure
        }
    }
}
