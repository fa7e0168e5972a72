/// Reads a JSONL manifest: one JSON object per line with `audio_filepath` and `text` (strings),
/// optional `duration` (seconds, a non-negative number), `id` and `speaker` (strings; null counts
/// as absent). Other keys are ignored, except a non-zero `offset` (a segment of a longer recording),
/// which is rejected because the whole file would silently be used instead.
enum JSONLinesManifest {
    static func load(_ path: String) throws -> [Utterance] {
        let folder = DataSetText.folder(of: path)
        var utterances: [Utterance] = []
        var lineOfID: [String: Int] = [:]
        for line in try DataSetText.lines(of: path) {
            func malformed(_ reason: String) -> DataSetError {
                .malformedLine(path: path, line: line.number, reason: reason)
            }
            let value: JSONValue
            do {
                value = try JSONValue.parse(line.text)
            } catch let error as JSONParseError {
                let hint = path.hasSuffix("wav.scp") || path.hasSuffix("/text") ? "; for a Kaldi data folder pass the folder" : ""
                throw malformed("not valid JSON (\(error.reason) at byte \(error.offset))\(hint)")
            }
            guard case .object = value else { throw malformed("expected a JSON object, found \(value.kindDescription)") }

            func string(_ key: String, required: Bool) throws -> String? {
                guard let item = value[key], item != .null else {
                    if required { throw malformed("missing key \"\(key)\"") }
                    return nil
                }
                guard let text = item.stringValue else {
                    throw malformed("\"\(key)\" must be a string, found \(item.kindDescription)")
                }
                return text
            }
            let audio = try string("audio_filepath", required: true)!
            guard !audio.isEmpty else { throw malformed("\"audio_filepath\" is empty") }
            let text = try string("text", required: true)!

            var duration: Double?
            if let item = value["duration"], item != .null {
                guard let seconds = item.doubleValue else {
                    throw malformed("\"duration\" must be a number, found \(item.kindDescription)")
                }
                guard seconds.isFinite, seconds >= 0 else { throw malformed("\"duration\" \(item.jsonText) is negative or too large") }
                duration = seconds
            }
            if let item = value["offset"], item != .null, item.doubleValue != 0 {
                throw DataSetError.unsupported(path: path, line: line.number,
                                               reason: "\"offset\" (a segment of a longer recording) is not supported")
            }

            let id = try string("id", required: false) ?? defaultID(for: audio)
            guard !id.isEmpty else { throw malformed("empty utterance id") }
            if let first = lineOfID[id] {
                throw DataSetError.duplicateID(path: path, line: line.number, id: id, firstLine: first)
            }
            lineOfID[id] = line.number
            utterances.append(Utterance(id: id, audioPath: DataSetText.resolve(audio, against: folder), text: text,
                                        duration: duration, speaker: try string("speaker", required: false)))
        }
        return utterances
    }

    /// `a/b/an251-fash-b.wav` -> `an251-fash-b`: the file name up to its last dot.
    static func defaultID(for audioPath: String) -> String {
        let name = audioPath.split(separator: "/").last.map(String.init) ?? audioPath
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }
}
