import Foundation

/// Where a training run stands, saved with every checkpoint.
public struct TrainerState: Codable, Equatable {
    /// Optimizer steps taken.
    public var step = 0
    /// The epoch in progress (0-based) and the next batch of its order.
    public var epoch = 0
    public var batchInEpoch = 0
    public var epochLossSum = 0.0
    public var epochUtterances = 0
    public var bestDevWER: Double?
    public var bestDevCER: Double?
    public init() {}
}

/// A resumable training checkpoint: the model file's tensors and metadata plus Adam's moments
/// (`optimizer.m.NAME`, `optimizer.v.NAME`), Adam's step, the trainer state and the options.
public enum Checkpoint {
    static let stateKey = "trainer_state", optionsKey = "training_options", adamStepKey = "optimizer_step"

    public static func save(_ recognizer: Recognizer, optimizer: Adam, state: TrainerState,
                            options: TrainingOptions, to path: String) throws {
        var tensors = ModelFile.tensors(recognizer.model)
        for (k, p) in recognizer.model.parameters.enumerated() {
            tensors["optimizer.m." + p.name] = SafetensorsTensor(shape: p.shape, values: optimizer.firstMoments[k])
            tensors["optimizer.v." + p.name] = SafetensorsTensor(shape: p.shape, values: optimizer.secondMoments[k])
        }
        var metadata = try ModelFile.metadata(recognizer)
        metadata[stateKey] = try ModelFile.json(state)
        metadata[optionsKey] = try ModelFile.json(options)
        metadata[adamStepKey] = String(optimizer.step)
        try Safetensors(tensors: tensors, metadata: metadata).write(to: path)
    }

    public struct Loaded {
        public var recognizer: Recognizer
        public var state: TrainerState
        public var options: TrainingOptions
        public var adamStep: Int
        public var firstMoments: [[Float]]
        public var secondMoments: [[Float]]
    }

    public static func load(_ path: String) throws -> Loaded {
        let file = try Safetensors.read(path)
        let recognizer = try ModelFile.recognizer(from: file, path: path)
        let state: TrainerState = try ModelFile.decode(file.metadata, stateKey, path: path)
        let options: TrainingOptions = try ModelFile.decode(file.metadata, optionsKey, path: path)
        guard let adamStep = file.metadata[adamStepKey].flatMap(Int.init) else {
            throw ModelFileError(path: path, problem: "not a training checkpoint (no optimizer state)")
        }
        var m: [[Float]] = [], v: [[Float]] = []
        for p in recognizer.model.parameters {
            guard let a = file.tensors["optimizer.m." + p.name], let b = file.tensors["optimizer.v." + p.name],
                  a.shape == p.shape, b.shape == p.shape else {
                throw ModelFileError(path: path, problem: "optimizer state for '\(p.name)' is missing or misshapen")
            }
            m.append(a.values); v.append(b.values)
        }
        return Loaded(recognizer: recognizer, state: state, options: options, adamStep: adamStep,
                      firstMoments: m, secondMoments: v)
    }
}
