import Foundation
import XCTest
import LASKit

final class ModelFileTests: XCTestCase {
    static func tinyRecognizer(seed: UInt64 = 31) -> Recognizer {
        var config = ModelGradientTests.tinyConfig(.location, ctcWeight: 0.3)
        config.inputSize = 80
        let vocabulary = Vocabulary.build(from: ["ABC D"])
        config.vocabularySize = vocabulary.count
        return Recognizer(model: LASModel(config: config, seed: seed), vocabulary: vocabulary, normalizer: .default,
                          featureConfig: FeatureConfig(),
                          cmvn: CMVN(mean: [Float](repeating: 1, count: 80), inverseStd: [Float](repeating: 0.5, count: 80)))
    }

    func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("las-modelfile-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    func testSavedModelLoadsWithIdenticalWeightsAndMetadata() throws {
        let r = Self.tinyRecognizer()
        let path = temporaryPath("m.safetensors")
        try ModelFile.save(r, to: path)
        let back = try ModelFile.load(path)
        XCTAssertEqual(back.model.config, r.model.config)
        XCTAssertEqual(back.vocabulary, r.vocabulary)
        XCTAssertEqual(back.normalizer, r.normalizer)
        XCTAssertEqual(back.featureConfig, r.featureConfig)
        XCTAssertEqual(back.cmvn, r.cmvn)
        for (a, b) in zip(r.model.parameters, back.model.parameters) { XCTAssertEqual(a.value, b.value, a.name) }
    }

    func testListenerReductionsAreSavedAndAnUnusableOneIsRejected() throws {
        var r = Self.tinyRecognizer()
        var config = r.model.config
        config.listenerReductions = [2, 1]
        r = Recognizer(model: LASModel(config: config, seed: 3), vocabulary: r.vocabulary, normalizer: r.normalizer,
                       featureConfig: r.featureConfig, cmvn: r.cmvn)
        let path = temporaryPath("m.safetensors")
        try ModelFile.save(r, to: path)
        XCTAssertEqual(try ModelFile.load(path).model.config.listenerReductions, [2, 1])
        var file = try Safetensors.read(path)
        file.metadata["model_config"] = file.metadata["model_config"]!.replacingOccurrences(of: "[2,1]", with: "[3,1]")
        try file.write(to: path)
        XCTAssertThrowsError(try ModelFile.load(path)) { error in
            XCTAssertEqual("\(error)", "\(path): model configuration: listenerReductions factors must be 1 or 2 (has 3)")
        }
    }

    func testAttentionKindAndHeadsAreStoredAndAFileWithoutThemLoadsAsLocation() throws {
        let base = Self.tinyRecognizer()
        for (kind, heads) in [(AttentionKind.additive, 1), (.multiHeadLocation, 2), (.dotProduct, 1)] {
            var config = base.model.config
            config.attention = kind
            config.attentionHeads = heads
            let r = Recognizer(model: LASModel(config: config, seed: 7), vocabulary: base.vocabulary, normalizer: base.normalizer,
                               featureConfig: base.featureConfig, cmvn: base.cmvn)
            let path = temporaryPath("m.safetensors")
            try ModelFile.save(r, to: path)
            let back = try ModelFile.load(path)
            XCTAssertEqual(back.model.config.attention, kind)
            XCTAssertEqual(back.model.config.attentionHeads, heads)
            XCTAssertEqual(back.model.parameters.map(\.name), r.model.parameters.map(\.name))
            for (a, b) in zip(r.model.parameters, back.model.parameters) { XCTAssertEqual(a.value, b.value, a.name) }
        }
        // A file written before attention kinds had heads: neither key in its configuration.
        let path = temporaryPath("old.safetensors")
        try ModelFile.save(base, to: path)
        var file = try Safetensors.read(path)
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(file.metadata["model_config"]!.utf8)) as? [String: Any])
        json["attention"] = nil; json["attentionHeads"] = nil
        file.metadata["model_config"] = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        try file.write(to: path)
        let old = try ModelFile.load(path)
        XCTAssertEqual(old.model.config.attention, .location)
        XCTAssertEqual(old.model.config.attentionHeads, 1)
        XCTAssertEqual(old.model.config, base.model.config)
    }

    func testCharacterLanguageModelIsSavedAndLoaded() throws {
        var r = Self.tinyRecognizer()
        r.languageModel = r.languageModel(order: 3, texts: ["ab c", "cab"])
        let path = temporaryPath("lm.safetensors")
        try ModelFile.save(r, to: path)
        XCTAssertEqual(try ModelFile.load(path).languageModel, r.languageModel)
    }

    func testLanguageModelForAnotherVocabularyIsRejected() throws {
        var r = Self.tinyRecognizer()
        r.languageModel = CharacterNGram(order: 2, vocabularySize: r.vocabulary.count + 1, sentences: [[2, 3]])
        let path = temporaryPath("lm-bad.safetensors")
        try ModelFile.save(r, to: path)
        XCTAssertThrowsError(try ModelFile.load(path)) { error in
            XCTAssertTrue("\(error)".contains("character language model"), "\(error)")
        }
    }

    func testHalfPrecisionModelLoadsWithinFloat16Rounding() throws {
        let r = Self.tinyRecognizer()
        let path = temporaryPath("h.safetensors")
        try ModelFile.save(r, to: path, halfPrecision: true)
        let back = try ModelFile.load(path)
        for (a, b) in zip(r.model.parameters, back.model.parameters) {
            for i in 0..<a.count { XCTAssertEqual(a.value[i], b.value[i], accuracy: abs(a.value[i]) * 1e-3 + 1e-6) }
        }
    }

    func testForeignSafetensorsFileIsRejectedByName() throws {
        let path = temporaryPath("foreign.safetensors")
        try Safetensors(tensors: ["w": SafetensorsTensor(shape: [2], values: [1, 2])], metadata: [:]).write(to: path)
        XCTAssertThrowsError(try ModelFile.load(path)) { error in
            XCTAssertTrue("\(error)".contains(path) && "\(error)".contains("not a las model file"), "\(error)")
        }
    }

    func testMissingTensorIsReported() throws {
        let r = Self.tinyRecognizer()
        let path = temporaryPath("m.safetensors")
        try ModelFile.save(r, to: path)
        var file = try Safetensors.read(path)
        file.tensors.removeValue(forKey: "speller.output.weight")
        try file.write(to: path)
        XCTAssertThrowsError(try ModelFile.load(path)) { XCTAssertTrue("\($0)".contains("speller.output.weight"), "\($0)") }
    }

    func testTensorWithWrongShapeIsReported() throws {
        let r = Self.tinyRecognizer()
        let path = temporaryPath("m.safetensors")
        try ModelFile.save(r, to: path)
        var file = try Safetensors.read(path)
        file.tensors["speller.output.bias"] = SafetensorsTensor(shape: [2], values: [0, 0])
        try file.write(to: path)
        XCTAssertThrowsError(try ModelFile.load(path)) { XCTAssertTrue("\($0)".contains("shape"), "\($0)") }
    }

    func testTruncatedModelFileIsAnErrorNotACrash() throws {
        let r = Self.tinyRecognizer()
        let path = temporaryPath("m.safetensors")
        try ModelFile.save(r, to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for cut in [0, 7, 8, 100, bytes.count / 2, bytes.count - 1] {
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try ModelFile.load(path), "cut at \(cut)")
        }
    }
}
