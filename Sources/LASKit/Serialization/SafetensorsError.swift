/// Why a safetensors file could not be read or written. Each description is one line that starts
/// with the file's path.
public enum SafetensorsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or read; `reason` is the system's message.
    case unreadable(path: String, reason: String)
    /// Fewer than the 8 bytes of the header-length prefix.
    case tooShort(path: String, byteCount: Int)
    /// The header-length prefix exceeds `Safetensors.maximumHeaderLength` (a damaged or foreign file).
    case headerTooLarge(path: String, headerLength: UInt64)
    /// The header-length prefix points past the end of the file.
    case headerBeyondFile(path: String, headerLength: UInt64, fileSize: Int)
    case headerNotJSON(path: String, reason: String)
    /// The header parsed, but as `kind` ("an array", ...) rather than an object.
    case headerNotObject(path: String, kind: String)
    /// `__metadata__` is not an object of string values.
    case invalidMetadata(path: String, reason: String)
    /// A tensor entry lacks or mistypes `dtype`, `shape` or `data_offsets`.
    case invalidEntry(path: String, tensor: String, reason: String)
    case unknownDType(path: String, tensor: String, dtype: String)
    /// shape × dtype size (`expectedBytes`) differs from the `data_offsets` span.
    case sizeMismatch(path: String, tensor: String, expectedBytes: Int, spanBytes: Int)
    case offsetsOutOfBounds(path: String, tensor: String, begin: Int, end: Int, dataSize: Int)
    case offsetsOverlap(path: String, tensor: String, otherTensor: String)
    /// Bytes `begin..<end` of the data area belong to no tensor (a gap or trailing bytes).
    case dataNotCovered(path: String, begin: Int, end: Int)
    /// `value` is "NaN", "+Inf" or "-Inf"; `index` counts elements in row-major order.
    case nonFiniteValue(path: String, tensor: String, index: Int, value: String)
    /// Writing: a tensor whose shape and values disagree, or a reserved name.
    case invalidTensor(path: String, tensor: String, reason: String)
    /// Writing as F16: `value` would round to infinity (|x| ≥ 65520).
    case valueOutOfF16Range(path: String, tensor: String, index: Int, value: Float)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read (\(reason))"
        case let .tooShort(path, byteCount):
            return "\(path): not a safetensors file (\(byteCount) bytes, shorter than the 8-byte header length)"
        case let .headerTooLarge(path, headerLength):
            return "\(path): not a safetensors file (header length \(headerLength) bytes exceeds the "
                + "\(Safetensors.maximumHeaderLength / 1_000_000) MB limit)"
        case let .headerBeyondFile(path, headerLength, fileSize):
            return "\(path): truncated safetensors file (header length \(headerLength) bytes, "
                + "but the file has only \(fileSize) bytes)"
        case let .headerNotJSON(path, reason):
            return "\(path): safetensors header is not valid JSON (\(reason))"
        case let .headerNotObject(path, kind):
            return "\(path): safetensors header is \(kind), not a JSON object"
        case let .invalidMetadata(path, reason):
            return "\(path): invalid __metadata__ (\(reason))"
        case let .invalidEntry(path, tensor, reason):
            return "\(path): tensor \(JSONValue.quoted(tensor)): \(reason)"
        case let .unknownDType(path, tensor, dtype):
            return "\(path): tensor \(JSONValue.quoted(tensor)): unsupported dtype \(JSONValue.quoted(dtype)) "
                + "(supported: F32, F16)"
        case let .sizeMismatch(path, tensor, expectedBytes, spanBytes):
            return "\(path): tensor \(JSONValue.quoted(tensor)): shape and dtype need \(expectedBytes) bytes "
                + "but data_offsets span \(spanBytes)"
        case let .offsetsOutOfBounds(path, tensor, begin, end, dataSize):
            return "\(path): tensor \(JSONValue.quoted(tensor)): data_offsets [\(begin), \(end)] lie outside "
                + "the \(dataSize)-byte data area"
        case let .offsetsOverlap(path, tensor, otherTensor):
            return "\(path): tensor \(JSONValue.quoted(tensor)): data_offsets overlap tensor "
                + JSONValue.quoted(otherTensor)
        case let .dataNotCovered(path, begin, end):
            return "\(path): bytes \(begin)..<\(end) of the data area belong to no tensor"
        case let .nonFiniteValue(path, tensor, index, value):
            return "\(path): tensor \(JSONValue.quoted(tensor)): non-finite value \(value) at index \(index)"
        case let .invalidTensor(path, tensor, reason):
            return "\(path): cannot store tensor \(JSONValue.quoted(tensor)): \(reason)"
        case let .valueOutOfF16Range(path, tensor, index, value):
            return "\(path): tensor \(JSONValue.quoted(tensor)): value \(value) at index \(index) "
                + "is outside the F16 range (±65504)"
        }
    }
}
