/// Why a data set could not be loaded or used. Each description is one line naming the file
/// (and line, `file:line:`) at fault.
public enum DataSetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The manifest or data folder does not exist or cannot be read.
    case unreadable(path: String, reason: String)
    /// A Kaldi data folder lacks a required file (`wav.scp` or `text`); `path` is that file.
    case missingFile(path: String)
    /// A line that cannot be used: bad JSON, missing key, wrong type, id without transcript, ...
    case malformedLine(path: String, line: Int, reason: String)
    case duplicateID(path: String, line: Int, id: String, firstLine: Int)
    /// Valid syntax this loader deliberately does not support (piped wav.scp commands, segments, offsets).
    case unsupported(path: String, line: Int?, reason: String)
    /// No utterances at all in the manifest or folder.
    case empty(path: String)
    /// Every listed utterance was skipped by `DataSet.validate` (e.g. all audio files missing).
    case noUsableUtterances(path: String, skipped: Int)
    /// `validate(strict: true)` found an unusable utterance; `reason` describes the first one.
    case unusableUtterance(path: String, skipped: Int, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read data set (\(reason))"
        case let .missingFile(path):
            return "\(path): missing (a Kaldi data folder needs wav.scp and text)"
        case let .malformedLine(path, line, reason):
            return "\(path):\(line): \(reason)"
        case let .duplicateID(path, line, id, firstLine):
            return "\(path):\(line): duplicate utterance id \(JSONValue.quoted(id)) (first on line \(firstLine))"
        case let .unsupported(path, line, reason):
            return "\(path)\(line.map { ":\($0)" } ?? ""): \(reason)"
        case let .empty(path):
            return "\(path): data set has no utterances"
        case let .noUsableUtterances(path, skipped):
            return "\(path): data set has no usable utterances (all \(skipped) skipped)"
        case let .unusableUtterance(path, skipped, reason):
            return "\(path): \(skipped) unusable utterance\(skipped == 1 ? "" : "s"), first: \(reason)"
        }
    }
}
