import Foundation
import LASKit
import XCTest

/// The model that ships in models/ must work for a new user, from any working directory.
final class BundledModelTests: XCTestCase {
    func expectedTranscripts() throws -> [String: String] {
        let text = try String(contentsOf: CommandFixtures.samples.appendingPathComponent("transcripts.txt"), encoding: .utf8)
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            out[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return out
    }

    func testBundledModelTranscribesTheAudioSamplesFromAnotherWorkingDirectory() throws {
        let expected = try expectedTranscripts()
        let r = try LASProcess.run(["transcribe", CommandFixtures.samples.path],
                                   workingDirectory: FileManager.default.temporaryDirectory)
        XCTAssertEqual(r.status, 0, r.stderr)
        var got: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            let name = ((String(parts[0]) as NSString).lastPathComponent as NSString).deletingPathExtension
            got[name] = parts.count > 1 ? String(parts[1]) : ""
        }
        XCTAssertEqual(Set(got.keys), Set(expected.keys), r.stdout)
        // These five speakers were held out of training. On the 591 words of the held-out AN4
        // utterances the model makes 10.3% word errors; 14 words spread that by about ±1.1 errors
        // (binomial), so two of those above the expected 1.4 is under 4 errors, i.e. under 30%
        // (measured: 1 error).
        var errors = ErrorCounts()
        for (name, text) in expected { errors += wordErrors(reference: text, hypothesis: got[name] ?? "") }
        XCTAssertEqual(errors.referenceLength, 14)
        XCTAssertLessThan(errors.rate, 0.30, "\(errors.kaldiSummary(label: "WER")):\n\(r.stdout)")
    }

    /// A 0.14 s digit gives the listener 3 frames, fewer than half the location kernel's 31 taps.
    func testARecordingShorterThanTheAttentionKernelIsTranscribed() throws {
        let digit = CommandFixtures.fsdd.appendingPathComponent("recordings/6_yweweler_3.wav").path
        let r = try LASProcess.run(["transcribe", digit])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 1, r.stdout)
    }
}
