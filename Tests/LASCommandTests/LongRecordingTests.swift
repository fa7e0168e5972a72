import Foundation
import XCTest
import LASKit

/// Whole recordings as people have them: long, with pauses of room noise and of digital
/// silence, from files or from standard input. The bundled model's exact words may change when
/// it is retrained, so these check where the segments fall and bound the error rate.
final class LongRecordingTests: XCTestCase {
    var longSample: String { CommandFixtures.samples.appendingPathComponent("long-mmkw.flac").path }

    /// The utterances of the long sample: start and end seconds and words (audio-samples/long-mmkw.txt).
    func utterances() throws -> [(start: Double, end: Double, text: String)] {
        let text = try String(contentsOf: CommandFixtures.samples.appendingPathComponent("long-mmkw.txt"), encoding: .utf8)
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: " ", maxSplits: 2)
            return (Double(parts[0])!, Double(parts[1])!, String(parts[2]))
        }
    }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let r = try LASProcess.run(["transcribe", "--format", "json"] + arguments)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    func segments(_ object: [String: Any]) throws -> [(start: Double, end: Double, text: String)] {
        try XCTUnwrap(object["segments"] as? [[String: Any]]).map { ($0["start"] as! Double, $0["end"] as! Double, $0["text"] as! String) }
    }

    func wordErrors(_ hypothesis: String, _ reference: String) -> Double {
        let counts = LevenshteinAlignment(reference: reference.split(separator: " ").map(String.init),
                                                hypothesis: hypothesis.split(separator: " ").map(String.init)).counts
        return Double(counts.errors) / Double(counts.referenceLength)
    }

    func testEachUtteranceOfALongRecordingIsOneSegmentCutInThePausesAround() throws {
        let object = try json([longSample])
        let found = try segments(object), truth = try utterances()
        let duration = try XCTUnwrap(object["duration"] as? Double)
        XCTAssertEqual(found.count, truth.count, "\(found)")
        for (s, u) in zip(found, truth) {
            // Covers the utterance (AN4 files hold their own leading and trailing silence, so
            // their first and last 0.3 s may be left out)...
            XCTAssertLessThanOrEqual(s.start, u.start + 0.3, "\(s) for \(u)")
            XCTAssertGreaterThanOrEqual(s.end, u.end - 0.3, "\(s) for \(u)")
            // ...and is cut inside the 1.5 s pauses around it.
            XCTAssertGreaterThan(s.start, u.start - 1.5, "\(s) for \(u)")
            XCTAssertLessThan(s.end, u.end + 1.5, "\(s) for \(u)")
        }
        for (a, b) in zip(found, found.dropFirst()) { XCTAssertLessThanOrEqual(a.end, b.start) }
        XCTAssertGreaterThanOrEqual(found.first!.start, 0)
        XCTAssertLessThanOrEqual(found.last!.end, duration)
        for word in try XCTUnwrap(object["words"] as? [[String: Any]]) {
            let start = word["start"] as! Double, end = word["end"] as! Double
            XCTAssertTrue(found.contains { $0.start - 0.05 <= start && end <= $0.end + 0.05 }, "\(word) outside every segment")
        }
    }

    func testALongRecordingScoresAboutAsWellAsItsUtterancesDo() throws {
        let object = try json([longSample])
        let reference = try utterances().map(\.text).joined(separator: " ")
        // The bundled model gets 1 of 39 words wrong here; a model that lost its way in the
        // pauses (the 20 s cuts it replaced scored 40-100 % on such recordings) fails this.
        XCTAssertLessThan(wordErrors(object["text"] as! String, reference), 0.2, object["text"] as! String)
    }

    func testARecordingLongerThanTenMinutesIsTranscribedWithTimesFromItsStart() throws {
        let dir = CommandFixtures.temporaryDirectory("long-file")
        let rate = 16_000
        let utterance = try AudioFile.read(CommandFixtures.samples.appendingPathComponent("cen3-fjam-b.wav").path)
        var samples = [Float](repeating: 0, count: 620 * rate + utterance.count + rate)
        for at in [300, 620] { samples.replaceSubrange((at * rate)..<(at * rate + utterance.count), with: utterance) }
        let path = dir.appendingPathComponent("eleven-minutes.wav").path
        try AudioFileWriter.write(samples, sampleRate: rate, format: .wavPCM16, to: path)
        let found = try segments(try json([path]))
        XCTAssertEqual(found.count, 2, "\(found)")
        for (s, at) in zip(found, [300.0, 620.0]) {
            XCTAssertEqual(s.start, at, accuracy: 0.05)
            XCTAssertEqual(s.end, at + Double(utterance.count) / Double(rate), accuracy: 0.05)
        }
    }

    func testSubtitlesHaveOneCuePerSegmentInSubRipAndWebVTT() throws {
        let texts = try segments(try json([longSample])).map(\.text).filter { !$0.isEmpty }
        let srt = try LASProcess.run(["transcribe", "--format", "srt", longSample])
        XCTAssertEqual(srt.status, 0, srt.stderr)
        let cues = srt.stdout.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        XCTAssertEqual(cues.count, texts.count, srt.stdout)
        for (k, cue) in cues.enumerated() {
            let lines = cue.split(separator: "\n")
            XCTAssertEqual(lines[0], "\(k + 1)")
            XCTAssertNotNil(lines[1].range(of: #"^\d\d:\d\d:\d\d,\d\d\d --> \d\d:\d\d:\d\d,\d\d\d$"#, options: .regularExpression), cue)
            XCTAssertEqual(String(lines[2]), texts[k])
        }
        let vtt = try LASProcess.run(["transcribe", "--format", "vtt", longSample])
        XCTAssertTrue(vtt.stdout.hasPrefix("WEBVTT\n\n"), vtt.stdout)
        XCTAssertEqual(vtt.stdout.components(separatedBy: " --> ").count - 1, texts.count, vtt.stdout)
    }

    func testSubtitlesForSeveralFilesNeedAnOutputFolderAndGoThereOnePerFile() throws {
        let dir = CommandFixtures.temporaryDirectory("subtitles")
        let files = ["cen3-fjam-b.wav", "an52-mmaf-b.wav"].map { CommandFixtures.samples.appendingPathComponent($0).path }
        let refused = try LASProcess.run(["transcribe", "--format", "srt"] + files)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("--output-dir"), refused.stderr)
        let r = try LASProcess.run(["transcribe", "--format", "vtt", "--output-dir", dir.path] + files)
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["cen3-fjam-b.vtt", "an52-mmaf-b.vtt"] {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            XCTAssertTrue(text.hasPrefix("WEBVTT\n\n00:00:"), text)
        }
    }

    func testStandardInputWAVGivesOneLinePerSegment() throws {
        let dir = CommandFixtures.temporaryDirectory("stdin")
        let wav = dir.appendingPathComponent("long.wav").path
        try AudioFileWriter.write(try AudioFile.read(longSample), sampleRate: 16_000, format: .wavPCM16, to: wav)
        let fromFile = try segments(try json([longSample])).map(\.text).filter { !$0.isEmpty }
        let r = try LASProcess.run(["transcribe", "-"], standardInput: try Data(contentsOf: URL(fileURLWithPath: wav)))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").map(String.init), fromFile)
    }

    func testRawSixteenBitStandardInputAtTheGivenRateIsTranscribed() throws {
        let samples = try AudioFile.read(CommandFixtures.samples.appendingPathComponent("7_lucas_0.wav").path, sampleRate: 8_000)
        var raw = Data()
        for x in samples { withUnsafeBytes(of: Int16(max(-32768, min(32767, (x * 32768).rounded()))).littleEndian) { raw.append(contentsOf: $0) } }
        let r = try LASProcess.run(["transcribe", "--raw-rate", "8000", "-"], standardInput: raw)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "SEVEN\n")
    }

    /// A live stream: the first segment must be printed while the input is still open.
    func testStandardInputPrintsASegmentBeforeTheStreamEnds() throws {
        let rate = 16_000
        let utterance = try AudioFile.read(CommandFixtures.samples.appendingPathComponent("cen3-fjam-b.wav").path)
        var pcm = Data()
        for x in utterance + [Float](repeating: 0, count: 5 * rate) {
            withUnsafeBytes(of: Int16((x * 32767).rounded()).littleEndian) { pcm.append(contentsOf: $0) }
        }
        let process = Process()
        process.executableURL = LASProcess.executable
        process.arguments = ["transcribe", "--raw-rate", "16000", "-"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(pcm)
        let printed = expectation(description: "a line while the input is open")
        let received = ReceivedBytes()
        output.fileHandleForReading.readabilityHandler = { handle in
            if received.append(handle.availableData).contains(UInt8(ascii: "\n")) {
                handle.readabilityHandler = nil
                printed.fulfill()
            }
        }
        wait(for: [printed], timeout: 60)
        XCTAssertTrue(process.isRunning, "las ended before its input did")
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        XCTAssertEqual(String(decoding: received.append(Data()), as: UTF8.self), "SEVEN FIFTY FIVE\n")
    }

    func testStandardInputThatIsNotAudioGivesOneLineNamingIt() throws {
        let r = try LASProcess.run(["transcribe", "-"], standardInput: Data("not audio at all\n".utf8))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("las: standard input: not an audio file"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
    }
}

/// Bytes a reading handler collects on another thread.
final class ReceivedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    /// Appends and returns everything received so far.
    func append(_ more: Data) -> Data {
        lock.lock(); defer { lock.unlock() }
        data += more
        return data
    }
}
