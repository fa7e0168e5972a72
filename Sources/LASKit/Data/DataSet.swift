import Foundation

/// A list of utterances read from either
/// - a JSONL manifest (NeMo style), one object per line:
///   `{"audio_filepath": "a/b.wav", "text": "HELLO", "duration": 1.9, "id": "b", "speaker": "s1"}`
///   (`duration`, `id`, `speaker` optional; `id` defaults to the audio file's name without extension;
///   relative audio paths resolve against the manifest's folder; blank lines are ignored), or
/// - a Kaldi data folder: `wav.scp` (`id path`, plain paths only), `text` (`id transcript`), optional
///   `utt2spk` (`id speaker`) and `utt2dur` (`id seconds`); relative paths resolve against the folder.
///
/// Loading checks syntax only; whether the audio files exist is `validate`'s job, so a trainer can
/// report skipped utterances and still run (or, with `strict`, refuse).
public struct DataSet: Equatable, Sendable {
    public enum Format: String, Sendable {
        case jsonLines
        case kaldiFolder
    }

    /// The manifest file or data folder, as given to `load`.
    public var path: String
    public var format: Format
    /// In file order (manifest lines; wav.scp lines for a Kaldi folder).
    public var utterances: [Utterance]

    public init(path: String, format: Format, utterances: [Utterance]) {
        self.path = path
        self.format = format
        self.utterances = utterances
    }

    /// Loads a JSONL manifest (a file) or a Kaldi data folder (a directory).
    /// Throws `DataSetError` naming file:line for the first malformed line, and `.empty` when
    /// there are no utterances.
    public static func load(_ path: String) throws -> DataSet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataSetError.unreadable(path: path, reason: "No such file or directory")
        }
        let dataSet = isDirectory.boolValue
            ? DataSet(path: path, format: .kaldiFolder, utterances: try KaldiDataFolder.load(path))
            : DataSet(path: path, format: .jsonLines, utterances: try JSONLinesManifest.load(path))
        guard !dataSet.utterances.isEmpty else { throw DataSetError.empty(path: path) }
        return dataSet
    }

    /// Total seconds, when every utterance states its duration.
    public var totalDuration: Double? {
        var total = 0.0
        for utterance in utterances {
            guard let duration = utterance.duration else { return nil }
            total += duration
        }
        return total
    }

    /// Splits the utterances into usable ones and skipped ones (audio file missing, not a regular
    /// file, or unreadable). Throws `.noUsableUtterances` when nothing is kept, and with `strict`
    /// throws `.unusableUtterance` if anything was skipped.
    public func validate(strict: Bool = false) throws -> DataSetValidation {
        var kept: [Utterance] = []
        var skipped: [SkippedUtterance] = []
        for utterance in utterances {
            if let reason = SkippedUtterance.Reason.check(utterance.audioPath) {
                skipped.append(SkippedUtterance(utterance: utterance, reason: reason))
            } else {
                kept.append(utterance)
            }
        }
        if kept.isEmpty { throw DataSetError.noUsableUtterances(path: path, skipped: skipped.count) }
        if strict, let first = skipped.first {
            throw DataSetError.unusableUtterance(path: path, skipped: skipped.count, reason: first.description)
        }
        return DataSetValidation(kept: kept, skipped: skipped)
    }
}

/// The outcome of `DataSet.validate`: utterances to use and the ones left out, with reasons.
public struct DataSetValidation: Equatable, Sendable {
    public var kept: [Utterance]
    public var skipped: [SkippedUtterance]

    public init(kept: [Utterance], skipped: [SkippedUtterance]) {
        self.kept = kept
        self.skipped = skipped
    }
}

/// An utterance left out of training or evaluation, and why.
public struct SkippedUtterance: Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable, CustomStringConvertible {
        case audioNotFound
        case audioNotARegularFile
        /// The file exists but cannot be opened; the system's message.
        case audioUnreadable(String)

        public var description: String {
            switch self {
            case .audioNotFound: return "audio file not found"
            case .audioNotARegularFile: return "audio path is not a regular file"
            case let .audioUnreadable(reason): return "audio file unreadable (\(reason))"
            }
        }

        /// Nil when `path` is a readable regular file (stat follows symlinks).
        static func check(_ path: String) -> Reason? {
            var info = stat()
            guard stat(path, &info) == 0 else {
                return errno == ENOENT || errno == ENOTDIR ? .audioNotFound
                    : .audioUnreadable(String(cString: strerror(errno)))
            }
            guard (info.st_mode & S_IFMT) == S_IFREG else { return .audioNotARegularFile }
            guard access(path, R_OK) == 0 else { return .audioUnreadable(String(cString: strerror(errno))) }
            return nil
        }
    }

    public var utterance: Utterance
    public var reason: Reason

    public init(utterance: Utterance, reason: Reason) {
        self.utterance = utterance
        self.reason = reason
    }

    /// `audio/x.wav: audio file not found (utterance x)`
    public var description: String {
        "\(utterance.audioPath): \(reason) (utterance \(utterance.id))"
    }
}
