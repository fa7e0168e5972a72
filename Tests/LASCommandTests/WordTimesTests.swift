import Foundation
import XCTest

/// `las transcribe --format json` word times, held to issue 16's target against an independent
/// aligner: PocketSphinx's forced alignment of the audio-samples/ transcripts, committed by
/// tools/make_word_boundary_fixtures.py.
final class WordTimesTests: XCTestCase {
    struct Word: Decodable { var word: String; var start: Double; var end: Double }
    struct Reference: Decodable {
        struct Recording: Decodable { var file: String; var words: [Word] }
        var recordings: [Recording]
    }
    struct Line: Decodable { var file: String; var duration: Double; var words: [Word] }

    func transcribeSamples() throws -> [String: Line] {
        let r = try LASProcess.run(["transcribe", "--format", "json", CommandFixtures.samples.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        var out: [String: Line] = [:]
        for text in r.stdout.split(separator: "\n") {
            let line = try JSONDecoder().decode(Line.self, from: Data(text.utf8))
            out[(line.file as NSString).lastPathComponent] = line
        }
        return out
    }

    func testMedianWordBoundaryErrorAgainstPocketSphinxIsAtMost50Milliseconds() throws {
        let url = LASProcess.repositoryRoot.appendingPathComponent("Tests/LASKitTests/Fixtures/word-boundaries/audio-samples.json")
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        let got = try transcribeSamples()
        var errors: [Double] = []
        for recording in reference.recordings {
            let words = try XCTUnwrap(got[recording.file]?.words, recording.file)
            // A misrecognized sample has no word-for-word counterpart; BundledModelTests reports it.
            guard words.map(\.word) == recording.words.map(\.word) else { continue }
            for (w, r) in zip(words, recording.words) { errors += [abs(w.start - r.start), abs(w.end - r.end)] }
        }
        XCTAssertGreaterThanOrEqual(errors.count, 20, "too few samples recognized to measure word times")
        errors.sort()
        let median = errors.count % 2 == 1 ? errors[errors.count / 2] : (errors[errors.count / 2 - 1] + errors[errors.count / 2]) / 2
        XCTAssertLessThanOrEqual(median, 0.050 + 1e-9, "boundary errors (s): \(errors)")
    }

    func testWordsFollowOneAnotherInsideTheRecording() throws {
        for (file, line) in try transcribeSamples() {
            XCTAssertFalse(line.words.isEmpty, file)
            for w in line.words { XCTAssertTrue(w.start >= 0 && w.start < w.end && w.end <= line.duration + 1e-9, "\(file) \(w)") }
            for (a, b) in zip(line.words, line.words.dropFirst()) { XCTAssertLessThanOrEqual(a.end, b.start + 1e-9, file) }
        }
    }
}
