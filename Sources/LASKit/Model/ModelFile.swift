import Foundation

/// The model file: safetensors (8-byte little-endian header length, JSON header, raw
/// little-endian tensors) with one tensor per parameter, named as in `LASModel.parameters`,
/// and the model configuration, vocabulary, text normalization, feature configuration and
/// CMVN statistics as JSON strings in `__metadata__`. Python opens it with `safetensors`.
public enum ModelFile {
    public static let formatName = "las-model"
    public static let formatVersion = 1

    enum Key {
        static let format = "format", version = "format_version", config = "model_config", vocabulary = "vocabulary"
        static let normalizer = "text_normalizer", features = "feature_config", cmvn = "cmvn", notes = "notes"
        static let languageModel = "character_lm"
    }

    /// Metadata describing `recognizer` (shared by model files and checkpoints).
    static func metadata(_ recognizer: Recognizer) throws -> [String: String] {
        var meta = [Key.format: formatName, Key.version: String(formatVersion),
         Key.config: try json(recognizer.model.config), Key.vocabulary: try json(recognizer.vocabulary),
         Key.normalizer: try json(recognizer.normalizer), Key.features: try json(recognizer.featureConfig),
         Key.cmvn: try json(recognizer.cmvn), Key.notes: try json(recognizer.notes)]
        if let lm = recognizer.languageModel { meta[Key.languageModel] = try json(lm) }
        return meta
    }

    static func tensors(_ model: LASModel) -> [String: SafetensorsTensor] {
        var tensors: [String: SafetensorsTensor] = [:]
        for p in model.parameters { tensors[p.name] = SafetensorsTensor(shape: p.shape, values: p.value) }
        return tensors
    }

    /// Writes atomically; `halfPrecision` stores weights as IEEE float16 (half the size), which
    /// `load` widens back to Float.
    public static func save(_ recognizer: Recognizer, to path: String, halfPrecision: Bool = false) throws {
        let file = Safetensors(tensors: tensors(recognizer.model), metadata: try metadata(recognizer))
        try file.write(to: path, storingAs: halfPrecision ? .f16 : .f32)
    }

    /// Tensors are widened to Float one at a time as the model takes them (`SafetensorsFile`),
    /// so loading peaks at the model plus the file rather than the model plus a second copy.
    public static func load(_ path: String) throws -> Recognizer {
        let file = try SafetensorsFile(path: path)
        return try recognizer(metadata: file.metadata, tensor: file.tensor, path: path)
    }

    /// Validates a decoded file's metadata and tensors against the configuration it declares.
    static func recognizer(from file: Safetensors, path: String) throws -> Recognizer {
        try recognizer(metadata: file.metadata, tensor: { file.tensors[$0] }, path: path)
    }

    static func recognizer(metadata meta: [String: String], tensor: (String) throws -> SafetensorsTensor?,
                           path: String) throws -> Recognizer {
        guard meta[Key.format] == formatName else {
            throw ModelFileError(path: path, problem: "not a las model file (metadata format is \(meta[Key.format].map { "'\($0)'" } ?? "missing"))")
        }
        guard let version = meta[Key.version].flatMap(Int.init), version <= formatVersion else {
            throw ModelFileError(path: path, problem: "format version \(meta[Key.version] ?? "?") is newer than this las reads (\(formatVersion))")
        }
        let config: LASConfig = try decode(meta, Key.config, path: path)
        let vocabulary: Vocabulary = try decode(meta, Key.vocabulary, path: path)
        let normalizer: TextNormalizer = try decode(meta, Key.normalizer, path: path)
        let features: FeatureConfig = try decode(meta, Key.features, path: path)
        let cmvn: CMVN = try decode(meta, Key.cmvn, path: path)
        let notes: [String: String] = (try? decode(meta, Key.notes, path: path)) ?? [:]
        let languageModel: CharacterNGram? = meta[Key.languageModel] == nil ? nil : try decode(meta, Key.languageModel, path: path)
        if let lm = languageModel, lm.vocabularySize != vocabulary.count {
            throw ModelFileError(path: path, problem: "the character language model has \(lm.vocabularySize) symbols but the vocabulary \(vocabulary.count)")
        }
        guard vocabulary.count == config.vocabularySize else {
            throw ModelFileError(path: path, problem: "vocabulary has \(vocabulary.count) symbols but the model outputs \(config.vocabularySize)")
        }
        guard cmvn.bins == config.inputSize, features.numMelBins == config.inputSize else {
            throw ModelFileError(path: path, problem: "feature size \(features.numMelBins) / CMVN \(cmvn.bins) do not match the model input \(config.inputSize)")
        }
        if let problem = config.problem { throw ModelFileError(path: path, problem: "model configuration: \(problem)") }
        guard config.vocabularySize >= 3, config.encoderHidden <= 8192, config.decoderHidden <= 8192 else {
            throw ModelFileError(path: path, problem: "implausible model configuration")
        }
        let model = LASModel(config: config, seed: 0)
        try load(tensor, into: model, path: path)
        return Recognizer(model: model, vocabulary: vocabulary, normalizer: normalizer, featureConfig: features,
                          cmvn: cmvn, notes: notes, languageModel: languageModel)
    }

    static func load(_ tensors: [String: SafetensorsTensor], into model: LASModel, path: String) throws {
        try load({ tensors[$0] }, into: model, path: path)
    }

    static func load(_ tensor: (String) throws -> SafetensorsTensor?, into model: LASModel, path: String) throws {
        for p in model.parameters {
            guard let t = try tensor(p.name) else {
                throw ModelFileError(path: path, problem: "tensor '\(p.name)' is missing")
            }
            guard t.shape == p.shape else {
                throw ModelFileError(path: path, problem: "tensor '\(p.name)' has shape \(t.shape), the configuration needs \(p.shape)")
            }
            guard t.values.allSatisfy({ $0.isFinite }) else {
                throw ModelFileError(path: path, problem: "tensor '\(p.name)' holds NaN or infinite values")
            }
            p.value = t.values
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        try JSONValue.text(encoding: value)
    }

    static func decode<T: Decodable>(_ meta: [String: String], _ key: String, path: String) throws -> T {
        guard let text = meta[key] else { throw ModelFileError(path: path, problem: "metadata '\(key)' is missing") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw ModelFileError(path: path, problem: "metadata '\(key)' is not valid: \(error)")
        }
    }
}

public struct ModelFileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String
    public var description: String { "\(path): \(problem)" }
}
