import Foundation

/// Line-oriented reading of JSONL manifests, and paths relative to a data set: numbered lines (from 1),
/// UTF-8 validated, with a leading byte-order mark and `\r\n` endings tolerated.
enum DataSetText {
    struct Line {
        let number: Int
        let text: String
    }

    /// Non-blank lines of the file at `path`.
    static func lines(of path: String) throws -> [Line] {
        let bytes: Data
        switch FileBytes.read(path) {
        case let .success(data): bytes = data
        case let .failure(failure): throw DataSetError.unreadable(path: path, reason: failure.reason)
        }
        var lines: [Line] = []
        var number = 0
        for var slice in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            if number == 1, slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
            if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
            guard let text = String(validating: slice, as: UTF8.self) else {
                throw DataSetError.malformedLine(path: path, line: number, reason: "not valid UTF-8 text")
            }
            if text.allSatisfy({ $0.isWhitespace }) { continue }
            lines.append(Line(number: number, text: text))
        }
        return lines
    }

    /// `path` made absolute against `folder` (itself made absolute against the working directory),
    /// with `.` and `..` components resolved lexically. Absolute paths are returned unchanged.
    static func resolve(_ path: String, against folder: String) -> String {
        if path.hasPrefix("/") { return path }
        let base = folder.hasPrefix("/") ? folder : FileManager.default.currentDirectoryPath + "/" + folder
        var components: [Substring] = []
        for component in (base + "/" + path).split(separator: "/") {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// The folder holding `file` ("." for a bare file name).
    static func folder(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return slash == file.startIndex ? "/" : String(file[..<slash])
    }
}
