import Foundation

/// One line of a Kaldi `text` file: `<utterance-id> <transcript>`.
public struct KaldiTextEntry: Hashable, Sendable {
    public var id: String
    /// The rest of the line, leading and trailing whitespace trimmed; may be empty.
    public var text: String
    /// 1-based line number in its file, for messages.
    public var line: Int

    public init(id: String, text: String, line: Int) {
        self.id = id
        self.text = text
        self.line = line
    }
}

/// Why a Kaldi text file could not be read; `description` is one line naming the file (and line).
public enum KaldiTextError: Error, CustomStringConvertible, Hashable, Sendable {
    case unreadable(file: String, reason: String)
    case notUTF8(file: String, line: Int)
    case malformedLine(file: String, line: Int, reason: String)
    case duplicateID(file: String, line: Int, id: String, firstLine: Int)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read (\(reason))"
        case let .notUTF8(file, line):
            return "\(file):\(line): not UTF-8 text"
        case let .malformedLine(file, line, reason):
            return "\(file):\(line): \(reason); expected `<utterance-id> <transcript>`"
        case let .duplicateID(file, line, id, firstLine):
            return "\(file):\(line): duplicate utterance id '\(id)' (first on line \(firstLine))"
        }
    }
}

/// Kaldi's `text` format (also `utt2spk` and friends): one utterance per line, its id, then
/// whitespace, then its transcript, which may be empty. Ids are unique. A final newline is
/// optional; CR before LF and a leading byte-order mark are ignored. Blank lines and lines starting with whitespace are errors,
/// as in Kaldi, because they usually mean a broken file.
public enum KaldiText {
    /// Reads and parses the file at `path`; `path` is used as given in error messages.
    public static func read(path: String) throws -> [KaldiTextEntry] {
        switch FileBytes.read(path) {
        case let .success(bytes): return try parse(bytes, file: path)
        case let .failure(failure): throw KaldiTextError.unreadable(file: path, reason: failure.reason)
        }
    }

    /// Parses file contents; `file` names the source in error messages. Entries keep file order.
    public static func parse<Bytes: Collection>(_ bytes: Bytes, file: String) throws -> [KaldiTextEntry]
    where Bytes.Element == UInt8 {
        var entries: [KaldiTextEntry] = []
        var firstLineOfID: [String: Int] = [:]
        var lines = Array(bytes).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }  // the final newline ends a line, not starts one
        for (index, rawLine) in lines.enumerated() {
            let number = index + 1
            var lineBytes = rawLine
            if number == 1, lineBytes.starts(with: [0xEF, 0xBB, 0xBF]) { lineBytes = lineBytes.dropFirst(3) }  // a byte-order mark
            if lineBytes.last == UInt8(ascii: "\r") { lineBytes.removeLast() }
            guard let line = String(bytes: lineBytes, encoding: .utf8) else {
                throw KaldiTextError.notUTF8(file: file, line: number)
            }
            guard let first = line.first else {
                throw KaldiTextError.malformedLine(file: file, line: number, reason: "empty line")
            }
            if first.isWhitespace {
                throw KaldiTextError.malformedLine(file: file, line: number,
                                                   reason: "line starts with whitespace, not an utterance id")
            }
            let idEnd = line.firstIndex(where: \.isWhitespace) ?? line.endIndex
            let id = String(line[..<idEnd])
            let rest = line[idEnd...]
            let text: Substring
            if let start = rest.firstIndex(where: { !$0.isWhitespace }),
               let end = rest.lastIndex(where: { !$0.isWhitespace }) {
                text = rest[start...end]
            } else {
                text = ""
            }
            if let firstLine = firstLineOfID[id] {
                throw KaldiTextError.duplicateID(file: file, line: number, id: id, firstLine: firstLine)
            }
            firstLineOfID[id] = number
            entries.append(KaldiTextEntry(id: id, text: String(text), line: number))
        }
        return entries
    }
}
