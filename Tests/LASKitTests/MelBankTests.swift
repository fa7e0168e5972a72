import LASKit
import XCTest

final class MelBankTests: XCTestCase {
    let config = FeatureConfig()

    func testMelScaleIsKaldis() {
        XCTAssertEqual(MelBank.melScale(0), 0)
        XCTAssertEqual(MelBank.melScale(700), 1127 * log(2), accuracy: 1e-3)
        XCTAssertEqual(MelBank.inverseMelScale(MelBank.melScale(4_000)), 4_000, accuracy: 0.05)
    }

    func testEightyFiltersOverTheFirstHalfOfTheSpectrum() throws {
        let bank = try MelBank(config: config)
        XCTAssertEqual(bank.numBins, 80)
        XCTAssertEqual(bank.fftSize, 512)
        XCTAssertEqual(bank.weights.count, 80)
        XCTAssertEqual(bank.dense().count, 80 * 257)
        // Kaldi never weights the Nyquist bin (index 256).
        for b in 0..<80 { XCTAssertLessThan(bank.firstIndex[b] + bank.weights[b].count, 257) }
    }

    func testWeightsAreInZeroOneAndEachFilterIsATriangle() throws {
        let bank = try MelBank(config: config)
        for (b, w) in bank.weights.enumerated() {
            XCTAssertFalse(w.isEmpty, "filter \(b)")
            XCTAssertTrue(w.allSatisfy { $0 > 0 && $0 <= 1 }, "filter \(b): \(w)")
            // Rises to one peak, then falls.
            let peak = w.firstIndex(of: w.max()!)!
            for k in 0..<peak { XCTAssertLessThan(w[k], w[k + 1], "filter \(b) rising") }
            for k in peak..<(w.count - 1) { XCTAssertGreaterThan(w[k], w[k + 1], "filter \(b) falling") }
        }
    }

    func testFiltersAreOrderedAndCentersEquallySpacedInMel() throws {
        let bank = try MelBank(config: config)
        let mels = bank.centerFrequencies.map(MelBank.melScale)
        let step = (MelBank.melScale(8_000) - MelBank.melScale(20)) / 81
        for b in 1..<80 {
            XCTAssertGreaterThanOrEqual(bank.firstIndex[b], bank.firstIndex[b - 1])
            XCTAssertEqual(mels[b] - mels[b - 1], step, accuracy: 1e-2)
        }
        XCTAssertEqual(mels[0], MelBank.melScale(20) + step, accuracy: 1e-2)
    }

    func testNoWeightOutsideLowAndHighFrequency() throws {
        let bank = try MelBank(config: FeatureConfig(lowFreq: 300, highFreq: 3_400))
        let binHz: Float = 16_000 / 512
        for b in 0..<80 {
            let low = Float(bank.firstIndex[b]) * binHz, high = Float(bank.firstIndex[b] + bank.weights[b].count - 1) * binHz
            XCTAssertGreaterThan(low, 300)
            XCTAssertLessThan(high, 3_400)
        }
    }

    func testAdjacentTrianglesSumToOneBetweenTheFirstAndLastCentre() throws {
        // Triangles with shared edges partition unity in the mel domain.
        let bank = try MelBank(config: FeatureConfig(numMelBins: 23))
        let dense = bank.dense(), columns = 257
        let binHz: Float = 16_000 / 512
        for j in 0..<256 {
            let hz = Float(j) * binHz
            guard hz > bank.centerFrequencies.first! + 1, hz < bank.centerFrequencies.last! - 1 else { continue }
            let total = (0..<23).reduce(Float(0)) { $0 + dense[$1 * columns + j] }
            XCTAssertEqual(total, 1, accuracy: 1e-4, "FFT bin \(j) (\(hz) Hz)")
        }
    }

    /// Vocal tract length perturbation against kaldi-native-fbank's MelBanks with the same warp
    /// (fixtures by tools/make_fbank_fixtures.py).
    func testWarpedFiltersMatchKaldiNativeFbanksVTLNWarp() throws {
        let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("fbank")
        for factor in ["0.9", "1.1"] {
            let reference = try NPYReader.read(fixtures.appendingPathComponent("melbank-warp-\(factor).npy").path)
            let ours = try MelBank(config: config, warpFactor: Float(factor)!).dense()
            XCTAssertEqual(reference.frames, 80)
            XCTAssertEqual(ours.count, reference.values.count, "warp \(factor)")
            guard ours.count == reference.values.count else { continue }
            let worst = zip(ours, reference.values).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(worst, 1e-6, "warp \(factor)")
        }
    }

    func testWarpAboveOneMovesTheFiltersDownAndKeepsTheBandEdges() throws {
        let plain = try MelBank(config: config), warped = try MelBank(config: config, warpFactor: 1.1)
        // Between the cut-offs a filter at f Hz moves to f / 1.1 Hz.
        for b in 10..<70 { XCTAssertEqual(warped.centerFrequencies[b], plain.centerFrequencies[b] / 1.1, accuracy: 0.05, "filter \(b)") }
        XCTAssertEqual(MelBank.vtlnWarp(20, factor: 1.1, low: 100, high: 7_500, lowFreq: 20, highFreq: 8_000), 20)
        XCTAssertEqual(MelBank.vtlnWarp(8_000, factor: 0.9, low: 100, high: 7_500, lowFreq: 20, highFreq: 8_000), 8_000)
        XCTAssertEqual(try MelBank(config: config, warpFactor: 1).dense(), plain.dense())
    }

    func testWarpFactorFarFromOneIsAConfigurationError() {
        XCTAssertThrowsError(try MelBank(config: config, warpFactor: 3)) { error in
            XCTAssertTrue("\(error)".contains("warp factor 3"), "\(error)")
        }
    }

    func testTooManyFiltersForTheFFTResolutionIsAConfigurationError() {
        XCTAssertThrowsError(try MelBank(config: FeatureConfig(numMelBins: 200))) { error in
            XCTAssertTrue("\(error)".contains("covers no FFT bin"), "\(error)")
        }
    }
}
