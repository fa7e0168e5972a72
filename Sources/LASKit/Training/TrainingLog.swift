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
        try append(["type": .string("step"), "epoch": .number(s.epoch + 1), "step": .number(s.step), "loss": .number(s.loss),
                    "learning_rate": .number(Double(s.learningRate)), "utterances_per_second": .number(s.utterancesPerSecond),
                    "gradient_norm": .number(Double(s.gradientNorm))])
    }

    func write(_ e: TrainingEvent.Epoch) throws {
        try append(["type": .string("epoch"), "epoch": .number(e.epoch + 1), "step": .number(e.step),
                    "train_loss": .number(e.trainLoss), "dev_loss": .number(e.devLoss), "dev_cer": .number(e.devCER),
                    "dev_wer": .number(e.devWER), "seconds": .number(e.seconds), "best": .bool(e.isBest)])
    }

    /// The options a run (or a resumed part of it) trains with, so a plot can say what was on.
    func write(_ options: TrainingOptions) throws {
        try append(["type": .string("options"), "options": JSONValue(encoding: options)])
    }

    /// One line, keys sorted, so that every line of every run reads the same way.
    private func append(_ members: [String: JSONValue]) throws {
        let line = JSONValue.object(members.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
        handle.write(Data((line.jsonText + "\n").utf8))
    }
}
