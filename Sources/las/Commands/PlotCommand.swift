import ArgumentParser
import Foundation
import LASKit

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw a training run's curves (curves.svg and curves.png) from its train-log.jsonl.",
        discussion: """
        Reads the epoch lines of LOG (train loss, dev loss, dev WER and CER) and draws them, \
        loss on the left and error rates in percent on the right, into curves.svg and \
        curves.png next to LOG (or in --output DIR). `las train` draws the same files in its \
        run folder after every epoch; this redraws them for any run, finished or not.
        """)

    @Argument(help: ArgumentHelp("A run's train-log.jsonl.", valueName: "LOG")) var log: String
    @Option(help: ArgumentHelp("Folder for curves.svg and curves.png (default: the log's folder).", valueName: "DIR"))
    var output: String?

    func run() throws {
        let directory = output ?? (log as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
            for path in try TrainingCurves.write(fromLog: log, into: directory.isEmpty ? "." : directory) { print(path) }
        } catch {
            Console.error("\(error)")
            throw ExitCode.failure
        }
    }
}
