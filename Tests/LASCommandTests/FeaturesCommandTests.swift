import Foundation
import XCTest

final class FeaturesCommandTests: XCTestCase {
    private var samplesFolder: URL { LASProcess.repositoryRoot.appendingPathComponent("audio-samples") }

    private var audioSamples: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: samplesFolder.path)) ?? []
        return names.filter { $0.hasSuffix(".wav") || $0.hasSuffix(".flac") }.sorted()
            .map { samplesFolder.appendingPathComponent($0) }
    }

    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("las-features-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Shape of a float32 .npy file, checking the parts numpy.load relies on.
    private func npyShape(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws -> (Int, Int)? {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count > 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            XCTFail("\(url.path) is not .npy", file: file, line: line)
            return nil
        }
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.contains("'descr': '<f4'") && header.contains("'fortran_order': False"), header, file: file, line: line)
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            XCTFail("no shape in \(header)", file: file, line: line)
            return nil
        }
        let dims = header[open.upperBound..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard dims.count == 2 else { XCTFail("shape \(dims)", file: file, line: line); return nil }
        XCTAssertEqual(bytes.count, 10 + headerLength + dims[0] * dims[1] * 4, "data size", file: file, line: line)
        let values = stride(from: 10 + headerLength, to: bytes.count, by: 4).map { o in
            Float(bitPattern: UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24)
        }
        XCTAssertTrue(values.allSatisfy { $0.isFinite && $0 >= -16 && $0 < 40 }, "log-mel values out of range", file: file, line: line)
        return (dims[0], dims[1])
    }

    /// A canonical 16-bit mono WAV of `samples` at 16 kHz.
    private func writeWAV(_ samples: [Int16], to url: URL) throws {
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        var bytes = Array("RIFF".utf8) + le32(36 + 2 * samples.count) + Array("WAVEfmt ".utf8)
        bytes += le32(16) + le16(1) + le16(1) + le32(16_000) + le32(32_000) + le16(2) + le16(16)
        bytes += Array("data".utf8) + le32(2 * samples.count)
        for s in samples { bytes += le16(Int(UInt16(bitPattern: s))) }
        try Data(bytes).write(to: url)
    }

    /// Runs `las features` on one bad file and checks the failure is one line naming it.
    private func assertOneLineError(for path: String, containing problem: String,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try LASProcess.run(["features", path])
        XCTAssertEqual(result.status, 1, result.stderr, file: file, line: line)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        XCTAssertEqual(lines.count, 1, result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("las: \(path): "), result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains(problem), result.stderr, file: file, line: line)
    }

    func testEveryAudioSampleBecomesALoadableNPYOfEightyBins() throws {
        XCTAssertGreaterThanOrEqual(audioSamples.count, 5)
        let folder = try temporaryFolder()
        for sample in audioSamples {
            let output = folder.appendingPathComponent(sample.lastPathComponent + ".npy")
            let result = try LASProcess.run(["features", sample.path, "--output", output.path])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertEqual(result.stderr, "")
            XCTAssertTrue(result.stdout.hasPrefix(sample.path + ": "), result.stdout)
            XCTAssertTrue(result.stdout.contains("-> \(output.path)"), result.stdout)
            guard let (frames, bins) = try npyShape(output) else { continue }
            XCTAssertEqual(bins, 80)
            XCTAssertTrue(result.stdout.contains("\(frames) frames x 80 bins"), result.stdout)
            // 25 ms frames every 10 ms: about 100 per second of audio.
            let seconds = Double(result.stdout.split(separator: ",")[1].split(separator: " ")[0])!
            XCTAssertEqual(Double(frames), seconds * 100 - 1.5, accuracy: 1.5, sample.lastPathComponent)
        }
    }

    func testOutputDirGetsOneNPYPerInputNamedAfterIt() throws {
        let folder = try temporaryFolder().appendingPathComponent("made/by/las")
        let result = try LASProcess.run(["features"] + audioSamples.map(\.path) + ["--output-dir", folder.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertEqual(written, audioSamples.map { $0.deletingPathExtension().lastPathComponent + ".npy" }.sorted())
        XCTAssertEqual(result.stdout.split(separator: "\n").count, audioSamples.count)
    }

    func testWithoutOutputItPrintsOneSummaryLinePerFile() throws {
        let result = try LASProcess.run(["features"] + audioSamples.map(\.path))
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, audioSamples.count)
        for (line, sample) in zip(lines, audioSamples) {
            XCTAssertTrue(line.hasPrefix(sample.path + ": ") && line.contains(" frames x 80 bins"), String(line))
        }
        XCTAssertTrue(result.stdout.contains("(8000 Hz, 1 channel)"), result.stdout)
    }

    func testCorruptFileIsOneLineErrorNamingIt() throws {
        let url = try temporaryFolder().appendingPathComponent("corrupt.wav")
        try Data(Array("RIFF".utf8) + [0xFF, 0x00, 0x00, 0x00] + Array("WAVEfmt ".utf8) + Array(repeating: 0xAB, count: 300)).write(to: url)
        try assertOneLineError(for: url.path, containing: "audio")
    }

    func testEmptyFileIsOneLineErrorNamingIt() throws {
        let url = try temporaryFolder().appendingPathComponent("empty.wav")
        try Data().write(to: url)
        try assertOneLineError(for: url.path, containing: "empty")
    }

    func testTextFileIsOneLineErrorNamingIt() throws {
        let url = try temporaryFolder().appendingPathComponent("readme.txt")
        try Data("Listen, attend and spell.\n".utf8).write(to: url)
        try assertOneLineError(for: url.path, containing: "not an audio file (libsndfile: ")
    }

    func testMissingPathIsOneLineErrorNamingIt() throws {
        let path = try temporaryFolder().appendingPathComponent("no-such-file.wav").path
        try assertOneLineError(for: path, containing: "no such file")
    }

    func testDirectoryIsOneLineErrorNamingIt() throws {
        try assertOneLineError(for: try temporaryFolder().path, containing: "is a directory")
    }

    func testAudioShorterThanOneFrameIsOneLineError() throws {
        let url = try temporaryFolder().appendingPathComponent("blip.wav")
        try writeWAV([Int16](repeating: 1_000, count: 100), to: url)
        try assertOneLineError(for: url.path, containing: "too short for one 25 ms frame")
    }

    func testBatchWithBadFilesStillWritesTheGoodOneAndFails() throws {
        let folder = try temporaryFolder()
        let text = folder.appendingPathComponent("notes.wav"), empty = folder.appendingPathComponent("empty.flac")
        try Data("not audio".utf8).write(to: text)
        try Data().write(to: empty)
        let missing = folder.appendingPathComponent("gone.wav").path
        let good = samplesFolder.appendingPathComponent("cen3-fjam-b.wav").path
        let out = folder.appendingPathComponent("out")
        let result = try LASProcess.run(["features", text.path, good, empty.path, missing, "--output-dir", out.path])
        XCTAssertEqual(result.status, 1)
        let errors = result.stderr.split(separator: "\n")
        XCTAssertEqual(errors.count, 3, result.stderr)
        for (line, path) in zip(errors, [text.path, empty.path, missing]) {
            XCTAssertTrue(line.hasPrefix("las: \(path): "), String(line))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), ["cen3-fjam-b.npy"])
        XCTAssertEqual(try npyShape(out.appendingPathComponent("cen3-fjam-b.npy"))?.1, 80)
    }

    func testTwoInputsWithTheSameNameDoNotOverwriteEachOther() throws {
        let folder = try temporaryFolder()
        let copy = folder.appendingPathComponent("cen3-fjam-b.wav")
        try FileManager.default.copyItem(at: samplesFolder.appendingPathComponent("cen3-fjam-b.wav"), to: copy)
        let result = try LASProcess.run(["features", samplesFolder.appendingPathComponent("cen3-fjam-b.wav").path, copy.path,
                                         "--output-dir", folder.appendingPathComponent("out").path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("las: \(copy.path): output ") && result.stderr.contains("would overwrite"), result.stderr)
    }

    func testOutputWithSeveralInputsIsAUsageError() throws {
        let result = try LASProcess.run(["features"] + audioSamples.prefix(2).map(\.path) + ["--output", "/tmp/x.npy"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--output-dir"), result.stderr)
    }

    func testHelpDocumentsTheFeatureConfiguration() throws {
        let result = try LASProcess.run(["features", "--help"])
        XCTAssertEqual(result.status, 0)
        for phrase in ["USAGE: las features", "--output <out.npy>", "--output-dir <dir>", "25 ms (400 samples)",
                       "10 ms (160 samples)", "pre-emphasis 0.97", "povey window", "512-point FFT", "80 triangles",
                       "1127 ln(1 + f/700)", "from 20 Hz to 8000 Hz", "FLT_EPSILON", "16000 Hz", "(frames, 80)"] {
            XCTAssertTrue(result.stdout.contains(phrase), "help lacks \"\(phrase)\":\n\(result.stdout)")
        }
    }

    func testTopLevelHelpListsFeatures() throws {
        XCTAssertTrue(try LASProcess.run(["--help"]).stdout.contains("features"))
    }

    func testBenchFeaturesPrintsOneJSONLine() throws {
        let result = try LASProcess.run(["bench", "features", samplesFolder.appendingPathComponent("cen3-fjam-b.wav").path,
                                         samplesFolder.appendingPathComponent("7_lucas_0.wav").path, "--min-seconds", "0.2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.stdout)
        let json = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        XCTAssertEqual(json?["files"] as? Int, 2)
        XCTAssertEqual(json?["threads"] as? Int, 1)
        XCTAssertEqual(json?["audio_seconds"] as? Double ?? 0, 1.8 + 0.66, accuracy: 0.02)
        // The figure is what it claims to be (speed targets live in tools/bench_features.py, not in tests).
        let seconds = json?["seconds"] as? Double ?? 0, repetitions = json?["repetitions"] as? Int ?? 0
        XCTAssertGreaterThanOrEqual(seconds, 0.2)
        XCTAssertGreaterThan(repetitions, 0)
        let expected = (json?["audio_seconds"] as? Double ?? 0) * Double(repetitions) / seconds
        XCTAssertEqual(json?["audio_seconds_per_second"] as? Double ?? 0, expected, accuracy: 0.01 * expected)
    }
}
