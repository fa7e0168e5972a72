import Foundation

extension TrainingRun {
    /// Everything a training run is told: its data, its folder, the model and how to train it.
    /// The defaults are the recipe's (`LASConfig.recipe`, `TrainingOptions()`), so what
    /// `las train` trains with no options is what these describe.
    public struct Configuration {
        /// Training and dev data: JSONL manifests or Kaldi data folders.
        public var trainData: String
        public var devData: String
        /// Receives checkpoints, the best and the last epochs' models, the log and the curves.
        public var directory: URL
        public var model = LASConfig.recipe
        public var training = TrainingOptions()
        public var features = FeatureConfig()
        /// Continue from `directory`'s checkpoint, with its options, model and normalization.
        public var resume = false
        /// What a resumed run takes from here instead of from its checkpoint (nil: the checkpoint's).
        public var resumedEpochs: Int?
        public var resumedMaxSteps: Int?
        public var resumedKeptEpochModels: Int?
        /// Threads are the machine's, not the run's: a run resumed elsewhere uses this machine's
        /// cores. (Results then match an uninterrupted run to rounding, not bit for bit.)
        public var resumedThreads: Int?
        /// Fail if any listed audio file is missing or unreadable (else it is reported and skipped).
        public var strict = false

        public var checkpointPath: String { directory.appendingPathComponent("checkpoint.safetensors").path }

        public init(trainData: String, devData: String, directory: URL) {
            self.trainData = trainData; self.devData = devData; self.directory = directory
        }

        /// Lays the JSON file `{"model": {...}, "training": {...}}` at `path` over `model` and
        /// `training`: keys it leaves out keep their current values (the recipe's, not
        /// `LASConfig`'s bare ones).
        public mutating func apply(configFile path: String) throws {
            let data: Data
            switch FileBytes.read(path) {
            case let .success(bytes): data = bytes
            case let .failure(failure): throw TrainingRunError.configUnreadable(path: path, reason: failure.reason)
            }
            do {
                let file = try JSONDecoder().decode(ConfigFile.self, from: data)
                if let t = file.training { training = t }
                if file.model != nil, let changes = try JSONValue.parse(data)["model"] {
                    model = try JSONValue(encoding: model).merging(changes).decode(LASConfig.self)
                }
            } catch {
                throw TrainingRunError.configInvalid(path: path, reason: "\(error)")
            }
            if let problem = model.problem ?? training.problem(melBins: features.numMelBins) {
                throw TrainingRunError.configProblem(path: path, problem: problem)
            }
        }
    }

    /// The shape of a configuration file, checked before its model object is laid over the recipe.
    struct ConfigFile: Decodable {
        var model: LASConfig?
        var training: TrainingOptions?
    }
}
