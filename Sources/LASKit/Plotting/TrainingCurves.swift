import Foundation

/// Training curves a person can look at, drawn with cairo as PNG and SVG from a run's
/// `train-log.jsonl` (as ESPnet writes its `images/`): on the left the train and dev loss per
/// epoch, on the right dev WER and CER in percent. `las train` redraws `curves.svg` and
/// `curves.png` in the run folder after each epoch; `las plot` redraws them for any log.
public enum TrainingCurves {
    /// One epoch line of the log.
    public struct Epoch: Equatable {
        public var epoch: Int
        public var trainLoss: Double, devLoss: Double, devWER: Double, devCER: Double

        public init(epoch: Int, trainLoss: Double, devLoss: Double, devWER: Double, devCER: Double) {
            self.epoch = epoch; self.trainLoss = trainLoss; self.devLoss = devLoss; self.devWER = devWER; self.devCER = devCER
        }
    }

    /// The epoch lines of a log, by epoch (a line for an epoch seen before replaces it).
    public static func epochs(fromLog path: String) throws -> [Epoch] {
        let text: String
        switch FileBytes.read(path) {
        case .success(let data): text = String(decoding: data, as: UTF8.self)
        case .failure(let failure): throw PlotError(description: "\(path): cannot read the training log (\(failure.reason))")
        }
        var byEpoch: [Int: Epoch] = [:]
        for (n, line) in text.split(separator: "\n").enumerated() where line.contains("\"epoch\"") {
            guard let object = try? JSONValue.parse(String(line)), case .object = object else {
                throw PlotError(description: "\(path):\(n + 1): not a JSON object")
            }
            guard object["type"]?.stringValue == "epoch" else { continue }
            guard let epoch = object["epoch"]?.intValue, let train = object["train_loss"]?.doubleValue,
                  let dev = object["dev_loss"]?.doubleValue, let wer = object["dev_wer"]?.doubleValue,
                  let cer = object["dev_cer"]?.doubleValue
            else { throw PlotError(description: "\(path):\(n + 1): an epoch line needs epoch, train_loss, dev_loss, dev_wer and dev_cer") }
            byEpoch[epoch] = Epoch(epoch: epoch, trainLoss: train, devLoss: dev, devWER: wer, devCER: cer)
        }
        return byEpoch.keys.sorted().map { byEpoch[$0]! }
    }

    public static let width = 760, height = 320

    public static func image(_ epochs: [Epoch], title: String, format: PlotFormat) throws -> Data {
        let canvas = CairoCanvas(width: width, height: height, format: format)
        canvas.text(title, x: 60, y: 18, size: 12)
        let panelWidth = 300.0, top = 40.0, plotHeight = 220.0
        let series: [[(name: String, color: CairoCanvas.Color, dashed: Bool, values: [Double])]] = [
            [("train loss", .blue, false, epochs.map(\.trainLoss)), ("dev loss", .orange, true, epochs.map(\.devLoss))],
            [("dev WER %", .green, false, epochs.map { 100 * $0.devWER }), ("dev CER %", .red, true, epochs.map { 100 * $0.devCER })],
        ]
        for (p, panel) in series.enumerated() {
            let x0 = 60 + Double(p) * (panelWidth + 80)
            let finite = panel.flatMap(\.values).filter(\.isFinite)
            var low = min(0, finite.min() ?? 0), high = finite.max() ?? 1
            if high <= low { high = low + 1 }
            high += 0.05 * (high - low)
            let first = epochs.first?.epoch ?? 1, last = max(first + 1, epochs.last?.epoch ?? 1)
            func point(_ epoch: Int, _ v: Double) -> (x: Double, y: Double) {
                (x0 + Double(epoch - first) / Double(last - first) * panelWidth, top + plotHeight * (1 - (v - low) / (high - low)))
            }
            // Frame, value ticks (five), epoch ticks (at most ten).
            canvas.line([(x0, top), (x0, top + plotHeight), (x0 + panelWidth, top + plotHeight)], color: .black, width: 1)
            for k in 0...4 {
                let v = low + Double(k) / 4 * (high - low), y = point(first, v).y
                canvas.line([(x0 - 4, y), (x0, y)], color: .black, width: 1)
                canvas.text(String(format: v >= 100 ? "%.0f" : "%.2f", v), x: x0 - 6, y: y + 3, size: 9, anchor: .end)
            }
            let step = max(1, (last - first + 9) / 10)
            for e in stride(from: first, through: last, by: step) {
                let x = point(e, low).x
                canvas.line([(x, top + plotHeight), (x, top + plotHeight + 4)], color: .black, width: 1)
                canvas.text("\(e)", x: x, y: top + plotHeight + 15, size: 9, anchor: .middle)
            }
            canvas.text("epoch", x: x0 + panelWidth / 2, y: top + plotHeight + 30, size: 9, anchor: .middle)
            for (k, s) in panel.enumerated() {
                let points = zip(epochs, s.values).filter { $0.1.isFinite }.map { point($0.0.epoch, $0.1) }
                canvas.line(points, color: s.color, dashed: s.dashed)
                for q in points { canvas.marker(x: q.x, y: q.y, color: s.color) }
                let ly = top + 12 + Double(k) * 14
                canvas.line([(x0 + panelWidth - 110, ly - 3), (x0 + panelWidth - 90, ly - 3)], color: s.color, dashed: s.dashed)
                canvas.text(s.name, x: x0 + panelWidth - 86, y: ly, size: 9)
            }
        }
        return try canvas.finish()
    }

    /// Draws the log's curves into `directory`/curves.png and curves.svg (atomically), titled
    /// with the log's folder (the run); returns the paths written.
    @discardableResult
    public static func write(fromLog path: String, into directory: String) throws -> [String] {
        let epochs = try epochs(fromLog: path)
        guard !epochs.isEmpty else { throw PlotError(description: "\(path): no epoch lines to plot yet") }
        let run = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
        let title = "\(run.isEmpty ? "run" : run): \(epochs.count) epoch\(epochs.count == 1 ? "" : "s")"
        return try PlotFormat.allCases.map { format in
            let out = (directory as NSString).appendingPathComponent("curves.\(format.rawValue)")
            try AtomicFile.write(try image(epochs, title: title, format: format), to: out)
            return out
        }
    }
}
