import Dispatch
import Foundation
import LASKit
import XCTest

final class LogMelFilterbankTests: XCTestCase {
    /// Kaldi's fbank written plainly in Double with a direct DFT: an independent check of the
    /// fast path (window, DC removal, pre-emphasis, padding, power or magnitude, mel, log floor).
    private func directFbank(_ samples: [Float], _ config: FeatureConfig) throws -> [Float] {
        let bank = try MelBank(config: config).dense(), columns = config.fftSize / 2 + 1
        let n = config.frameLength, window = config.window.coefficients(length: n)
        var out = [Float]()
        for t in 0..<config.frameCount(sampleCount: samples.count) {
            let start = config.firstSample(ofFrame: t)
            var x = (0..<n).map { i -> Double in
                var j = start + i
                while j < 0 || j >= samples.count { j = j < 0 ? -j - 1 : 2 * samples.count - 1 - j }
                return Double(samples[j]) * Double(config.inputScale)
            }
            if config.removeDCOffset { let mean = x.reduce(0, +) / Double(n); x = x.map { $0 - mean } }
            let k = Double(config.preemphasis)
            for i in stride(from: n - 1, to: 0, by: -1) { x[i] -= k * x[i - 1] }
            x[0] -= k * x[0]
            for i in 0..<n { x[i] *= Double(window[i]) }
            var spectrum = [Double](repeating: 0, count: columns)
            for j in 0..<columns {
                var re = 0.0, im = 0.0
                for i in 0..<n {
                    let angle = -2 * Double.pi * Double(j * i) / Double(config.fftSize)
                    re += x[i] * cos(angle)
                    im += x[i] * sin(angle)
                }
                spectrum[j] = config.usePower ? re * re + im * im : (re * re + im * im).squareRoot()
            }
            for b in 0..<config.numMelBins {
                var energy = 0.0
                for j in 0..<columns { energy += Double(bank[b * columns + j]) * spectrum[j] }
                out.append(Float(log(max(energy, Double(config.logFloor)))))
            }
        }
        return out
    }

    private func noise(_ count: Int, seed: UInt64, amplitude: Double = 0.3) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float(amplitude * (rng.nextUniform() * 2 - 1)) }
    }

    private func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }

    func testDefaultFeaturesMatchADirectDoublePrecisionComputation() throws {
        let samples = noise(2_000, seed: 1)
        let config = FeatureConfig()
        let features = try LogMelFilterbank(config: config).compute(samples)
        XCTAssertEqual(features.frames, 11)
        XCTAssertLessThan(maxDifference(features.values, try directFbank(samples, config)), 1e-3)
    }

    func testOtherOptionsMatchADirectComputationToo() throws {
        let samples = noise(1_700, seed: 2)
        let configs = [
            FeatureConfig(snipEdges: false, removeDCOffset: false, preemphasis: 0, window: .hamming, numMelBins: 40),
            FeatureConfig(window: .hanning, numMelBins: 23, lowFreq: 64, highFreq: -400, usePower: false),
            FeatureConfig(sampleRate: 8_000, window: .rectangular, numMelBins: 30),
        ]
        for config in configs {
            let features = try LogMelFilterbank(config: config).compute(samples)
            XCTAssertEqual(features.frames, config.frameCount(sampleCount: samples.count))
            XCTAssertEqual(features.bins, config.numMelBins)
            XCTAssertLessThan(maxDifference(features.values, try directFbank(samples, config)), 1e-3, "\(config)")
        }
    }

    func testSilenceWithoutNoiseFloorGivesTheLogOfTheFloorEverywhere() throws {
        let features = try LogMelFilterbank(config: FeatureConfig(noiseFloorDither: 0)).compute([Float](repeating: 0, count: 4_000))
        XCTAssertEqual(features.frames, 23)
        XCTAssertTrue(features.values.allSatisfy { abs($0 - log(Float.ulpOfOne)) < 1e-6 })
    }

    func testDigitalSilenceGivesTheNoiseFloorInEveryFrame() throws {
        let bank = try LogMelFilterbank()
        let features = bank.compute([Float](repeating: 0, count: 4_000))
        for t in 0..<features.frames {
            for b in 0..<80 { XCTAssertEqual(features.values[t * 80 + b], log(bank.noiseFloor[b]), accuracy: 1e-5) }
        }
    }

    /// N[b] is the mean energy Kaldi's dither 1 gives silence: white noise of one 16-bit step,
    /// through the unfloored filterbank, averaged over 4,000 frames, within 5 % per filter.
    func testNoiseFloorIsTheMeanEnergyOfUnitDither() throws {
        let floor = try LogMelFilterbank().noiseFloor
        // The raw dither, not raised as a quiet recording would be.
        let plain = try LogMelFilterbank(config: FeatureConfig(noiseFloorDither: 0, maximumQuietGainDB: 0))
        var rng = SplitMix64(seed: 9)
        let dither = (0..<(400 + 3_999 * 160)).map { _ in Float(rng.nextNormal()) / 32_768 }
        let features = plain.compute(dither)
        for b in 0..<80 {
            var mean = 0.0
            for t in 0..<features.frames { mean += Double(exp(features.values[t * 80 + b])) }
            mean /= Double(features.frames)
            XCTAssertEqual(mean / Double(floor[b]), 1, accuracy: 0.05, "filter \(b)")
        }
    }

    func testFewerSamplesThanOneFrameGiveNoFrames() throws {
        let features = try LogMelFilterbank().compute([Float](repeating: 0.1, count: 399))
        XCTAssertEqual(features.frames, 0)
        XCTAssertEqual(features.bins, 80)
        XCTAssertTrue(features.values.isEmpty)
    }

    func testSineEnergyPeaksInTheFilterCentredOnItsFrequency() throws {
        let filterbank = try LogMelFilterbank()
        for frequency in [300.0, 1_000, 3_000, 6_000] {
            let features = filterbank.compute(sine(frequency: frequency, sampleRate: 16_000, count: 1_600))
            let row = Array(features.row(5))
            let peak = row.firstIndex(of: row.max()!)!
            let nearest = filterbank.melBank.centerFrequencies.enumerated()
                .min { abs(Double($0.element) - frequency) < abs(Double($1.element) - frequency) }!.offset
            XCTAssertLessThanOrEqual(abs(peak - nearest), 1, "\(frequency) Hz peaked in bin \(peak), nearest centre \(nearest)")
        }
    }

    func testDoublingTheAmplitudeAddsLogFourToEveryBin() throws {
        let filterbank = try LogMelFilterbank()
        let quiet = noise(3_200, seed: 3, amplitude: 0.1)
        let a = filterbank.compute(quiet), b = filterbank.compute(quiet.map { $0 * 2 })
        for (x, y) in zip(a.values, b.values) { XCTAssertEqual(y - x, log(4), accuracy: 1e-3) }
    }

    func testARecordingQuieterThanTheMinimumPeakIsRaisedToIt() throws {
        let filterbank = try LogMelFilterbank()
        let speechLike = noise(3_200, seed: 5, amplitude: 0.3)
        let peak = speechLike.map(abs).max()!, atMinimum = powf(10, -24 / 20) / peak
        let quiet = filterbank.compute(speechLike.map { $0 * 0.01 })   // −40 dB, peak near −50 dBFS
        let raised = filterbank.compute(speechLike.map { $0 * atMinimum })
        XCTAssertLessThan(maxDifference(quiet.values, raised.values), 1e-3)
    }

    func testARecordingAtOrAboveTheMinimumPeakIsUnchanged() throws {
        let samples = noise(3_200, seed: 6, amplitude: 0.07)   // peak about −23 dBFS
        var off = FeatureConfig(); off.maximumQuietGainDB = 0
        XCTAssertEqual(try LogMelFilterbank().compute(samples).values, try LogMelFilterbank(config: off).compute(samples).values)
    }

    func testTheQuietRecordingGainIsCappedAtItsMaximum() {
        let config = FeatureConfig()
        XCTAssertEqual(config.quietRecordingGain(peak: 1e-6), powf(10, 30 / 20), accuracy: 1e-3)
        XCTAssertEqual(config.quietRecordingGain(peak: 0), 1)
        XCTAssertEqual(config.quietRecordingGain(peak: 0.5), 1)
    }

    func testConstantOffsetIsRemovedWithTheDCComponent() throws {
        let filterbank = try LogMelFilterbank()
        let speechLike = noise(3_200, seed: 4)
        let shifted = filterbank.compute(speechLike.map { $0 + 0.25 })
        XCTAssertLessThan(maxDifference(filterbank.compute(speechLike).values, shifted.values), 1e-2)
    }

    func testComputeIntoABufferGivesTheSameFeatures() throws {
        let filterbank = try LogMelFilterbank(), samples = noise(5_000, seed: 5)
        var buffer = [Float](repeating: .nan, count: 40 * 80)
        let frames = samples.withUnsafeBufferPointer { s in buffer.withUnsafeMutableBufferPointer { filterbank.compute(s, into: $0) } }
        XCTAssertEqual(frames, 29)
        XCTAssertEqual(Array(buffer[0..<(frames * 80)]), filterbank.compute(samples).values)
    }

    func testReusedFilterbankGivesIdenticalFeaturesEveryTime() throws {
        let filterbank = try LogMelFilterbank(), samples = noise(4_321, seed: 6)
        let first = filterbank.compute(samples)
        _ = filterbank.compute(noise(999, seed: 7))
        XCTAssertEqual(filterbank.compute(samples), first)
    }

    func testFilterbanksCreatedOnManyThreadsAtOnceAgree() throws {
        let samples = noise(8_000, seed: 8)
        let expected = try LogMelFilterbank().compute(samples)
        let results = UnsafeMutableBufferPointer<FeatureMatrix?>.allocate(capacity: 16)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            results[i] = (try? LogMelFilterbank())?.compute(samples)
        }
        for i in 0..<16 { XCTAssertEqual(results[i], expected, "thread \(i)") }
    }

    func testWindowsAreKaldis() {
        let povey = FeatureConfig.Window.povey.coefficients(length: 400)
        XCTAssertEqual(povey[0], 0)
        XCTAssertEqual(povey[399], 0, accuracy: 1e-12)
        XCTAssertEqual(povey[200], Float(pow(0.5 - 0.5 * cos(2 * Double.pi * 200 / 399), 0.85)))
        XCTAssertEqual(FeatureConfig.Window.hamming.coefficients(length: 400)[0], 0.08, accuracy: 1e-7)
        XCTAssertEqual(FeatureConfig.Window.rectangular.coefficients(length: 3), [1, 1, 1])
    }
}
