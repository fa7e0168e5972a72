import ArgumentParser
import LASKit

@main
struct LAS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "las",
        abstract: "Listen, Attend and Spell: a speech recognizer you can train on your own audio.",
        discussion: """
        Transcribe audio files with the bundled model, train a model on your own labeled \
        recordings, measure word and character error rates, and make noisy or reverberant \
        copies of a data set to measure them under.
        """,
        version: LASKit.version,
        subcommands: [
            TranscribeCommand.self,
            EvaluateCommand.self,
            AugmentCommand.self,
            FeaturesCommand.self,
            TrainCommand.self,
            PlotCommand.self,
            ExportCommand.self,
            AverageCommand.self,
            LanguageModelCommand.self,
            BenchCommand.self,
            WERCommand.self,
        ]
    )

    static func main() {
        BLASKernels.reexecutingIfDetectionFellShort()
        main(nil)
    }
}
