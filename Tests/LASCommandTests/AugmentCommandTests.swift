import Foundation
import LASKit
import XCTest

/// `las augment` run as a user would, on tiny synthetic recordings (no shared data needed).
final class AugmentCommandTests: XCTestCase {
    private func folder() -> URL {
        let dir = CommandFixtures.temporaryDirectory("augment")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// `count` samples of a 440 Hz tone: amplitude `amplitude` around `offset`.
    private func tone(_ count: Int, amplitude: Float = 0.3, offset: Float = 0, rate: Int = 16_000) -> [Float] {
        (0..<count).map { offset + amplitude * sin(2 * Float.pi * 440 * Float($0) / Float(rate)) }
    }

    /// 16-bit WAVs of `recordings` in `dir` and a JSONL manifest listing them (absolute paths),
    /// with transcripts `TEXT <id>`. Ids in `missing` are listed without a file.
    private func manifest(in dir: URL, _ recordings: [(id: String, samples: [Float], rate: Int)],
                          missing: Set<String> = []) throws -> String {
        var lines = ""
        for r in recordings {
            let path = dir.appendingPathComponent("\(r.id).wav").path
            if !missing.contains(r.id) { try AudioFileWriter.write(r.samples, sampleRate: r.rate, format: .wavPCM16, to: path) }
            lines += "{\"audio_filepath\": \"\(path)\", \"text\": \"TEXT \(r.id.uppercased())\", \"id\": \"\(r.id)\", \"speaker\": \"s1\"}\n"
        }
        let url = dir.appendingPathComponent("input.jsonl")
        try lines.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// One utterance at 16 kHz augmented with `options`; the clean samples as read back and the copy.
    private func augmentOne(_ clean: [Float], _ options: [String]) throws -> (clean: [Float], copy: [Float]) {
        let dir = folder()
        let input = try manifest(in: dir, [("u1", clean, 16_000)])
        let out = dir.appendingPathComponent("out")
        let r = try LASProcess.run(["augment", input, "--output", out.path] + options)
        XCTAssertEqual(r.status, 0, r.stderr)
        return (try AudioFile.read(dir.appendingPathComponent("u1.wav").path),
                try AudioFile.read(out.appendingPathComponent("u1.wav").path))
    }

    func testWritesOneWAVPerUtteranceAndAManifestWithTheSameTranscripts() throws {
        let dir = folder()
        // One input at 8 kHz: the copies are at the pipeline's 16 kHz whatever the source.
        let input = try manifest(in: dir, [("a", tone(8_000), 16_000), ("b", tone(4_000, rate: 8_000), 8_000), ("c", tone(12_000), 16_000)])
        let out = dir.appendingPathComponent("out")
        let r = try LASProcess.run(["augment", input, "--output", out.path, "--noise-color", "pink", "--snr", "15"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("3 of 3 utterances"), r.stdout)

        let wavs = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".wav") }.sorted()
        XCTAssertEqual(wavs, ["a.wav", "b.wav", "c.wav"])
        let original = try DataSet.load(input).utterances, copies = try DataSet.load(out.appendingPathComponent("manifest.jsonl").path).utterances
        XCTAssertEqual(copies.map(\.id), original.map(\.id))
        XCTAssertEqual(copies.map(\.text), original.map(\.text))
        XCTAssertEqual(copies.map(\.speaker), original.map(\.speaker))
        for (copy, seconds) in zip(copies, [0.5, 0.5, 0.75]) {
            XCTAssertEqual(copy.audioPath, out.appendingPathComponent("\(copy.id).wav").standardizedFileURL.path)
            let audio = try AudioFile(copy.audioPath)
            XCTAssertEqual(audio.originalSampleRate, 16_000)
            XCTAssertEqual(audio.channels, 1)
            XCTAssertEqual(audio.duration, seconds, accuracy: 0.001)
            XCTAssertEqual(copy.duration ?? -1, seconds, accuracy: 0.001)
        }
    }

    func testMeasuredSNROfTheCopyEqualsTheRequestedSNR() throws {
        let dir = folder()
        // Noise shorter than the utterance, so the excerpt wraps around as well.
        var rng = SplitMix64(seed: 3)
        let noiseFile = dir.appendingPathComponent("noise.wav").path
        try AudioFileWriter.write((0..<9_000).map { _ in Float(0.1 * rng.nextNormal()) }, sampleRate: 16_000, format: .wavPCM16, to: noiseFile)
        let (clean, copy) = try augmentOne(tone(16_000), ["--noise", noiseFile, "--snr", "10"])
        XCTAssertEqual(copy.count, clean.count)
        let added = zip(copy, clean).map { $0 - $1 }
        XCTAssertEqual(AdditiveNoise.snr(signal: clean, noise: added), 10, accuracy: 0.5)
    }

    func testPadSilenceAddsExactlyNTimes16000ZerosAtEachEnd() throws {
        // A tone that never touches zero, so every zero in the copy is padding.
        let (clean, copy) = try augmentOne(tone(4_000, amplitude: 0.1, offset: 0.2), ["--pad-silence", "0.5"])
        XCTAssertEqual(copy.count, clean.count + 2 * 8_000)
        XCTAssertTrue(copy.prefix(8_000).allSatisfy { $0 == 0 })
        XCTAssertTrue(copy.suffix(8_000).allSatisfy { $0 == 0 })
        XCTAssertEqual(Array(copy[8_000..<(8_000 + clean.count)]), clean)
    }

    func testGain20ClipsToPlusMinusOne() throws {
        let (_, copy) = try augmentOne(tone(8_000, amplitude: 0.5), ["--gain", "20"])
        XCTAssertTrue(copy.allSatisfy { $0 >= -1 && $0 <= 1 })
        // ×10 of a 0.5 tone: all but the samples where |sin| < 0.2 (13 % of them) sit at the rails.
        let clipped = copy.filter { abs($0) > 0.999 }.count
        XCTAssertGreaterThan(clipped, copy.count * 8 / 10)
    }

    func testSameSeedGivesIdenticalBytesAndADifferentSeedDifferentNoise() throws {
        let dir = folder()
        let input = try manifest(in: dir, [("u1", tone(8_000), 16_000)])
        func copy(seed: Int, _ name: String) throws -> Data {
            let out = dir.appendingPathComponent(name)
            let r = try LASProcess.run(["augment", input, "--output", out.path, "--noise-color", "white", "--snr", "5",
                                        "--reverb", "0.3", "--seed", "\(seed)"])
            XCTAssertEqual(r.status, 0, r.stderr)
            return try Data(contentsOf: out.appendingPathComponent("u1.wav"))
        }
        let first = try copy(seed: 7, "first"), again = try copy(seed: 7, "again"), other = try copy(seed: 8, "other")
        XCTAssertEqual(first, again)
        XCTAssertEqual(first.count, other.count)
        XCTAssertNotEqual(first, other)
    }

    func testMissingAudioFileIsReportedInOneLineAndTheOthersAreWritten() throws {
        let dir = folder()
        let input = try manifest(in: dir, [("a", tone(8_000), 16_000), ("gone", tone(8_000), 16_000), ("c", tone(8_000), 16_000)],
                                 missing: ["gone"])
        let out = dir.appendingPathComponent("out")
        let r = try LASProcess.run(["augment", input, "--output", out.path, "--gain", "-6"])
        XCTAssertEqual(r.status, 1, r.stderr)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "las: \(dir.appendingPathComponent("gone.wav").path): no such file (utterance gone)")
        XCTAssertEqual(lines.count, 2, r.stderr)   // and the count of failures
        let copies = try DataSet.load(out.appendingPathComponent("manifest.jsonl").path).utterances
        XCTAssertEqual(copies.map(\.id), ["a", "c"])
        XCTAssertTrue(copies.allSatisfy { FileManager.default.fileExists(atPath: $0.audioPath) })
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("gone.wav").path))
    }

    func testSNRWithoutNoiseIsRefusedBeforeAnyWork() throws {
        let dir = folder()
        let out = dir.appendingPathComponent("out")
        let r = try LASProcess.run(["augment", dir.appendingPathComponent("none.jsonl").path, "--output", out.path, "--snr", "10"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "las: --snr needs noise to mix: give --noise FILE|DIR or --noise-color COLOR\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    func testNegativeReverbIsRefusedInOneLine() throws {
        let r = try LASProcess.run(["augment", "x.jsonl", "--output", "unused", "--reverb", "-0.5"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "las: --reverb must lie in (0, 5] seconds (is -0.5)\n")
    }

    func testBandLimitWithLowNotBelowHighIsRefusedInOneLine() throws {
        let r = try LASProcess.run(["augment", "x.jsonl", "--output", "unused", "--band-limit", "3400:300"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "las: --band-limit must be LOW:HIGH in Hz with 0 < LOW < HIGH <= 8000 (is 3400:300)\n")
    }

    func testHelpMentionsEveryOption() throws {
        let r = try LASProcess.run(["augment", "--help"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for option in ["--output", "--noise", "--noise-color", "--snr", "--reverb", "--gain", "--pad-silence", "--band-limit", "--seed"] {
            XCTAssertTrue(r.stdout.contains(option), "\(option) missing from\n\(r.stdout)")
        }
    }
}
