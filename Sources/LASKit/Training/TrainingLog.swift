import Foundation

/// `train-log.jsonl`: one JSON object per logged step and per epoch, appended and flushed as
/// they happen, for plotting. A resumed run appends to the same file.
final class TrainingLog {
    let handle: FileHandle

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw AtomicFileError(path: path, reason: "cannot create the training log")
            }
        }
        guard let h = FileHandle(forWritingAtPath: path) else {
            throw AtomicFileError(path: path, reason: "cannot open the training log for writing")
        }
        handle = h
        handle.seekToEndOfFile()
    }

    deinit { try? handle.close() }

    func write(_ s: TrainingEvent.Step) throws {
        try append(["type": "step", "epoch": s.epoch + 1, "step": s.step, "loss": s.loss, "learning_rate": Double(s.learningRate),
                    "utterances_per_second": s.utterancesPerSecond, "gradient_norm": Double(s.gradientNorm)])
    }

    func write(_ e: TrainingEvent.Epoch) throws {
        try append(["type": "epoch", "epoch": e.epoch + 1, "step": e.step, "train_loss": e.trainLoss, "dev_loss": e.devLoss,
                    "dev_cer": e.devCER, "dev_wer": e.devWER, "seconds": e.seconds, "best": e.isBest])
    }

    /// The options a run (or a resumed part of it) trains with, so a plot can say what was on.
    func write(_ options: TrainingOptions) throws {
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(options))
        try append(["type": "options", "options": json])
    }

    private func append(_ object: [String: Any]) throws {
        var data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        data.append(0x0A)
        handle.write(data)
    }
}
