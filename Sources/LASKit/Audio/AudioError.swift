/// Why an audio file could not be turned into samples. Each description is one line that
/// names the file, e.g. `audio-samples/x.wav: not an audio file (libsndfile: Format not recognised.)`.
public enum AudioError: Error, Equatable, CustomStringConvertible {
    /// Nothing exists at the path.
    case missing(path: String)
    /// The path is a directory, not a file.
    case isDirectory(path: String)
    /// libsndfile does not recognise the file as audio; `reason` is its `sf_strerror` text.
    case notAudio(path: String, reason: String)
    /// The file was recognised but could not be read or decoded (permissions, corrupt data).
    case unreadable(path: String, reason: String)
    /// The file is audio, but of a shape this reader refuses (no channels, a sample rate that
    /// cannot be converted, unknown length).
    case unsupported(path: String, reason: String)
    /// The file holds no audio: zero bytes, or a valid header with zero frames.
    case empty(path: String)
    /// Longer than the configured limit; refused before decoding so a huge file cannot exhaust memory.
    case tooLong(path: String, seconds: Double, limit: Double)
    /// Shorter than the fewest samples a model can listen to (the listener needs as many feature
    /// frames as its pyramid divides time by).
    case tooShort(path: String, seconds: Double, minimum: Double)
    /// Writing an audio file failed.
    case unwritable(path: String, reason: String)

    public var path: String {
        switch self {
        case .missing(let path), .isDirectory(let path), .notAudio(let path, _), .unreadable(let path, _),
             .unsupported(let path, _), .empty(let path), .tooLong(let path, _, _), .tooShort(let path, _, _),
             .unwritable(let path, _):
            return path
        }
    }

    public var description: String {
        switch self {
        case .missing(let path):
            return "\(path): no such file"
        case .isDirectory(let path):
            return "\(path): is a directory, not an audio file"
        case .notAudio(let path, let reason):
            return "\(path): not an audio file (libsndfile: \(oneLine(reason)))"
        case .unreadable(let path, let reason):
            return "\(path): cannot read audio (\(oneLine(reason)))"
        case .unsupported(let path, let reason):
            return "\(path): unsupported audio (\(oneLine(reason)))"
        case .empty(let path):
            return "\(path): empty audio file (no samples)"
        case .tooLong(let path, let seconds, let limit):
            return "\(path): audio is too long (\(formatSeconds(seconds)) s, limit \(formatSeconds(limit)) s)"
        case .tooShort(let path, let seconds, let minimum):
            return "\(path): audio is too short to transcribe (\(Int((seconds * 1000).rounded())) ms, at least \(Int((minimum * 1000).rounded())) ms needed)"
        case .unwritable(let path, let reason):
            return "\(path): cannot write audio (\(oneLine(reason)))"
        }
    }
}

/// libsndfile messages sometimes carry newlines; an error description stays on one line.
private func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }.joined(separator: " ")
}

private func formatSeconds(_ seconds: Double) -> String {
    String(format: "%.1f", seconds)
}

import Foundation
