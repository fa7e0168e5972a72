import LASKit
import XCTest

/// The copies of each training utterance that augmentation adds, one per-epoch variant each.
final class LabeledFeaturesTests: XCTestCase {
    let normalizer = TextNormalizer.default
    let fsddDigit = Utterance(id: "3_lucas_7", audioPath: speechFixture("fsdd/recordings/3_lucas_7.wav"),
                              text: "three")

    func compute(_ utterances: [Utterance], speeds: [Float] = [], warpFactors: [Float] = [],
                 narrowband: Bool = false) throws -> [LabeledExample] {
        let vocabulary = Vocabulary.build(from: utterances.map { normalizer.normalize($0.text) })
        let (examples, failures) = try LabeledFeatures.compute(utterances, featureConfig: FeatureConfig(), copies: PerturbedCopies(
                                                                   speeds: speeds, vocalTractWarps: warpFactors, narrowband: narrowband),
                                                               vocabulary: vocabulary, normalizer: normalizer)
        XCTAssertTrue(failures.isEmpty, "\(failures)")
        return examples
    }

    func testVariantZeroIsThePlainFeatures() throws {
        let utterance = try RealSpeech.an4Utterances(1)[0]
        let plain = try LogMelFilterbank().compute(AudioFile(utterance.audioPath).samples)
        let examples = try compute([utterance], speeds: [0.9], warpFactors: [1.1], narrowband: true)
        XCTAssertEqual(examples[0].variants[0].values, plain.values)
    }

    func testSpeedCopiesChangeTheLengthByTheFactor() throws {
        let examples = try compute(try RealSpeech.an4Utterances(1), speeds: [0.9, 1.1])
        let frames = examples[0].variants.map(\.frames)
        XCTAssertEqual(frames.count, 3)
        XCTAssertEqual(Double(frames[1]), Double(frames[0]) / 0.9, accuracy: 2)
        XCTAssertEqual(Double(frames[2]), Double(frames[0]) / 1.1, accuracy: 2)
    }

    func testVocalTractWarpCopiesKeepTheLengthAndChangeTheSpectrum() throws {
        let utterance = try RealSpeech.an4Utterances(1)[0]
        let samples = try AudioFile(utterance.audioPath).samples
        let examples = try compute([utterance], warpFactors: [0.9, 1, 1.1])
        XCTAssertEqual(examples[0].variants.count, 3, "a factor of 1 adds no copy")
        for (variant, factor) in zip(examples[0].variants.dropFirst(), [Float(0.9), 1.1]) {
            XCTAssertEqual(variant.frames, examples[0].frames)
            XCTAssertEqual(variant.values, try LogMelFilterbank(warpFactor: factor).compute(samples).values)
            XCTAssertNotEqual(variant.values, examples[0].variants[0].values)
        }
    }

    func testNarrowbandCopyOnlyForWidebandRecordings() throws {
        let wideband = try compute(try RealSpeech.an4Utterances(1), narrowband: true)
        XCTAssertEqual(wideband[0].variants.count, 2)
        // The copy's top filters (above 4 kHz) hold nothing but the noise floor, below the original's.
        let bins = 80, top = 70..<80
        func topMean(_ m: FeatureMatrix) -> Float {
            var sum: Float = 0
            for t in 0..<m.frames { for b in top { sum += m.values[t * bins + b] } }
            return sum / Float(m.frames * top.count)
        }
        let floor = try LogMelFilterbank().noiseFloor
        let floorTop = top.reduce(Float(0)) { $0 + log(floor[$1]) } / Float(top.count)
        XCTAssertEqual(topMean(wideband[0].variants[1]), floorTop, accuracy: 0.25)
        XCTAssertLessThan(topMean(wideband[0].variants[1]), topMean(wideband[0].variants[0]) - 3)
        let narrowband = try compute([fsddDigit], narrowband: true)
        XCTAssertEqual(narrowband[0].variants.count, 1, "an 8 kHz recording gets no narrowband copy")
    }
}
