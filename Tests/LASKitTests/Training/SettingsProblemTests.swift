import Foundation
import XCTest
import LASKit

/// `LASConfig.problem` and `TrainingOptions.problem(melBins:)` name the first unusable setting,
/// so `las train` can refuse a config file in one line instead of crashing mid-run.
final class SettingsProblemTests: XCTestCase {
    func testDefaultsHaveNoProblem() {
        XCTAssertNil(LASConfig().problem)
        XCTAssertNil(TrainingOptions().problem(melBins: 80))
    }

    func testModelSizesMustBePositiveAndTheLocationKernelOdd() {
        var c = LASConfig()
        c.decoderHidden = 0
        XCTAssertEqual(c.problem, "decoderHidden must be at least 1 (is 0)")
        c = LASConfig()
        c.attentionKernel = 30
        XCTAssertEqual(c.problem, "attentionKernel must be odd, so the filter is centred (is 30)")
        c.attention = .dotProduct
        XCTAssertNil(c.problem, "dot-product attention has no location filter")
    }

    func testAttentionHeadsAreAtLeastOneOnlyForMultiHeadLocationAndDivideTheSizes() {
        var c = LASConfig()
        c.attention = .multiHeadLocation
        c.attentionHeads = 4
        XCTAssertNil(c.problem, "4 heads of 64 over 512 listener features")
        c.attentionHeads = 0
        XCTAssertEqual(c.problem, "attentionHeads must be at least 1 (is 0)")
        c.attentionHeads = 3
        XCTAssertEqual(c.problem, "attentionHeads (3) must divide attentionSize (256)")
        c.attentionSize = 255
        c.encoderHidden = 100
        c.attentionHeads = 3
        XCTAssertEqual(c.problem, "attentionHeads (3) must divide the listener output (2 × encoderHidden) (200)")
        c = LASConfig()
        c.attentionHeads = 2
        XCTAssertEqual(c.problem, "attentionHeads applies to multihead-location attention only (attention is location)")
        c.attention = .additive
        XCTAssertEqual(c.problem, "attentionHeads applies to multihead-location attention only (attention is additive)")
        c.attentionHeads = 1
        c.attentionKernel = 30
        XCTAssertNil(c.problem, "additive attention has no location filter")
        c.attention = .multiHeadLocation
        XCTAssertEqual(c.problem, "attentionKernel must be odd, so the filter is centred (is 30)")
    }

    func testAttentionKindsDecodeByTheirConfigNamesAndAMissingKindIsLocation() throws {
        func decode(_ json: String) throws -> LASConfig { try JSONDecoder().decode(LASConfig.self, from: Data(json.utf8)) }
        XCTAssertEqual(try decode("{}").attention, .location)
        XCTAssertEqual(try decode("{}").attentionHeads, 1)
        XCTAssertEqual(try decode(#"{"attention": "dot"}"#).attention, .dotProduct)
        XCTAssertEqual(try decode(#"{"attention": "additive"}"#).attention, .additive)
        let m = try decode(#"{"attention": "multihead-location", "attentionHeads": 4}"#)
        XCTAssertEqual(m.attention, .multiHeadLocation)
        XCTAssertEqual(m.attentionHeads, 4)
        XCTAssertThrowsError(try decode(#"{"attention": "bahdanau"}"#))
    }

    func testModelWeightsMustBeFractions() {
        var c = LASConfig()
        c.ctcWeight = 1.2
        XCTAssertEqual(c.problem, "ctcWeight must lie between 0 and 1 (is 1.2)")
        c = LASConfig()
        c.labelSmoothing = -0.1
        XCTAssertEqual(c.problem, "labelSmoothing must be at least 0 and below 1 (is -0.1)")
    }

    func testListenerReductionsNeedOneFactorOfOneOrTwoPerLayer() {
        var c = LASConfig()
        c.listenerReductions = [2, 2]
        XCTAssertEqual(c.problem, "listenerReductions needs one factor per encoder layer (3, has 2)")
        c.listenerReductions = [2, 3, 1]
        XCTAssertEqual(c.problem, "listenerReductions factors must be 1 or 2 (has 3)")
        c.listenerReductions = [2, 2, 1]
        XCTAssertNil(c.problem)
    }

    func testTrainingCountsRatesAndFactorsAreChecked() {
        func problem(_ change: (inout TrainingOptions) -> Void) -> String? {
            var o = TrainingOptions()
            change(&o)
            return o.problem(melBins: 80)
        }
        XCTAssertEqual(problem { $0.epochs = 0 }, "epochs must be at least 1 (is 0)")
        XCTAssertEqual(problem { $0.learningRate = -1 }, "learningRate must be positive (is -1.0)")
        XCTAssertEqual(problem { $0.samplingProbability = 2 }, "samplingProbability must lie between 0 and 1 (is 2.0)")
        XCTAssertEqual(problem { $0.vocalTractWarps = [3] }, "vocalTractWarps must lie between 0.5 and 2 (has 3.0)")
        XCTAssertEqual(problem { $0.specAugment?.maxFrequencyWidth = -1 }, "specAugment.maxFrequencyWidth must be at least 0 (is -1)")
        XCTAssertEqual(problem { $0.specAugment?.maxFrequencyWidth = 81 },
                       "specAugment.maxFrequencyWidth must not exceed the 80 mel bins (is 81)")
        XCTAssertNil(problem { $0.specAugment = nil; $0.speeds = []; $0.maxSteps = 5 })
    }
}
