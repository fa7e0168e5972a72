import XCTest
import LASKit

final class ModelAverageTests: XCTestCase {
    func recognizer(seed: UInt64, text: String = "AB A") -> Recognizer {
        let vocabulary = Vocabulary.build(from: [text])
        return Recognizer(model: LASModel(config: TrainerTests.tinyConfig(vocabulary: vocabulary.count), seed: seed),
                          vocabulary: vocabulary, normalizer: .default, featureConfig: FeatureConfig(),
                          cmvn: CMVN(mean: [Float](repeating: 0, count: 80), inverseStd: [Float](repeating: 1, count: 80)),
                          notes: ["epoch": "\(seed)", "train": "data.jsonl"])
    }

    func testAverageIsTheElementwiseMeanOfEveryParameter() throws {
        let models = [recognizer(seed: 1), recognizer(seed: 2), recognizer(seed: 3)]
        let average = try ModelAverage.average(models.enumerated().map { ("m\($0.offset)", $0.element) })
        for (k, p) in average.model.parameters.enumerated() {
            for i in stride(from: 0, to: p.value.count, by: 7) {
                let mean = (models[0].model.parameters[k].value[i] + models[1].model.parameters[k].value[i]
                            + models[2].model.parameters[k].value[i]) / 3
                XCTAssertEqual(p.value[i], mean, accuracy: 1e-6, p.name)
            }
        }
    }

    func testAverageKeepsTheRunsNotesButNotOneEpochsScores() throws {
        let average = try ModelAverage.average([("a", recognizer(seed: 1)), ("b", recognizer(seed: 2))])
        XCTAssertEqual(average.notes["train"], "data.jsonl")
        XCTAssertNil(average.notes["epoch"])
        XCTAssertEqual(average.notes["averaged_from"], "a,b")
    }

    func testModelsOfDifferentRunsAreRefusedNamingTheFile() {
        XCTAssertThrowsError(try ModelAverage.average([("a.safetensors", recognizer(seed: 1)),
                                                       ("b.safetensors", recognizer(seed: 2, text: "XY X"))])) { error in
            XCTAssertTrue("\(error)".hasPrefix("b.safetensors: "), "\(error)")
            XCTAssertTrue("\(error)".contains("vocabulary"), "\(error)")
        }
    }
}
