import Foundation
import LASKit
import XCTest

final class AudioErrorTests: XCTestCase {
    /// Reads `path` expecting an AudioError; checks the description is one line naming the file.
    private func readError(_ path: String, maxDuration: Double = AudioFile.defaultMaxDuration,
                           file: StaticString = #filePath, line: UInt = #line) -> AudioError? {
        do {
            _ = try AudioFile.read(path, maxDuration: maxDuration)
            XCTFail("\(path) was read without error", file: file, line: line)
            return nil
        } catch let error as AudioError {
            let text = error.description
            XCTAssertTrue(text.hasPrefix(path + ": "), text, file: file, line: line)
            XCTAssertFalse(text.contains("\n"), text, file: file, line: line)
            XCTAssertEqual(error.path, path, file: file, line: line)
            return error
        } catch {
            XCTFail("unexpected error type: \(error)", file: file, line: line)
            return nil
        }
    }

    func testMissingFileIsReportedAsMissing() throws {
        let path = try makeTemporaryDirectory(self).appendingPathComponent("nope.wav").path
        XCTAssertEqual(readError(path), .missing(path: path))
        XCTAssertEqual(readError(path)?.description, "\(path): no such file")
    }

    func testDirectoryIsReportedAsDirectory() throws {
        let path = try makeTemporaryDirectory(self).path
        XCTAssertEqual(readError(path), .isDirectory(path: path))
    }

    func testTextFileIsNotAudioWithLibsndfilesReason() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("notes.wav")
        try Data("these are words, not sound\n".utf8).write(to: url)
        guard case .notAudio(_, let reason)? = readError(url.path) else { return XCTFail("expected notAudio") }
        XCTAssertFalse(reason.isEmpty)
        XCTAssertTrue(readError(url.path)!.description.contains("libsndfile: "))
    }

    func testZeroByteFileIsReportedAsEmpty() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("empty.wav")
        XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: Data()))
        XCTAssertEqual(readError(url.path), .empty(path: url.path))
    }

    func testWAVWithZeroFramesIsReportedAsEmpty() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("header-only.wav")
        try AudioFileWriter.write([], sampleRate: 16_000, format: .wavPCM16, to: url.path)
        XCTAssertEqual(readError(url.path), .empty(path: url.path))
    }

    func testCorruptFileIsReportedAsNotAudioOrUnreadable() throws {
        let folder = try makeTemporaryDirectory(self)
        let good = folder.appendingPathComponent("good.wav")
        try AudioFileWriter.write(sine(frequency: 440, sampleRate: 16_000, count: 1_600), sampleRate: 16_000,
                                  format: .wavPCM16, to: good.path)
        var bytes = [UInt8](try Data(contentsOf: good))
        var rng = SplitMix64(seed: 7)
        for i in 12..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }  // keep "RIFF....WAVE"
        let corrupt = folder.appendingPathComponent("corrupt.wav")
        try Data(bytes).write(to: corrupt)
        switch readError(corrupt.path) {
        case .notAudio?, .unreadable?, .unsupported?: break
        case let other: XCTFail("corrupt file gave \(String(describing: other))")
        }
    }

    func testFileLongerThanTheLimitIsReportedAsTooLong() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("long.wav")
        try AudioFileWriter.write([Float](repeating: 0.1, count: 32_000), sampleRate: 16_000, format: .wavPCM16, to: url.path)
        XCTAssertEqual(readError(url.path, maxDuration: 1.5), .tooLong(path: url.path, seconds: 2, limit: 1.5))
        XCTAssertEqual(readError(url.path, maxDuration: 1.5)?.description, "\(url.path): audio is too long (2.0 s, limit 1.5 s)")
        XCTAssertEqual(try AudioFile.read(url.path, maxDuration: 2).count, 32_000)
    }

    func testDefaultLimitIsTenMinutes() {
        XCTAssertEqual(AudioFile.defaultMaxDuration, 600)
    }

    func testImpossibleTargetRateIsUnsupported() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("x.wav")
        try AudioFileWriter.write([0.1, 0.2], sampleRate: 96_000, format: .wavPCM16, to: url.path)
        do {
            _ = try AudioFile(url.path, sampleRate: 100)
            XCTFail("96 kHz to 100 Hz was accepted")
        } catch let error as AudioError {
            guard case .unsupported = error else { return XCTFail("\(error)") }
        }
    }
}
