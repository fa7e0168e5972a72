import LASKit
import XCTest

final class ResamplerTests: XCTestCase {
    func testUpsamplingEightToSixteenKilohertzKeepsASinesFrequency() throws {
        let input = sine(frequency: 1_000, sampleRate: 8_000, count: 8_000)
        let output = try Resampler.resample(input, from: 8_000, to: 16_000)
        XCTAssertEqual(output.count, 16_000)
        // Amplitude 0.5 → power 0.0625 at 1 kHz, and no image at 8 − 1 = 7 kHz.
        XCTAssertEqual(powerAt(1_000, in: output, sampleRate: 16_000), 0.0625, accuracy: 0.001)
        XCTAssertLessThan(powerAt(7_000, in: output, sampleRate: 16_000), 1e-8)
    }

    func testUpsampledSineMatchesTheContinuousSignal() throws {
        let input = sine(frequency: 440, sampleRate: 8_000, count: 8_000)
        let output = try Resampler.resample(input, from: 8_000, to: 16_000)
        let expected = sine(frequency: 440, sampleRate: 16_000, count: 16_000)
        // Away from the edges (filter start-up), the output is the same sine sampled twice as often.
        let worst = (1_000..<15_000).map { abs(output[$0] - expected[$0]) }.max()!
        XCTAssertLessThan(worst, 1e-3)
    }

    func testDownsamplingRejectsToneAboveTheNewNyquistInsteadOfAliasing() throws {
        // 12 kHz at 48 kHz would alias to 4 kHz at 16 kHz without an anti-aliasing filter.
        let input = sine(frequency: 12_000, sampleRate: 48_000, count: 48_000)
        let output = try Resampler.resample(input, from: 48_000, to: 16_000)
        XCTAssertEqual(output.count, 16_000, accuracy: 1)
        XCTAssertLessThan(powerAt(4_000, in: output, sampleRate: 16_000), 1e-10)
        XCTAssertLessThan(rms(output[1_000..<15_000]), 1e-4)  // −71 dB below the input's 0.35
    }

    func testDownsamplingKeepsToneBelowTheNewNyquist() throws {
        let input = sine(frequency: 3_000, sampleRate: 44_100, count: 44_100)
        let output = try Resampler.resample(input, from: 44_100, to: 16_000)
        XCTAssertEqual(powerAt(3_000, in: output, sampleRate: 16_000), 0.0625, accuracy: 0.001)
    }

    func testSameRateReturnsTheInput() throws {
        let input: [Float] = [0.1, -0.2, 0.3]
        XCTAssertEqual(try Resampler.resample(input, from: 16_000, to: 16_000), input)
    }

    func testRatioBeyondLibsamplerateRangeThrows() {
        XCTAssertFalse(Resampler.canConvert(from: 96_000, to: 100))
        XCTAssertThrowsError(try Resampler.resample([0, 1], from: 96_000, to: 100))
        XCTAssertThrowsError(try Resampler.resample([0, 1], from: 0, to: 16_000))
    }
}
