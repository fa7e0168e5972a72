import Foundation
import XCTest
import LASKit

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
        // The long sample is checked by LongRecordingTests: its structure, not its exact words.
        XCTAssertEqual(Set(got.keys), Set(expected.keys).union(["long-mmkw"]), r.stdout)
        // The bundled model was trained on every shared speaker except these five recordings
        // (tools/train_default_model.sh), so their voices are familiar but the recordings are
        // not. Every sample must come out right: it is what a new user sees first. The closest
        // call is cen2-mdxs-b, where "D A N I E L" beats "T A N I E L" by 0.03 in log-probability.
        for (name, text) in expected.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(got[name], text, "\(name)\n\(r.stdout)")
        }
    }

    /// A 0.14 s digit gives the listener 3 frames, fewer than half the location kernel's 31 taps.
    func testARecordingShorterThanTheAttentionKernelIsTranscribed() throws {
        let digit = CommandFixtures.fsdd.appendingPathComponent("recordings/6_yweweler_3.wav").path
        let r = try LASProcess.run(["transcribe", digit])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 1, r.stdout)
    }

    /// A 20 ms clip gives 0 feature frames, fewer than the listener's 4. It is reported in one
    /// line and the files batched with it are still transcribed (they used to come out empty).
    func testAClipTooShortToTranscribeIsReportedAndTheRestOfTheBatchTranscribed() throws {
        let dir = CommandFixtures.temporaryDirectory("transcribe-short")
        let short = dir.appendingPathComponent("click.wav").path
        try AudioFileWriter.write((0..<320).map { Float($0 % 7) / 70 }, sampleRate: 16_000, format: .wavPCM16, to: short)
        let good = CommandFixtures.samples.appendingPathComponent("cen3-fjam-b.wav").path
        let r = try LASProcess.run(["transcribe", short, good])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "las: \(short): audio is too short to transcribe (20 ms, at least 55 ms needed)\nlas: 1 of 2 files failed\n")
        XCTAssertEqual(r.stdout, "\(good)\t\(try expectedTranscripts()["cen3-fjam-b"]!)\n")
    }

    /// Digital silence (exact zeros) used to pull the utterance mean far from the speech, and the
    /// padded samples came out nearly empty; the silence level leaves those frames out of it.
    func testSamplesPaddedWithTwoSecondsOfDigitalSilenceTranscribeAsUnpadded() throws {
        let expected = try expectedTranscripts()
        let dir = CommandFixtures.temporaryDirectory("transcribe-padded")
        var paths: [String: String] = [:]
        for name in expected.keys.sorted() {
            let file = try FileManager.default.contentsOfDirectory(atPath: CommandFixtures.samples.path)
                .first { ($0 as NSString).deletingPathExtension == name }!
            let audio = try AudioFile(CommandFixtures.samples.appendingPathComponent(file).path)
            let zeros = [Float](repeating: 0, count: 32_000)
            let padded = dir.appendingPathComponent(name + ".wav").path
            try AudioFileWriter.write(zeros + audio.samples + zeros, sampleRate: 16_000, format: .wavPCM16, to: padded)
            paths[padded] = expected[name]!
        }
        let r = try LASProcess.run(["transcribe"] + paths.keys.sorted())
        XCTAssertEqual(r.status, 0, r.stderr)
        let expectedOut = paths.keys.sorted().map { "\($0)\t\(paths[$0]!)\n" }.joined()
        XCTAssertEqual(r.stdout, expectedOut)
    }
}
