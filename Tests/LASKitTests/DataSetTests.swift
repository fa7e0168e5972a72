import Foundation
import LASKit
import XCTest

final class DataSetTests: XCTestCase {
    private var root: String!

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "las-dataset-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Writes `text` to root/relativePath, creating folders; returns the absolute path.
    @discardableResult
    private func write(_ relativePath: String, _ text: String) throws -> String {
        let path = root + "/" + relativePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    /// Asserts loading `path` throws `expected`, whose description is one line starting with the file.
    private func assertLoadFails(_ path: String, _ expected: DataSetError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try DataSet.load(path), file: file, line: line) { error in
            XCTAssertEqual(error as? DataSetError, expected, file: file, line: line)
            XCTAssertFalse("\(error)".contains("\n"), file: file, line: line)
        }
    }

    // MARK: - JSONL manifests

    func testManifestRelativeAudioPathsResolveAgainstTheManifestFolder() throws {
        let manifest = try write("lists/train.jsonl", """
            {"audio_filepath": "audio/a.wav", "text": "A"}
            {"audio_filepath": "../recordings/b.wav", "text": "B"}
            {"audio_filepath": "/elsewhere/c.wav", "text": "C"}
            """)
        let dataSet = try DataSet.load(manifest)
        XCTAssertEqual(dataSet.format, .jsonLines)
        XCTAssertEqual(dataSet.utterances.map(\.audioPath), [root + "/lists/audio/a.wav", root + "/recordings/b.wav", "/elsewhere/c.wav"])
    }

    func testManifestGivenByARelativePathResolvesAgainstTheWorkingDirectory() throws {
        try write("lists/train.jsonl", #"{"audio_filepath": "audio/a.wav", "text": "A"}"#)
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(root))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let dataSet = try DataSet.load("lists/train.jsonl")
        XCTAssertEqual(dataSet.path, "lists/train.jsonl")
        XCTAssertEqual(dataSet.utterances.map(\.audioPath), [FileManager.default.currentDirectoryPath + "/lists/audio/a.wav"])
    }

    func testManifestReadsOptionalDurationSpeakerAndID() throws {
        let manifest = try write("m.jsonl", """
            {"audio_filepath": "/d/an251-fash-b.wav", "text": "YES", "duration": 1.9, "speaker": "fash"}
            {"audio_filepath": "/d/x.wav", "text": "NO", "id": "custom", "duration": 2, "speaker": null}
            """)
        let utterances = try DataSet.load(manifest).utterances
        XCTAssertEqual(utterances, [
            Utterance(id: "an251-fash-b", audioPath: "/d/an251-fash-b.wav", text: "YES", duration: 1.9, speaker: "fash"),
            Utterance(id: "custom", audioPath: "/d/x.wav", text: "NO", duration: 2, speaker: nil),
        ])
    }

    func testManifestIgnoresBlankLinesButCountsThemInLineNumbers() throws {
        let manifest = try write("m.jsonl", "\n{\"audio_filepath\": \"a.wav\", \"text\": \"A\"}\n   \n\n{\"text\": \"B\"}\n")
        assertLoadFails(manifest, .malformedLine(path: manifest, line: 5, reason: "missing key \"audio_filepath\""))
    }

    func testManifestLineThatIsNotJSONIsReportedWithFileAndLine() throws {
        let manifest = try write("m.jsonl", """
            {"audio_filepath": "a.wav", "text": "A"}
            {"audio_filepath": "b.wav", "text": "B"
            """)
        XCTAssertThrowsError(try DataSet.load(manifest)) { error in
            XCTAssertTrue("\(error)".hasPrefix(manifest + ":2: not valid JSON"), "\(error)")
        }
    }

    func testManifestLineMissingTextIsRejected() throws {
        let manifest = try write("m.jsonl", #"{"audio_filepath": "a.wav"}"#)
        assertLoadFails(manifest, .malformedLine(path: manifest, line: 1, reason: "missing key \"text\""))
    }

    func testManifestValuesOfTheWrongTypeAreRejected() throws {
        let cases = [
            (#"{"audio_filepath": "a.wav", "text": 5}"#, "\"text\" must be a string, found a number"),
            (#"{"audio_filepath": ["a.wav"], "text": "A"}"#, "\"audio_filepath\" must be a string, found an array"),
            (#"{"audio_filepath": "a.wav", "text": "A", "duration": "1.9"}"#, "\"duration\" must be a number, found a string"),
            (#"{"audio_filepath": "a.wav", "text": "A", "duration": true}"#, "\"duration\" must be a number, found a boolean"),
            (#"{"audio_filepath": "a.wav", "text": "A", "duration": -1}"#, "\"duration\" -1 is negative or too large"),
            (#"["a.wav", "A"]"#, "expected a JSON object, found an array"),
        ]
        for (line, reason) in cases {
            let manifest = try write("m.jsonl", line)
            assertLoadFails(manifest, .malformedLine(path: manifest, line: 1, reason: reason))
        }
    }

    func testManifestDuplicateIDIsRejectedNamingBothLines() throws {
        let manifest = try write("m.jsonl", """
            {"audio_filepath": "one/a.wav", "text": "A"}
            {"audio_filepath": "two/a.wav", "text": "A"}
            """)
        assertLoadFails(manifest, .duplicateID(path: manifest, line: 2, id: "a", firstLine: 1))
        XCTAssertThrowsError(try DataSet.load(manifest)) { XCTAssertTrue("\($0)".hasPrefix(manifest + ":2: duplicate")) }
    }

    func testManifestSegmentOffsetIsRejectedAsUnsupported() throws {
        let manifest = try write("m.jsonl", #"{"audio_filepath": "a.wav", "text": "A", "offset": 3.5}"#)
        XCTAssertThrowsError(try DataSet.load(manifest)) { error in
            guard case .unsupported(manifest, 1, _)? = error as? DataSetError else { return XCTFail("\(error)") }
        }
    }

    func testEmptyManifestIsAnError() throws {
        let manifest = try write("m.jsonl", "\n\n")
        assertLoadFails(manifest, .empty(path: manifest))
    }

    func testMissingManifestIsUnreadable() {
        let path = root + "/absent.jsonl"
        assertLoadFails(path, .unreadable(path: path, reason: "No such file or directory"))
    }

    // MARK: - Kaldi data folders

    func testKaldiFolderLoadsTranscriptsSpeakersAndDurationsInWavScpOrder() throws {
        try write("kaldi/wav.scp", "utt2 /audio/two.wav\nutt1\t/audio/one.wav\n")
        try write("kaldi/text", "utt1 HELLO  WORLD\nutt2 GOOD BYE \n")
        try write("kaldi/utt2spk", "utt1 spk1\nutt2 spk2\n")
        try write("kaldi/utt2dur", "utt2 1.25\n")
        let dataSet = try DataSet.load(root + "/kaldi")
        XCTAssertEqual(dataSet.format, .kaldiFolder)
        XCTAssertEqual(dataSet.utterances, [
            Utterance(id: "utt2", audioPath: "/audio/two.wav", text: "GOOD BYE", duration: 1.25, speaker: "spk2"),
            Utterance(id: "utt1", audioPath: "/audio/one.wav", text: "HELLO  WORLD", duration: nil, speaker: "spk1"),
        ])
    }

    func testKaldiRelativePathsResolveAgainstTheDataFolder() throws {
        try write("data/train/wav.scp", "a wav/a.wav\nb ../../audio/b.wav\n")
        try write("data/train/text", "a A\nb B\n")
        let paths = try DataSet.load(root + "/data/train").utterances.map(\.audioPath)
        XCTAssertEqual(paths, [root + "/data/train/wav/a.wav", root + "/audio/b.wav"])
    }

    func testKaldiPipedCommandIsRejectedWithAClearMessage() throws {
        let wavScp = try write("kaldi/wav.scp", "a /audio/a.wav\nb sph2pipe -f wav /audio/b.sph |\n")
        try write("kaldi/text", "a A\nb B\n")
        XCTAssertThrowsError(try DataSet.load(root + "/kaldi")) { error in
            guard case .unsupported(wavScp, 2, _)? = error as? DataSetError else { return XCTFail("\(error)") }
            XCTAssertEqual("\(error)", wavScp + ":2: piped command for utterance b is not supported; list plain audio file paths")
        }
    }

    func testKaldiUtteranceWithoutTranscriptIsRejectedNamingItsWavScpLine() throws {
        let wavScp = try write("kaldi/wav.scp", "a /audio/a.wav\nb /audio/b.wav\n")
        let text = try write("kaldi/text", "a A\n")
        assertLoadFails(root + "/kaldi", .malformedLine(path: wavScp, line: 2, reason: "utterance b has no transcript in \(text)"))
    }

    func testKaldiTextLineWithOnlyAnIDIsRejected() throws {
        try write("kaldi/wav.scp", "a /audio/a.wav\n")
        let text = try write("kaldi/text", "a\n")
        assertLoadFails(root + "/kaldi", .malformedLine(path: text, line: 1, reason: "utterance a has no transcript"))
    }

    func testKaldiTranscriptOfUnknownUtteranceIsRejected() throws {
        try write("kaldi/wav.scp", "a /audio/a.wav\n")
        let text = try write("kaldi/text", "a A\nz Z\n")
        assertLoadFails(root + "/kaldi", .malformedLine(path: text, line: 2, reason: "utterance z is not in wav.scp"))
    }

    func testKaldiFolderFilesFollowTheSameLineRulesAsLasWer() throws {
        try write("kaldi/wav.scp", "a /audio/a.wav\nb /audio/b.wav\n")
        let text = try write("kaldi/text", "a A\n\nb B\n")
        assertLoadFails(root + "/kaldi", .malformedLine(path: text, line: 2, reason: "empty line"))
        XCTAssertThrowsError(try KaldiText.read(path: text)) { error in
            XCTAssertEqual(error as? KaldiTextError, .malformedLine(file: text, line: 2, reason: "empty line"))
        }
    }

    func testKaldiDuplicateIDIsRejected() throws {
        let wavScp = try write("kaldi/wav.scp", "a /audio/a.wav\na /audio/b.wav\n")
        try write("kaldi/text", "a A\n")
        assertLoadFails(root + "/kaldi", .duplicateID(path: wavScp, line: 2, id: "a", firstLine: 1))
    }

    func testWavScpPassedAsAManifestSuggestsPassingTheFolder() throws {
        let wavScp = try write("kaldi/wav.scp", "a /audio/a.wav\n")
        XCTAssertThrowsError(try DataSet.load(wavScp)) { error in
            XCTAssertTrue("\(error)".hasPrefix(wavScp + ":1: not valid JSON"), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix("for a Kaldi data folder pass the folder"), "\(error)")
        }
    }

    func testKaldiFolderWithoutTextIsRejectedNamingTheMissingFile() throws {
        try write("kaldi/wav.scp", "a /audio/a.wav\n")
        assertLoadFails(root + "/kaldi", .missingFile(path: root + "/kaldi/text"))
    }

    func testKaldiSegmentsFileIsRejectedAsUnsupported() throws {
        try write("kaldi/wav.scp", "rec /audio/rec.wav\n")
        try write("kaldi/text", "rec A\n")
        try write("kaldi/segments", "a rec 0.0 1.0\n")
        XCTAssertThrowsError(try DataSet.load(root + "/kaldi")) { error in
            guard case .unsupported(_, nil, _)? = error as? DataSetError else { return XCTFail("\(error)") }
        }
    }

    // MARK: - Validation of audio files

    func testMissingAudioIsReportedAndSkipped() throws {
        try write("audio/a.wav", "RIFF")
        try write("audio/c.wav", "RIFF")
        try FileManager.default.createDirectory(atPath: root + "/audio/d.wav", withIntermediateDirectories: true)
        let manifest = try write("m.jsonl", """
            {"audio_filepath": "audio/a.wav", "text": "A"}
            {"audio_filepath": "audio/b.wav", "text": "B"}
            {"audio_filepath": "audio/c.wav", "text": "C"}
            {"audio_filepath": "audio/d.wav", "text": "D"}
            """)
        let dataSet = try DataSet.load(manifest)
        XCTAssertEqual(dataSet.utterances.count, 4)
        let validation = try dataSet.validate()
        XCTAssertEqual(validation.kept.map(\.id), ["a", "c"])
        XCTAssertEqual(validation.skipped.map(\.utterance.id), ["b", "d"])
        XCTAssertEqual(validation.skipped.map(\.reason), [.audioNotFound, .audioNotARegularFile])
        XCTAssertEqual(validation.skipped[0].description, root + "/audio/b.wav: audio file not found (utterance b)")
    }

    func testStrictValidationMakesMissingAudioFatal() throws {
        try write("audio/a.wav", "RIFF")
        let manifest = try write("m.jsonl", """
            {"audio_filepath": "audio/a.wav", "text": "A"}
            {"audio_filepath": "audio/b.wav", "text": "B"}
            """)
        let dataSet = try DataSet.load(manifest)
        XCTAssertThrowsError(try dataSet.validate(strict: true)) { error in
            XCTAssertEqual(error as? DataSetError, .unusableUtterance(
                path: manifest, skipped: 1, reason: root + "/audio/b.wav: audio file not found (utterance b)"))
        }
    }

    func testDataSetWithNoExistingAudioIsAnErrorAfterValidation() throws {
        let manifest = try write("m.jsonl", #"{"audio_filepath": "nowhere.wav", "text": "A"}"#)
        XCTAssertThrowsError(try DataSet.load(manifest).validate()) { error in
            XCTAssertEqual(error as? DataSetError, .noUsableUtterances(path: manifest, skipped: 1))
        }
    }

    func testTotalDurationNeedsEveryUtterancesDuration() throws {
        let complete = try write("complete.jsonl", """
            {"audio_filepath": "a.wav", "text": "A", "duration": 1.5}
            {"audio_filepath": "b.wav", "text": "B", "duration": 2.25}
            """)
        let partial = try write("partial.jsonl", """
            {"audio_filepath": "a.wav", "text": "A", "duration": 1.5}
            {"audio_filepath": "b.wav", "text": "B"}
            """)
        XCTAssertEqual(try DataSet.load(complete).totalDuration, 3.75)
        XCTAssertNil(try DataSet.load(partial).totalDuration)
    }
}
