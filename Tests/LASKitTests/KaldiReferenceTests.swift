import Foundation
import LASKit
import XCTest

/// LogMelFilterbank against kaldi-native-fbank on real speech (fixtures made by
/// tools/make_fbank_fixtures.py from the recordings in Tests/Fixtures/speech; see its docstring).
final class KaldiReferenceTests: XCTestCase {
    struct Manifest: Decodable {
        struct Case: Decodable {
            let name: String
            let audio: String
            let original_sample_rate: Int
            let snip_edges: Bool
            let samples: Int
            let frames: Int
        }
        let cases: [Case]
    }

    private var fixtures: URL { Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("fbank") }

    private func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: fixtures.appendingPathComponent("manifest.json")))
    }

    private func check(_ testCase: Manifest.Case, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = repositoryRoot.appendingPathComponent(testCase.audio).standardizedFileURL.path
        let audio = try AudioFile(path)
        XCTAssertEqual(audio.originalSampleRate, testCase.original_sample_rate, file: file, line: line)
        XCTAssertEqual(audio.samples.count, testCase.samples, "resampled length", file: file, line: line)
        let filterbank = try LogMelFilterbank(config: FeatureConfig(snipEdges: testCase.snip_edges, noiseFloorDither: 0))
        let ours = filterbank.compute(audio.samples)
        let reference = try NPYReader.read(fixtures.appendingPathComponent(testCase.name + ".npy").path)
        XCTAssertEqual(ours.frames, testCase.frames, file: file, line: line)
        XCTAssertEqual(ours.frames, reference.frames, file: file, line: line)
        XCTAssertEqual(ours.bins, 80, file: file, line: line)
        guard ours.values.count == reference.values.count else { return }
        // Below a mel energy of e (log-mel 1, in squared 16-bit units: under the quantization noise
        // of any 16-bit recording except in the lowest filters) the values are rounding noise of
        // the FFT that computed them, single precision here, double in kaldi-native-fbank. Only the
        // upsampled 8 kHz file has many: its empty 4–8 kHz band. There both sides must just agree
        // that the band is near silent.
        var compared: [Float] = [], nearSilent = 0
        for (x, r) in zip(ours.values, reference.values) {
            if r >= 1 {
                compared.append(abs(x - r))
            } else {
                nearSilent += 1
                XCTAssertLessThan(x, 2, "\(testCase.name): reference \(r) is near silent, ours \(x)", file: file, line: line)
            }
        }
        if testCase.original_sample_rate == 16_000 {
            XCTAssertLessThanOrEqual(nearSilent, ours.values.count / 1_000, "\(testCase.name): near-silent values", file: file, line: line)
        }
        let worst = compared.max()!, mean = compared.reduce(0, +) / Float(compared.count)
        XCTAssertLessThanOrEqual(worst, 2e-3, "\(testCase.name): max |Δ log-mel|", file: file, line: line)
        XCTAssertLessThanOrEqual(mean, 1e-5, "\(testCase.name): mean |Δ log-mel|", file: file, line: line)
    }

    private func check(named name: String) throws {
        let all = try manifest().cases
        guard let testCase = all.first(where: { $0.name == name }) else { return XCTFail("no fixture \(name)") }
        try check(testCase)
    }

    func testAN4FemaleSpeakerMatchesKaldiNativeFbank() throws { try check(named: "an78-fjam-b") }
    func testAN4MaleSpeakerMatchesKaldiNativeFbank() throws { try check(named: "cen3-mfaa-b") }
    func testAN4SecondMaleSpeakerMatchesKaldiNativeFbank() throws { try check(named: "an355-msjr-b") }
    func testReflectedEdgesMatchKaldiNativeFbankWithoutSnipEdges() throws { try check(named: "cen3-mfaa-b-no-snip-edges") }
    func testResampledEightKilohertzFSDDMatchesKaldiNativeFbank() throws { try check(named: "3_lucas_7-resampled") }

    func testEveryFixtureIsChecked() throws {
        XCTAssertEqual(Set(try manifest().cases.map(\.name)),
                       ["an78-fjam-b", "cen3-mfaa-b", "an355-msjr-b", "cen3-mfaa-b-no-snip-edges", "3_lucas_7-resampled"])
    }
}
