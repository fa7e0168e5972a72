import XCTest
import LASKit

/// A tone-plus-noise stand-in for speech: nonzero energy everywhere, deterministic.
private func testSignal(_ count: Int, seed: UInt64 = 7) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { 0.3 * sinf(Float($0) * 0.07) + 0.05 * Float(rng.nextNormal()) }
}

final class AdditiveNoiseTests: XCTestCase {
    func testMixedNoiseHasTheRequestedSNRWithinAHundredthOfADecibel() {
        let clean = testSignal(16_000)
        var rng = SplitMix64(seed: 3)
        for color in NoiseColor.allCases {
            for snr: Float in [0, 10, 20, 30] {
                var noisy = clean
                AdditiveNoise.mix(&noisy, noise: color.samples(clean.count, rng: &rng), snr: snr)
                let added = zip(noisy, clean).map { $0 - $1 }
                XCTAssertEqual(AdditiveNoise.snr(signal: clean, noise: added), Double(snr), accuracy: 0.01, "\(color) at \(snr) dB")
            }
        }
    }

    func testSilentSignalIsLeftAlone() {
        var silent = [Float](repeating: 0, count: 100)
        AdditiveNoise.mix(&silent, noise: [Float](repeating: 1, count: 100), snr: 10)
        XCTAssertEqual(silent, [Float](repeating: 0, count: 100))
    }

    /// Power-spectrum slope per octave from a periodogram averaged over blocks, between
    /// 250 Hz and 4 kHz at 16 kHz: white 0, pink −3, brown −6 dB per octave.
    func testColouredNoiseHasItsSpectralSlope() {
        var rng = SplitMix64(seed: 11)
        for (color, slope) in [(NoiseColor.white, 0.0), (.pink, -3.0), (.brown, -6.0)] {
            let x = color.samples(1 << 16, rng: &rng)
            func band(_ f: Double) -> Double {   // mean power near f by a Goertzel-like DFT sum over blocks
                let n = 1024, k = Int(f / 16_000 * Double(n))
                var total = 0.0
                for block in 0..<(x.count / n) {
                    for kk in (k - 2)...(k + 2) {
                        var re = 0.0, im = 0.0
                        for i in 0..<n {
                            let w = 2 * Double.pi * Double(kk * i) / Double(n)
                            re += Double(x[block * n + i]) * cos(w); im -= Double(x[block * n + i]) * sin(w)
                        }
                        total += re * re + im * im
                    }
                }
                return total
            }
            let measured = 10 * log10(band(4_000) / band(250)) / 4   // four octaves
            XCTAssertEqual(measured, slope, accuracy: 1.0, "\(color)")
        }
    }
}

final class RoomReverbTests: XCTestCase {
    func testImpulseResponseDecaysInTheRequestedRT60() {
        for rt60: Float in [0.2, 0.4, 0.6, 0.9] {
            var rng = SplitMix64(seed: 5)
            let h = RoomReverb.impulseResponse(rt60: rt60, sampleRate: 16_000, rng: &rng)
            XCTAssertEqual(RoomReverb.decayTime(h, sampleRate: 16_000), Double(rt60), accuracy: 0.05 * Double(rt60), "RT60 \(rt60)")
        }
    }

    func testFFTConvolutionEqualsDirectConvolution() {
        let x = testSignal(300)
        let h: [Float] = [1, 0.5, -0.25, 0, 0.125]
        let direct = (0..<x.count).map { n in (0..<h.count).reduce(Float(0)) { $0 + (n - $1 >= 0 ? h[$1] * x[n - $1] : 0) } }
        let fast = RoomReverb.convolve(x, with: h)
        XCTAssertEqual(fast.count, x.count)
        for (a, b) in zip(fast, direct) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    func testDirectPathToReverberationRatioIsAsRequested() {
        var rng = SplitMix64(seed: 2)
        let h = RoomReverb.impulseResponse(rt60: 0.5, sampleRate: 16_000, reverberantRatio: 2, rng: &rng)
        let tail = h.dropFirst().reduce(0.0) { $0 + Double($1) * Double($1) }
        XCTAssertEqual(h[0], 1)
        XCTAssertEqual(tail, 2, accuracy: 1e-4)
    }
}

final class MicrophoneColorationTests: XCTestCase {
    func testBandLimitPassesTheBandAndCutsOutsideIt() {
        let c = MicrophoneColoration(highPass: 300, lowPass: 3_400, peakFrequency: 1_000, peakGainDB: 0)
        let filters = c.filters(sampleRate: 16_000)
        func response(_ f: Double) -> Double { filters.reduce(0) { $0 + $1.responseDB(at: f, sampleRate: 16_000) } }
        XCTAssertEqual(response(1_000), 0, accuracy: 0.5)
        XCTAssertEqual(response(300), -3, accuracy: 0.3)     // Butterworth: −3 dB at the cutoff
        XCTAssertEqual(response(3_400), -3, accuracy: 0.3)
        XCTAssertLessThan(response(50), -25)
        XCTAssertLessThan(response(7_000), -10)
    }

    func testFilteringAToneScalesItByTheFilterResponse() {
        let peak = Biquad.peaking(center: 1_000, gainDB: 6, q: 1, sampleRate: 16_000)
        var tone = (0..<16_000).map { sinf(2 * .pi * 1_000 * Float($0) / 16_000) }
        let before = AdditiveNoise.energy(Array(tone[8_000...]))
        peak.filter(&tone)
        let after = AdditiveNoise.energy(Array(tone[8_000...]))
        XCTAssertEqual(10 * log10(after / before), 6, accuracy: 0.1)
        XCTAssertEqual(peak.responseDB(at: 1_000, sampleRate: 16_000), 6, accuracy: 1e-6)
    }

    func testGainThenClippingKeepsSamplesWithinFullScale() {
        var x = testSignal(1_000)
        GainClipping.apply(to: &x, gainDB: 20)
        XCTAssertEqual(x.map(abs).max(), 1)
        var quiet = [Float(0.5), -0.25]
        GainClipping.apply(to: &quiet, gainDB: -20)
        XCTAssertEqual(quiet[0], 0.05, accuracy: 1e-7)
        XCTAssertEqual(quiet[1], -0.025, accuracy: 1e-7)
    }

    func testSilencePaddingAddsExactZeros() {
        var x: [Float] = [0.5, -0.5]
        SilencePadding.apply(to: &x, before: 3, after: 2)
        XCTAssertEqual(x, [0, 0, 0, 0.5, -0.5, 0, 0])
    }
}

final class MultiConditionTrainingTests: XCTestCase {
    func testProbabilityZeroDrawsTheCleanSignalAndOneDrawsEveryCorruption() {
        var none = MultiConditionTraining()
        none.noiseProbability = 0; none.reverbProbability = 0; none.colorationProbability = 0
        none.gainProbability = 0; none.paddingProbability = 0
        var every = none
        every.noiseProbability = 1; every.reverbProbability = 1; every.colorationProbability = 1
        every.gainProbability = 1; every.paddingProbability = 1
        var rng = SplitMix64(seed: 1)
        let pool = NoisePool(recordings: [testSignal(5_000, seed: 2)], babble: [testSignal(3_000, seed: 3)])
        for _ in 0..<20 {
            XCTAssertTrue(none.draw(sampleRate: 16_000, length: 8_000, pool: pool, rng: &rng).isIdentity)
            let c = every.draw(sampleRate: 16_000, length: 8_000, pool: pool, rng: &rng)
            XCTAssertNotNil(c.reverbRT60); XCTAssertNotNil(c.noise); XCTAssertNotNil(c.coloration)
            XCTAssertNotNil(c.gainDB); XCTAssertNotNil(c.padding)
            let out = c.apply(to: testSignal(8_000), sampleRate: 16_000, pool: pool, rng: &rng)
            XCTAssertEqual(out.count, 8_000 + c.padding!.before + c.padding!.after)
            XCTAssertTrue(out.allSatisfy { $0.isFinite && abs($0) <= 1 })
            XCTAssertTrue(out[..<c.padding!.before].allSatisfy { $0 == 0 }, "padding is exact zeros")
        }
    }

    func testPaddingIsDecidedByTheCallerAndNeverLongerThanTheUtterance() {
        var m = MultiConditionTraining()
        m.paddingProbability = 1; m.maxPaddingSeconds = 60
        var rng = SplitMix64(seed: 4)
        let pool = NoisePool()
        for _ in 0..<50 {
            XCTAssertNil(m.draw(sampleRate: 16_000, length: 1_000, pool: pool, padded: false, rng: &rng).padding)
            let p = try! XCTUnwrap(m.draw(sampleRate: 16_000, length: 1_000, pool: pool, padded: true, rng: &rng).padding)
            XCTAssertLessThanOrEqual(max(p.before, p.after), 1_000)
        }
    }

    func testAnUnusableSettingIsNamed() {
        var m = MultiConditionTraining()
        m.snrRange = [20, 10]
        XCTAssertEqual(m.problem, "multiCondition.snrRange must be [lower, upper] with lower ≤ upper (is [20.0, 10.0])")
        m = MultiConditionTraining()
        m.reverbProbability = 2
        XCTAssertEqual(m.problem, "multiCondition.reverbProbability must lie between 0 and 1 (is 2.0)")
        XCTAssertNil(MultiConditionTraining().problem)
    }
}
