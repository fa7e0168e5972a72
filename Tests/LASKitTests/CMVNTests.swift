import Foundation
import LASKit
import XCTest

final class CMVNTests: XCTestCase {
    private func matrix(_ frames: Int, _ bins: Int, seed: UInt64) -> FeatureMatrix {
        var rng = SplitMix64(seed: seed)
        // Bin b has mean 10 + b and standard deviation 1 + b.
        let values = (0..<(frames * bins)).map { i -> Float in Float(10 + Double(i % bins) + (1 + Double(i % bins)) * rng.nextNormal()) }
        return FeatureMatrix(frames: frames, bins: bins, values: values)
    }

    private func statistics(_ m: FeatureMatrix, bin: Int) -> (mean: Double, std: Double) {
        let column = (0..<m.frames).map { Double(m[$0, bin]) }
        let mean = column.reduce(0, +) / Double(column.count)
        let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count)
        return (mean, variance.squareRoot())
    }

    func testNormalizedFeaturesHaveZeroMeanAndUnitVariancePerBin() throws {
        let a = matrix(300, 4, seed: 1), b = matrix(500, 4, seed: 2)
        var accumulator = CMVNAccumulator(bins: 4)
        try accumulator.add(a)
        try accumulator.add(b)
        XCTAssertEqual(accumulator.frames, 800)
        let cmvn = try accumulator.finalize()
        let joined = try cmvn.applied(to: FeatureMatrix(frames: 800, bins: 4, values: a.values + b.values))
        for bin in 0..<4 {
            let (mean, std) = statistics(joined, bin: bin)
            XCTAssertEqual(mean, 0, accuracy: 1e-4)
            XCTAssertEqual(std, 1, accuracy: 1e-4)
        }
    }

    func testStatisticsEstimateTheTrueMeanAndDeviation() throws {
        var accumulator = CMVNAccumulator(bins: 3)
        try accumulator.add(matrix(20_000, 3, seed: 3))
        let cmvn = try accumulator.finalize()
        for b in 0..<3 {
            XCTAssertEqual(cmvn.mean[b], Float(10 + b), accuracy: 0.1)
            XCTAssertEqual(1 / cmvn.inverseStd[b], Float(1 + b), accuracy: 0.05)
        }
    }

    func testMergingAccumulatorsEqualsAccumulatingEverything() throws {
        let parts = (0..<4).map { matrix(100, 5, seed: UInt64(10 + $0)) }
        var all = CMVNAccumulator(bins: 5), left = CMVNAccumulator(bins: 5), right = CMVNAccumulator(bins: 5)
        for p in parts { try all.add(p) }
        try left.add(parts[0]); try left.add(parts[1])
        try right.add(parts[2]); try right.add(parts[3])
        try left.merge(right)
        XCTAssertEqual(left.frames, all.frames)
        let merged = try left.finalize(), direct = try all.finalize()
        for b in 0..<5 {
            XCTAssertEqual(merged.mean[b], direct.mean[b], accuracy: 1e-5)
            XCTAssertEqual(merged.inverseStd[b], direct.inverseStd[b], accuracy: 1e-5)
        }
    }

    func testConstantBinGetsAFiniteScale() throws {
        var accumulator = CMVNAccumulator(bins: 2)
        try accumulator.add(FeatureMatrix(frames: 3, bins: 2, values: [1, 5, 2, 5, 3, 5]))
        let cmvn = try accumulator.finalize()
        XCTAssertTrue(cmvn.inverseStd.allSatisfy(\.isFinite))
        XCTAssertEqual(cmvn.mean, [2, 5])
    }

    func testCodableRoundTrip() throws {
        let cmvn = CMVN(mean: [1, 2.5, -3], inverseStd: [0.5, 1, 2])
        XCTAssertEqual(try JSONDecoder().decode(CMVN.self, from: JSONEncoder().encode(cmvn)), cmvn)
    }

    func testUtteranceMeanNormalizationRemovesAFixedChannelOffset() throws {
        // A microphone's response is a constant added to each log-mel bin: with the utterance's
        // own mean removed first, the coloured and the clean recording normalize identically.
        let clean = matrix(200, 4, seed: 4)
        var coloured = clean
        for t in 0..<coloured.frames { for b in 0..<4 { coloured.values[t * 4 + b] += Float(3 - 2 * b) } }
        let cmvn = CMVN(mean: [0.5, -1, 2, 0], inverseStd: [1, 2, 0.5, 1], subtractsUtteranceMean: true)
        let a = try cmvn.applied(to: clean), b = try cmvn.applied(to: coloured)
        for i in a.values.indices { XCTAssertEqual(a.values[i], b.values[i], accuracy: 1e-4) }
        let global = CMVN(mean: cmvn.mean, inverseStd: cmvn.inverseStd)
        XCTAssertNotEqual(try global.applied(to: clean), try global.applied(to: coloured))
    }

    func testUtteranceMeanStatisticsDescribeCentredFeatures() throws {
        var accumulator = CMVNAccumulator(bins: 3)
        for seed in 0..<3 {
            var m = matrix(400, 3, seed: UInt64(20 + seed))
            CMVN.subtractUtteranceMean(&m)
            for b in 0..<3 { XCTAssertEqual(statistics(m, bin: b).mean, 0, accuracy: 1e-4) }
            try accumulator.add(m)
        }
        let cmvn = try accumulator.finalize(subtractsUtteranceMean: true)
        XCTAssertTrue(cmvn.subtractsUtteranceMean)
        for b in 0..<3 {
            XCTAssertEqual(cmvn.mean[b], 0, accuracy: 1e-4)
            XCTAssertEqual(1 / cmvn.inverseStd[b], Float(1 + b), accuracy: 0.15)
        }
    }

    func testStatisticsStoredWithoutTheUtteranceMeanFlagDecodeAsGlobalOnly() throws {
        // Models written before the flag existed carry only mean and inverseStd.
        let json = #"{"mean": [1, 2], "inverseStd": [0.5, 0.25]}"#
        let cmvn = try JSONDecoder().decode(CMVN.self, from: Data(json.utf8))
        XCTAssertFalse(cmvn.subtractsUtteranceMean)
        XCTAssertEqual(cmvn.mean, [1, 2])
        let flagged = CMVN(mean: [1], inverseStd: [1], subtractsUtteranceMean: true)
        XCTAssertEqual(try JSONDecoder().decode(CMVN.self, from: JSONEncoder().encode(flagged)), flagged)
    }

    func testMismatchedBinsAndNoFramesAreErrors() throws {
        var accumulator = CMVNAccumulator(bins: 3)
        XCTAssertThrowsError(try accumulator.finalize()) { XCTAssertEqual($0 as? CMVNError, .noFrames) }
        XCTAssertThrowsError(try accumulator.add(FeatureMatrix(frames: 1, bins: 2))) {
            XCTAssertEqual($0 as? CMVNError, .binMismatch(expected: 3, got: 2))
        }
        var features = FeatureMatrix(frames: 2, bins: 4)
        XCTAssertThrowsError(try CMVN(mean: [0, 0, 0], inverseStd: [1, 1, 1]).apply(to: &features))
    }
}
