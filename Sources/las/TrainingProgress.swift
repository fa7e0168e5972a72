import Foundation
import LASKit

/// Renders training events: a progress bar with loss, speed and ETA on a terminal; plain
/// log lines every few steps otherwise. Epoch summaries always print.
final class TrainingProgress {
    let console: Console
    let epochs: Int
    let start = Date()
    var firstStep: Int?
    var speed = 0.0

    init(console: Console, epochs: Int) {
        self.console = console
        self.epochs = epochs
    }

    func handle(_ event: TrainingEvent) {
        switch event {
        case let .step(s):
            if firstStep == nil { firstStep = s.step - 1 }
            speed = speed == 0 ? s.utterancesPerSecond : 0.9 * speed + 0.1 * s.utterancesPerSecond
            let done = s.step - (firstStep ?? 0)
            let elapsed = Date().timeIntervalSince(start)
            let eta = elapsed / Double(max(1, done)) * Double(s.totalSteps - s.step)
            let text = String(format: "epoch %d/%d %@ %d/%d loss %.3f lr %.2e %.1f utt/s ETA %@",
                              s.epoch + 1, epochs, bar(Double(s.batchInEpoch) / Double(s.batchesPerEpoch)),
                              s.batchInEpoch, s.batchesPerEpoch, s.loss, s.learningRate, speed, Self.duration(eta))
            if console.isTerminal {
                console.progress(text)
            } else if s.step % 20 == 0 {
                console.line("step \(s.step)/\(s.totalSteps) " + text)
            }
        case let .epoch(e):
            console.line(String(format: "epoch %d: train loss %.3f, dev loss %.3f, dev CER %.2f%%, dev WER %.2f%%, %.0f s%@",
                                e.epoch + 1, e.trainLoss, e.devLoss, 100 * e.devCER, 100 * e.devWER, e.seconds,
                                e.isBest ? " (best)" : ""))
        case .checkpoint:
            break
        }
    }

    func bar(_ fraction: Double, width: Int = 20) -> String {
        let n = Int((fraction * Double(width)).rounded(.down))
        return "[" + String(repeating: "=", count: n) + String(repeating: " ", count: width - n) + "]"
    }

    static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        let t = Int(s)
        return t >= 3600 ? String(format: "%dh%02dm", t / 3600, (t % 3600) / 60) : String(format: "%dm%02ds", t / 60, t % 60)
    }
}
