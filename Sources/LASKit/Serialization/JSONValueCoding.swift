import Foundation

/// The bridge between `JSONValue` and Codable types, so that JSON which is partly typed (a
/// configuration file laid over defaults, a log line holding encoded options) is built and read
/// one way: `JSONEncoder`/`JSONDecoder` for the typed parts, `JSONValue` for the rest.
extension JSONValue {
    /// The JSON that `JSONEncoder` writes for `value`, with sorted keys.
    public init(encoding value: some Encodable) throws {
        self = try JSONValue.parse(JSONValue.text(encoding: value))
    }

    /// `value` as one line of JSON text, keys sorted and slashes unescaped: the one way this
    /// project writes Codable values (model metadata, `--format json`, benchmark reports).
    public static func text(encoding value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes the value as `type` with `JSONDecoder`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(jsonText.utf8))
    }

    /// An object with `changes`' members laid over this one's: a key in both takes the value in
    /// `changes`, in this object's position; new keys follow. Non-objects are replaced whole.
    public func merging(_ changes: JSONValue) -> JSONValue {
        guard case var .object(members) = self, case let .object(new) = changes else { return changes }
        for member in new {
            if let i = members.firstIndex(where: { $0.key == member.key }) {
                members[i].value = member.value
            } else {
                members.append(member)
            }
        }
        return .object(members)
    }

    /// A number as JSON writes it (the shortest text that reads back as `value`); null when it
    /// is not finite, which JSON cannot express.
    public static func number(_ value: Double) -> JSONValue {
        guard value.isFinite else { return .null }
        if value == value.rounded(), abs(value) < 1e15 { return .number(String(Int64(value))) }
        return .number(String(value))
    }

    public static func number(_ value: Int) -> JSONValue { .number(String(value)) }
}
