import Foundation
import XCTest
import LASKit

/// Speech-like bursts (noise under a 4 Hz syllable envelope) separated by pauses of exact zeros or
/// of quiet noise, with their true extents, at 16 kHz.
struct SyntheticRecording {
    static let rate = 16_000
    var samples: [Float] = []
    /// Sample ranges of the bursts.
    var speech: [Range<Int>] = []
    private var state: UInt64 = 12345

    mutating func noise(_ amplitude: Float) -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return amplitude * (Float(state >> 40) / Float(1 << 24) * 2 - 1)
    }

    mutating func burst(seconds: Double, level: Float = 0.2) {
        let n = Int(seconds * Double(Self.rate)), start = samples.count
        for i in 0..<n {
            let envelope = Float(0.55 - 0.45 * cos(2 * Double.pi * 4 * Double(i) / Double(Self.rate)))
            samples.append(noise(level * envelope))
        }
        speech.append(start..<(start + n))
    }

    /// A pause: exact zeros (`level` 0) or noise of that amplitude.
    mutating func pause(seconds: Double, level: Float) {
        for _ in 0..<Int(seconds * Double(Self.rate)) { samples.append(level == 0 ? 0 : noise(level)) }
    }
}

final class VoiceActivityDetectorTests: XCTestCase {
    func pieces(_ samples: [Float], block: Int = 4_000, options: VoiceActivityDetector.Options = .init()) -> [VoiceActivityDetector.Piece] {
        let vad = VoiceActivityDetector(sampleRate: SyntheticRecording.rate, options: options)
        var out: [VoiceActivityDetector.Piece] = []
        for start in stride(from: 0, to: samples.count, by: block) {
            out += vad.append(Array(samples[start..<min(start + block, samples.count)]))
        }
        return out + vad.finish()
    }

    func recording(pauseLevel: Float) -> SyntheticRecording {
        var r = SyntheticRecording()
        r.pause(seconds: 2, level: pauseLevel)
        for seconds in [1.5, 2.5, 0.8, 3.0] {
            r.burst(seconds: seconds)
            r.pause(seconds: 1.5, level: pauseLevel)
        }
        return r
    }

    func assertOnePiecePerBurst(_ r: SyntheticRecording, file: StaticString = #filePath, line: UInt = #line) {
        let found = pieces(r.samples)
        XCTAssertEqual(found.count, r.speech.count, "\(found)", file: file, line: line)
        for (piece, burst) in zip(found, r.speech) {
            // Covers the burst (its quiet envelope edges may fall outside by up to 50 ms)...
            XCTAssertLessThanOrEqual(piece.start, burst.lowerBound + 800, "\(piece) for \(burst)", file: file, line: line)
            XCTAssertGreaterThanOrEqual(piece.end, burst.upperBound - 800, "\(piece) for \(burst)", file: file, line: line)
            // ...and keeps at most the hangover and padding of the pauses around it (0.3 s).
            XCTAssertGreaterThanOrEqual(piece.start, burst.lowerBound - 5_600, "\(piece) for \(burst)", file: file, line: line)
            XCTAssertLessThanOrEqual(piece.end, burst.upperBound + 5_600, "\(piece) for \(burst)", file: file, line: line)
        }
    }

    func testEachUtteranceBetweenPausesOfRoomNoiseBecomesOnePiece() {
        assertOnePiecePerBurst(recording(pauseLevel: 0.003))
    }

    func testEachUtteranceBetweenPausesOfDigitalSilenceBecomesOnePiece() {
        assertOnePiecePerBurst(recording(pauseLevel: 0))
    }

    func testPiecesHoldNoDigitalSilence() {
        let r = recording(pauseLevel: 0)
        for piece in pieces(r.samples) {
            let zeros = r.samples[piece.start..<piece.end].filter { $0 == 0 }.count
            XCTAssertLessThan(zeros, 160, "\(piece) holds \(zeros) zero samples")
        }
    }

    func testShortPausesInsideAnUtteranceDoNotSplitIt() {
        var r = SyntheticRecording()
        r.pause(seconds: 1, level: 0.003)
        r.burst(seconds: 1)
        r.pause(seconds: 0.25, level: 0.003)
        r.burst(seconds: 1)
        r.pause(seconds: 1, level: 0.003)
        XCTAssertEqual(pieces(r.samples).count, 1)
    }

    func testSpeechLongerThanTheLongestPieceIsSplitAtItsQuietestPoint() {
        var r = SyntheticRecording()
        r.pause(seconds: 0.5, level: 0.003)
        // 30 s of speech whose only dips are 0.3 s of room noise every 7 s: too short to end a piece.
        for _ in 0..<4 {
            r.burst(seconds: 7)
            r.pause(seconds: 0.3, level: 0.003)
        }
        r.burst(seconds: 2)
        r.pause(seconds: 1, level: 0.003)
        let found = pieces(r.samples)
        XCTAssertGreaterThanOrEqual(found.count, 3, "\(found)")
        for piece in found { XCTAssertLessThanOrEqual(piece.end - piece.start, 13 * SyntheticRecording.rate, "\(found)") }
        for (a, b) in zip(found, found.dropFirst()) {
            XCTAssertEqual(a.end, b.start, "a split leaves nothing out: \(found)")
            let dips = r.speech.dropLast().map { $0.upperBound..<($0.upperBound + 4_800) }
            XCTAssertTrue(dips.contains { $0.contains(a.end) }, "cut at \(a.end) is not in a dip: \(found)")
        }
    }

    func testAShortFileKeepsItsOwnLeadInAndTail() {
        var r = SyntheticRecording()
        r.pause(seconds: 0.9, level: 0.003)
        r.burst(seconds: 1.5)
        r.pause(seconds: 0.8, level: 0.003)
        XCTAssertEqual(pieces(r.samples), [VoiceActivityDetector.Piece(start: 0, end: r.samples.count)])
    }

    func testTheEdgeOfAFileStopsAtItsDigitalSilence() {
        var r = SyntheticRecording()
        r.pause(seconds: 0.3, level: 0)
        r.pause(seconds: 0.5, level: 0.003)
        r.burst(seconds: 1.5)
        r.pause(seconds: 0.5, level: 0.003)
        r.pause(seconds: 0.3, level: 0)
        XCTAssertEqual(pieces(r.samples), [VoiceActivityDetector.Piece(start: 4_800, end: r.samples.count - 4_800)])
    }

    func testRoomNoiseAloneAndDigitalSilenceAloneHoldNoPieces() {
        var noise = SyntheticRecording()
        noise.pause(seconds: 10, level: 0.003)
        XCTAssertEqual(pieces(noise.samples), [])
        XCTAssertEqual(pieces([Float](repeating: 0, count: 10 * SyntheticRecording.rate)), [])
    }

    func testSpeechAtTheVeryStartIsFound() {
        var r = SyntheticRecording()
        r.burst(seconds: 2)
        r.pause(seconds: 2, level: 0.003)
        let found = pieces(r.samples)
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.start, 0)
    }

    func testPiecesDoNotDependOnHowTheStreamIsCutIntoBlocks() {
        let r = recording(pauseLevel: 0.003)
        XCTAssertEqual(pieces(r.samples, block: 160), pieces(r.samples, block: r.samples.count))
        XCTAssertEqual(pieces(r.samples, block: 1_234), pieces(r.samples, block: 65_536))
    }

    func testAudioEarlierThanEveryPieceStillToComeIsReleased() {
        var r = SyntheticRecording()
        for _ in 0..<20 {
            r.burst(seconds: 2)
            r.pause(seconds: 2, level: 0.003)
        }
        let vad = VoiceActivityDetector(sampleRate: SyntheticRecording.rate)
        var found: [VoiceActivityDetector.Piece] = []
        for start in stride(from: 0, to: r.samples.count, by: 4_000) {
            found += vad.append(Array(r.samples[start..<min(start + 4_000, r.samples.count)]))
            // Nothing still needed lies before what the detector asks to keep, and it keeps
            // at most a whole piece, the floor's lookahead and the padding behind the newest sample.
            XCTAssertGreaterThanOrEqual(vad.retainedFrom, start - 16 * SyntheticRecording.rate)
            if let last = found.last { XCTAssertGreaterThanOrEqual(vad.retainedFrom, last.end - 7_000) }
        }
    }
}
