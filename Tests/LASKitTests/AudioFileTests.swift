import Foundation
import LASKit
import XCTest

final class AudioFileTests: XCTestCase {
    private func roundTrip(_ format: AudioFileFormat, rate: Int = 16_000, channels: Int = 1,
                           _ interleaved: [Float]) throws -> AudioFile {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("x.\(format.rawValue)")
        try AudioFileWriter.write(interleaved, channels: channels, sampleRate: rate, format: format, to: url.path)
        return try AudioFile(url.path, sampleRate: rate)
    }

    private func assertClose(_ a: [Float], _ b: [Float], tolerance: Float, _ message: String = "",
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, tolerance, message, file: file, line: line)
    }

    private let tone = sine(frequency: 440, sampleRate: 16_000, count: 8_000, amplitude: 0.6)

    func testSixteenBitWAVReadsBackWithinOneQuantizationStep() throws {
        let audio = try roundTrip(.wavPCM16, tone)
        assertClose(audio.samples, tone, tolerance: 1.0 / 32_768)
        XCTAssertEqual(audio.originalSampleRate, 16_000)
        XCTAssertEqual(audio.channels, 1)
        XCTAssertEqual(audio.duration, 0.5, accuracy: 1e-9)
        XCTAssertTrue(audio.format.contains("WAV"), audio.format)
    }

    func testEightBitWAVReads() throws {
        assertClose(try roundTrip(.wavPCM8, tone).samples, tone, tolerance: 1.0 / 128)
    }

    func testTwentyFourBitWAVReads() throws {
        assertClose(try roundTrip(.wavPCM24, tone).samples, tone, tolerance: 1.0 / 8_388_608)
    }

    func testThirtyTwoBitWAVReads() throws {
        assertClose(try roundTrip(.wavPCM32, tone).samples, tone, tolerance: 1e-7)
    }

    func testFloatWAVReadsExactly() throws {
        XCTAssertEqual(try roundTrip(.wavFloat, tone).samples, tone)
    }

    func testFLACReads() throws {
        assertClose(try roundTrip(.flac16, tone).samples, tone, tolerance: 1.0 / 32_768)
        assertClose(try roundTrip(.flac24, tone).samples, tone, tolerance: 1.0 / 8_388_608)
    }

    func testAIFFAndNISTSphereRead() throws {
        assertClose(try roundTrip(.aiff16, tone).samples, tone, tolerance: 1.0 / 32_768)
        assertClose(try roundTrip(.nistSphere16, tone).samples, tone, tolerance: 1.0 / 32_768)
    }

    func testOggVorbisReadsAsTheSameToneWithinLossyCodingError() throws {
        let long = sine(frequency: 440, sampleRate: 16_000, count: 16_000, amplitude: 0.6)
        let audio = try roundTrip(.oggVorbis, long)
        XCTAssertEqual(audio.samples.count, long.count)
        // A lossy codec keeps the tone: same power at 440 Hz within 10%.
        let expected = powerAt(440, in: long, sampleRate: 16_000)
        XCTAssertEqual(powerAt(440, in: audio.samples, sampleRate: 16_000), expected, accuracy: 0.1 * expected)
    }

    func testStereoIsAveragedToMono() throws {
        let left = sine(frequency: 300, sampleRate: 16_000, count: 4_000, amplitude: 0.4)
        let right = sine(frequency: 700, sampleRate: 16_000, count: 4_000, amplitude: 0.2)
        let interleaved = zip(left, right).flatMap { [$0, $1] }
        let audio = try roundTrip(.wavFloat, channels: 2, interleaved)
        XCTAssertEqual(audio.channels, 2)
        assertClose(audio.samples, zip(left, right).map { ($0 + $1) / 2 }, tolerance: 1e-7)
    }

    func testSixChannelsAreAveragedToMono() throws {
        let frames = 1_000
        var interleaved = [Float]()
        for n in 0..<frames { for c in 0..<6 { interleaved.append(Float(c) * 0.1 + Float(n % 10) * 0.01) } }
        let audio = try roundTrip(.wavFloat, channels: 6, interleaved)
        XCTAssertEqual(audio.channels, 6)
        // Mean over channels c·0.1 is 0.25.
        assertClose(audio.samples, (0..<frames).map { 0.25 + Float($0 % 10) * 0.01 }, tolerance: 1e-6)
    }

    func testForeignSampleRateIsResampledToTheTarget() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("x.wav")
        try AudioFileWriter.write(sine(frequency: 1_000, sampleRate: 44_100, count: 44_100), sampleRate: 44_100,
                                  format: .wavPCM16, to: url.path)
        let audio = try AudioFile(url.path)
        XCTAssertEqual(audio.originalSampleRate, 44_100)
        XCTAssertEqual(audio.sampleRate, 16_000)
        XCTAssertEqual(audio.samples.count, 16_000, accuracy: 1)
        XCTAssertEqual(powerAt(1_000, in: audio.samples, sampleRate: 16_000), 0.0625, accuracy: 0.002)
    }

    func testFloatSamplesOutsideUnitRangeAreClippedAndNaNSilenced() throws {
        let audio = try roundTrip(.wavFloat, [1.5, -2, 0.25, .nan, -0.5])
        XCTAssertEqual(audio.samples, [1, -1, 0.25, 0, -0.5])
    }

    func testReadReturnsTheSamplesOfTheFile() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("x.wav")
        try AudioFileWriter.write(tone, sampleRate: 16_000, format: .wavFloat, to: url.path)
        XCTAssertEqual(try AudioFile.read(url.path), tone)
    }

    func testRealAN4RecordingReadsAsSixteenKilohertzMono() throws {
        let audio = try AudioFile(speechFixture("an4/wav/an4_clstk/fjam/an78-fjam-b.wav"))
        XCTAssertEqual(audio.originalSampleRate, 16_000)
        XCTAssertEqual(audio.samples.count, 32_000)
        XCTAssertGreaterThan(rms(audio.samples[...]), 0.001)
        XCTAssertTrue(audio.samples.allSatisfy { $0 >= -1 && $0 <= 1 })
    }

    func testWriterLeavesNoTemporaryFileBehind() throws {
        let folder = try makeTemporaryDirectory(self)
        try AudioFileWriter.write(tone, sampleRate: 16_000, format: .flac16, to: folder.appendingPathComponent("a.flac").path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["a.flac"])
    }
}
