import Foundation

/// Reads a Kaldi data folder. `wav.scp` must list plain audio paths: pipes (`sox a.sph -t wav - |`),
/// stdin (`-`) and archive offsets (`x.ark:123`) are rejected, as is a `segments` file (utterances
/// cut from longer recordings), because this project reads audio files directly. Every wav.scp id
/// needs a non-empty transcript in `text` and every `text` id must be in wav.scp. Every file is in
/// Kaldi's text format, read by `KaldiText` (the parser `las wer` uses too).
enum KaldiDataFolder {
    static func load(_ folder: String) throws -> [Utterance] {
        let wavScp = folder + "/wav.scp", textPath = folder + "/text"
        for required in [wavScp, textPath] where !FileManager.default.fileExists(atPath: required) {
            throw DataSetError.missingFile(path: required)
        }
        let segments = folder + "/segments"
        if FileManager.default.fileExists(atPath: segments) {
            throw DataSetError.unsupported(path: segments, line: nil,
                                           reason: "segments (utterances cut from longer recordings) are not supported")
        }

        var utterances: [Utterance] = []
        var indexOfID: [String: Int] = [:]
        var lineOfID: [String: Int] = [:]
        for entry in try entries(of: wavScp) {
            let (id, audio) = (entry.id, entry.text)
            guard !audio.isEmpty else {
                throw DataSetError.malformedLine(path: wavScp, line: entry.line, reason: "missing audio path for utterance \(id)")
            }
            if audio.hasSuffix("|") {
                throw DataSetError.unsupported(
                    path: wavScp, line: entry.line,
                    reason: "piped command for utterance \(id) is not supported; list plain audio file paths")
            }
            if audio == "-" || isArchiveOffset(audio) {
                throw DataSetError.unsupported(
                    path: wavScp, line: entry.line,
                    reason: "\(audio) for utterance \(id) is not a plain audio file path")
            }
            lineOfID[id] = entry.line
            indexOfID[id] = utterances.count
            utterances.append(Utterance(id: id, audioPath: DataSetText.resolve(audio, against: folder), text: ""))
        }

        var transcribed = Set<String>()
        try readTable(textPath, knownIDs: indexOfID) { id, transcript, line in
            guard !transcript.isEmpty else {
                throw DataSetError.malformedLine(path: textPath, line: line, reason: "utterance \(id) has no transcript")
            }
            utterances[indexOfID[id]!].text = transcript
            transcribed.insert(id)
        }
        if let missing = utterances.first(where: { !transcribed.contains($0.id) }) {
            throw DataSetError.malformedLine(path: wavScp, line: lineOfID[missing.id]!,
                                             reason: "utterance \(missing.id) has no transcript in \(textPath)")
        }

        let utt2spk = folder + "/utt2spk"
        if FileManager.default.fileExists(atPath: utt2spk) {
            try readTable(utt2spk, knownIDs: indexOfID) { id, speaker, line in
                guard !speaker.isEmpty else {
                    throw DataSetError.malformedLine(path: utt2spk, line: line, reason: "utterance \(id) has no speaker")
                }
                utterances[indexOfID[id]!].speaker = speaker
            }
        }
        let utt2dur = folder + "/utt2dur"
        if FileManager.default.fileExists(atPath: utt2dur) {
            try readTable(utt2dur, knownIDs: indexOfID) { id, field, line in
                guard let seconds = Double(field), seconds.isFinite, seconds >= 0 else {
                    throw DataSetError.malformedLine(path: utt2dur, line: line,
                                                     reason: "duration \"\(field)\" of utterance \(id) is not a non-negative number")
                }
                utterances[indexOfID[id]!].duration = seconds
            }
        }
        return utterances
    }

    /// Reads `id value` lines whose ids must be known, passing (id, value, line number).
    private static func readTable(_ path: String, knownIDs: [String: Int],
                                  _ body: (String, String, Int) throws -> Void) throws {
        for entry in try entries(of: path) {
            guard knownIDs[entry.id] != nil else {
                throw DataSetError.malformedLine(path: path, line: entry.line, reason: "utterance \(entry.id) is not in wav.scp")
            }
            try body(entry.id, entry.text, entry.line)
        }
    }

    /// One of the folder's files, read as Kaldi reads them (`KaldiText`: unique ids; blank lines
    /// and lines starting with whitespace are errors), its problems reported as a data set's.
    private static func entries(of path: String) throws -> [KaldiTextEntry] {
        do {
            return try KaldiText.read(path: path)
        } catch let error as KaldiTextError {
            switch error {
            case let .unreadable(file, reason):
                throw DataSetError.unreadable(path: file, reason: reason)
            case let .notUTF8(file, line):
                throw DataSetError.malformedLine(path: file, line: line, reason: "not valid UTF-8 text")
            case let .malformedLine(file, line, reason):
                throw DataSetError.malformedLine(path: file, line: line, reason: reason)
            case let .duplicateID(file, line, id, firstLine):
                throw DataSetError.duplicateID(path: file, line: line, id: id, firstLine: firstLine)
            }
        }
    }

    /// Kaldi's extended filename for a byte offset into an archive: `name.ark:1234`.
    private static func isArchiveOffset(_ path: String) -> Bool {
        guard let colon = path.lastIndex(of: ":") else { return false }
        let offset = path[path.index(after: colon)...]
        return !offset.isEmpty && offset.allSatisfy(\.isASCII) && offset.allSatisfy(\.isNumber)
            && path[..<colon].hasSuffix(".ark")
    }
}
