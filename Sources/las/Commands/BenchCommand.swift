import ArgumentParser
import LASKit

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed; each benchmark prints one JSON line.",
        subcommands: [
            BenchFeaturesCommand.self,
            BenchTrainStepCommand.self,
            BenchDecodeCommand.self,
            BenchAllreduceCommand.self,
        ]
    )
}
extension AttentionKind: ExpressibleByArgument {}
