import LASKit

/// One JSON object per line, keys sorted, for benchmark and machine-readable output.
enum JSONLine {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        try JSONValue.text(encoding: value)
    }
}
