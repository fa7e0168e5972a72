import Foundation
import LASKit
import XCTest

final class FeatureConfigTests: XCTestCase {
    func testDefaultsAreTwentyFiveMillisecondFramesEveryTenWithA512PointFFT() {
        let config = FeatureConfig()
        XCTAssertEqual(config.sampleRate, 16_000)
        XCTAssertEqual(config.frameLength, 400)
        XCTAssertEqual(config.frameShift, 160)
        XCTAssertEqual(config.fftSize, 512)
        XCTAssertEqual(config.numMelBins, 80)
        XCTAssertEqual(config.lowFreq, 20)
        XCTAssertEqual(config.resolvedHighFreq, 8_000)
        XCTAssertEqual(config.preemphasis, 0.97)
        XCTAssertEqual(config.window, .povey)
        XCTAssertTrue(config.snipEdges && config.removeDCOffset && config.usePower)
        XCTAssertEqual(config.logFloor, Float.ulpOfOne)
        XCTAssertEqual(config.inputScale, 32_768)
    }

    func testFrameCountWithSnipEdgesCountsWholeFramesOnly() {
        let config = FeatureConfig()
        XCTAssertEqual(config.frameCount(sampleCount: 0), 0)
        XCTAssertEqual(config.frameCount(sampleCount: 399), 0)
        XCTAssertEqual(config.frameCount(sampleCount: 400), 1)
        XCTAssertEqual(config.frameCount(sampleCount: 559), 1)
        XCTAssertEqual(config.frameCount(sampleCount: 560), 2)
        XCTAssertEqual(config.frameCount(sampleCount: 16_000), 98)
    }

    func testFrameCountWithoutSnipEdgesRoundsSamplesOverShift() {
        let config = FeatureConfig(snipEdges: false)
        XCTAssertEqual(config.frameCount(sampleCount: 16_000), 100)
        XCTAssertEqual(config.frameCount(sampleCount: 79), 0)
        XCTAssertEqual(config.frameCount(sampleCount: 80), 1)
        XCTAssertEqual(config.firstSample(ofFrame: 0), -120)
    }

    func testSampleCountForFramesIsTheFewestSamplesGivingThatManyFrames() {
        for config in [FeatureConfig(), FeatureConfig(snipEdges: false), FeatureConfig(sampleRate: 8_000)] {
            XCTAssertEqual(config.sampleCount(forFrames: 0), 0)
            for frames in 1...6 {
                let n = config.sampleCount(forFrames: frames)
                XCTAssertEqual(config.frameCount(sampleCount: n), frames, "\(config) \(frames)")
                XCTAssertEqual(config.frameCount(sampleCount: n - 1), frames - 1, "\(config) \(frames)")
            }
        }
    }

    func testCodableRoundTripKeepsEveryField() throws {
        let config = FeatureConfig(sampleRate: 8_000, snipEdges: false, preemphasis: 0.5, window: .hamming,
                                   numMelBins: 40, lowFreq: 60, highFreq: -200, usePower: false,
                                   minimumPeakDBFS: -30, maximumQuietGainDB: 12)
        let data = try JSONEncoder().encode(config)
        XCTAssertEqual(try JSONDecoder().decode(FeatureConfig.self, from: data), config)
        XCTAssertNotEqual(config, FeatureConfig())
    }

    func testInvalidOptionsAreRejectedWithOneLineReasons() {
        let bad = [
            FeatureConfig(sampleRate: 0), FeatureConfig(frameShiftMs: 0), FeatureConfig(numMelBins: 2),
            FeatureConfig(lowFreq: 9_000), FeatureConfig(highFreq: 9_000), FeatureConfig(lowFreq: 500, highFreq: 400),
            FeatureConfig(preemphasis: 1.5), FeatureConfig(logFloor: 0), FeatureConfig(minimumPeakDBFS: 3),
            FeatureConfig(maximumQuietGainDB: -1),
        ]
        for config in bad {
            XCTAssertThrowsError(try config.validate()) { error in
                XCTAssertFalse("\(error)".contains("\n"))
                XCTAssertTrue("\(error)".hasPrefix("invalid feature configuration: "), "\(error)")
            }
            XCTAssertThrowsError(try LogMelFilterbank(config: config))
        }
        XCTAssertNoThrow(try FeatureConfig().validate())
    }

    /// Model files from before the quiet-recording gain decode with it on (the defaults).
    func testAConfigWithoutTheQuietGainKeysDecodesWithTheDefaults() throws {
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(FeatureConfig())) as! [String: Any]
        json["minimumPeakDBFS"] = nil; json["maximumQuietGainDB"] = nil
        let decoded = try JSONDecoder().decode(FeatureConfig.self, from: JSONSerialization.data(withJSONObject: json))
        XCTAssertEqual(decoded, FeatureConfig())
    }

    func testSecondsPerFrameIsTheShiftInSeconds() {
        XCTAssertEqual(FeatureConfig().secondsPerFrame, 0.01, accuracy: 1e-12)
        XCTAssertEqual(FeatureConfig(sampleRate: 8_000, frameShiftMs: 12.5).secondsPerFrame, 0.0125, accuracy: 1e-12)
    }
}
