import Foundation

extension Safetensors {
    /// Reads and validates a safetensors file; F16 tensors are converted to Float exactly.
    public static func read(_ path: String) throws -> Safetensors {
        switch FileBytes.read(path) {
        case let .success(bytes): return try decode(bytes, path: path)
        case let .failure(failure): throw SafetensorsError.unreadable(path: path, reason: failure.reason)
        }
    }

    /// Parses a safetensors file held in memory; `path` names it in error messages.
    /// Throws `SafetensorsError` for any inconsistency and never reads outside `bytes`.
    public static func decode(_ bytes: Data, path: String) throws -> Safetensors {
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            try decode(raw, path: path)
        }
    }

    fileprivate struct Entry {
        let name: String
        let dtype: SafetensorsDType
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    private static func decode(_ raw: UnsafeRawBufferPointer, path: String) throws -> Safetensors {
        let (metadata, entries, dataStart) = try parseHeader(raw, path: path)
        var tensors: [String: SafetensorsTensor] = [:]
        let data = UnsafeRawBufferPointer(rebasing: raw[dataStart...])
        for entry in entries {
            let values = try readValues(entry, from: data, path: path)
            tensors[entry.name] = SafetensorsTensor(shape: entry.shape, values: values, dtype: entry.dtype)
        }
        return Safetensors(tensors: tensors, metadata: metadata)
    }

    /// The validated metadata and tensor entries, and where the data area begins.
    fileprivate static func parseHeader(_ raw: UnsafeRawBufferPointer, path: String) throws
        -> (metadata: [String: String], entries: [Entry], dataStart: Int) {
        guard raw.count >= 8 else { throw SafetensorsError.tooShort(path: path, byteCount: raw.count) }
        let headerLength = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard headerLength <= UInt64(maximumHeaderLength) else {
            throw SafetensorsError.headerTooLarge(path: path, headerLength: headerLength)
        }
        guard headerLength <= UInt64(raw.count - 8) else {
            throw SafetensorsError.headerBeyondFile(path: path, headerLength: headerLength, fileSize: raw.count)
        }
        let dataStart = 8 + Int(headerLength)
        let dataSize = raw.count - dataStart

        let header: JSONValue
        do {
            header = try JSONValue.parse(UnsafeRawBufferPointer(rebasing: raw[8..<dataStart]))
        } catch let error as JSONParseError {
            throw SafetensorsError.headerNotJSON(path: path, reason: error.description)
        }
        guard case let .object(members) = header else {
            throw SafetensorsError.headerNotObject(path: path, kind: header.kindDescription)
        }

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (name, value) in members {
            if name == "__metadata__" {
                metadata = try parseMetadata(value, path: path)
            } else {
                entries.append(try parseEntry(name: name, value, dataSize: dataSize, path: path))
            }
        }
        try checkLayout(entries, dataSize: dataSize, path: path)
        return (metadata, entries, dataStart)
    }

    private static func parseMetadata(_ value: JSONValue, path: String) throws -> [String: String] {
        guard case let .object(members) = value else {
            throw SafetensorsError.invalidMetadata(path: path, reason: "\(value.kindDescription), not an object")
        }
        var metadata: [String: String] = [:]
        for (key, item) in members {
            guard let text = item.stringValue else {
                throw SafetensorsError.invalidMetadata(
                    path: path, reason: "value of \(JSONValue.quoted(key)) is \(item.kindDescription), not a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func parseEntry(name: String, _ value: JSONValue, dataSize: Int, path: String) throws -> Entry {
        func invalid(_ reason: String) -> SafetensorsError {
            .invalidEntry(path: path, tensor: name, reason: reason)
        }
        guard case .object = value else { throw invalid("entry is \(value.kindDescription), not an object") }
        guard let dtypeValue = value["dtype"] else { throw invalid("missing \"dtype\"") }
        guard let dtypeName = dtypeValue.stringValue else { throw invalid("\"dtype\" is \(dtypeValue.kindDescription), not a string") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw SafetensorsError.unknownDType(path: path, tensor: name, dtype: dtypeName)
        }

        guard let shapeValue = value["shape"] else { throw invalid("missing \"shape\"") }
        guard case let .array(dimensions) = shapeValue else { throw invalid("\"shape\" is \(shapeValue.kindDescription), not an array") }
        var shape: [Int] = []
        var byteCount = dtype.byteCount
        for dimensionValue in dimensions {
            guard let dimension = dimensionValue.intValue, dimension >= 0 else {
                throw invalid("\"shape\" holds \(dimensionValue.jsonText), not a non-negative integer")
            }
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw invalid("\"shape\" \(shapeValue.jsonText) is too large") }
            shape.append(dimension)
            byteCount = product
        }

        guard let offsetsValue = value["data_offsets"] else { throw invalid("missing \"data_offsets\"") }
        guard case let .array(offsets) = offsetsValue, offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue, begin >= 0, end >= 0 else {
            throw invalid("\"data_offsets\" \(offsetsValue.jsonText) is not two non-negative integers")
        }
        guard begin <= end, end <= dataSize else {
            throw SafetensorsError.offsetsOutOfBounds(path: path, tensor: name, begin: begin, end: end, dataSize: dataSize)
        }
        guard byteCount == end - begin else {
            throw SafetensorsError.sizeMismatch(path: path, tensor: name, expectedBytes: byteCount, spanBytes: end - begin)
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// The tensors must tile the data area exactly: sorted by offset, each begins where the
    /// previous one ended, and the last ends at the end of the file.
    private static func checkLayout(_ entries: [Entry], dataSize: Int, path: String) throws {
        let ordered = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var cursor = 0
        var previous: String?
        for entry in ordered {
            if entry.begin < cursor, let previous {
                throw SafetensorsError.offsetsOverlap(path: path, tensor: entry.name, otherTensor: previous)
            }
            if entry.begin > cursor {
                throw SafetensorsError.dataNotCovered(path: path, begin: cursor, end: entry.begin)
            }
            cursor = entry.end
            previous = entry.name
        }
        if cursor < dataSize {
            throw SafetensorsError.dataNotCovered(path: path, begin: cursor, end: dataSize)
        }
    }

    fileprivate static func readValues(_ entry: Entry, from data: UnsafeRawBufferPointer, path: String) throws -> [Float] {
        let count = (entry.end - entry.begin) / entry.dtype.byteCount
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBufferPointer { out in
            switch entry.dtype {
            case .f32:
                for i in 0..<count {
                    let bits = UInt32(littleEndian: data.loadUnaligned(fromByteOffset: entry.begin + 4 * i, as: UInt32.self))
                    out[i] = Float(bitPattern: bits)
                }
            case .f16:
                for i in 0..<count {
                    let bits = UInt16(littleEndian: data.loadUnaligned(fromByteOffset: entry.begin + 2 * i, as: UInt16.self))
                    out[i] = Float(Float16(bitPattern: bits))
                }
            }
        }
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw SafetensorsError.nonFiniteValue(path: path, tensor: entry.name, index: index,
                                                  value: describeNonFinite(values[index]))
        }
        return values
    }
}

/// A safetensors file whose header is read and validated at once and whose tensors are widened
/// to Float one at a time, on request. Loading a model this way holds the file's bytes and one
/// tensor besides the model's own weights, instead of a Float copy of every tensor at once
/// (for the bundled model: 14 MB of float16 and 4 MB, instead of 28 MB more).
public struct SafetensorsFile {
    public let path: String
    public let metadata: [String: String]
    private let bytes: Data
    private let entries: [String: Safetensors.Entry]
    private let dataStart: Int

    public init(path: String) throws {
        switch FileBytes.read(path) {
        case let .success(bytes): self.bytes = bytes
        case let .failure(failure): throw SafetensorsError.unreadable(path: path, reason: failure.reason)
        }
        self.path = path
        let header = try bytes.withUnsafeBytes { try Safetensors.parseHeader($0, path: path) }
        metadata = header.metadata
        dataStart = header.dataStart
        entries = Dictionary(header.entries.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The tensor named `name`, converted to Float (nil if the file has none of that name).
    public func tensor(_ name: String) throws -> SafetensorsTensor? {
        guard let entry = entries[name] else { return nil }
        let values = try bytes.withUnsafeBytes { raw in
            try Safetensors.readValues(entry, from: UnsafeRawBufferPointer(rebasing: raw[dataStart...]), path: path)
        }
        return SafetensorsTensor(shape: entry.shape, values: values, dtype: entry.dtype)
    }
}
