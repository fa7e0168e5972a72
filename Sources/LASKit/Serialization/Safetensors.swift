import Foundation

/// Element types this project reads and writes. Both are IEEE 754, little-endian in the file.
public enum SafetensorsDType: String, CaseIterable, Sendable {
    case f32 = "F32"
    /// IEEE binary16; written with round-to-nearest-even, read back exactly as Float.
    case f16 = "F16"

    public var byteCount: Int {
        switch self {
        case .f32: return 4
        case .f16: return 2
        }
    }
}

/// One named tensor: row-major Float values and their shape (`[]` is a scalar holding one value).
public struct SafetensorsTensor: Equatable, Sendable {
    public var shape: [Int]
    public var values: [Float]
    /// How the values are stored in the file: what the reader found, and what the writer uses
    /// unless `write(to:storingAs:)` overrides it.
    public var dtype: SafetensorsDType

    public init(shape: [Int], values: [Float], dtype: SafetensorsDType = .f32) {
        self.shape = shape
        self.values = values
        self.dtype = dtype
    }
}

/// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N,
/// N bytes of JSON header
/// `{"__metadata__": {string: string}, name: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}`
/// padded with spaces to a multiple of 8, then the tensors' raw little-endian bytes; offsets are
/// relative to the start of that data area.
///
/// Writing sorts tensors by name (UTF-8 byte order) and lays them out contiguously, so the same
/// tensors always give the same bytes. Reading validates the header, shapes, offsets (in bounds,
/// no overlap, no uncovered bytes) and values (finite), and never reads outside the file.
public struct Safetensors: Equatable, Sendable {
    /// Headers larger than this are rejected as damaged rather than allocated.
    public static let maximumHeaderLength = 100_000_000

    public var tensors: [String: SafetensorsTensor]
    public var metadata: [String: String]

    public init(tensors: [String: SafetensorsTensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Writes atomically (temporary file, fsync, rename). `storingAs` nil keeps each tensor's own
    /// dtype; `.f16` or `.f32` stores every tensor that way.
    public func write(to path: String, storingAs dtype: SafetensorsDType? = nil) throws {
        let bytes = try encoded(storingAs: dtype, path: path)
        try AtomicFile.write(bytes, to: path)
    }

    /// The file's bytes. `path` only names the destination in error messages.
    public func encoded(storingAs dtype: SafetensorsDType? = nil, path: String = "(safetensors in memory)") throws -> Data {
        let names = tensors.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var header: [(key: String, value: JSONValue)] = []
        if !metadata.isEmpty {
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            header.append(("__metadata__", .object(keys.map { ($0, .string(metadata[$0]!)) })))
        }
        var layout: [(tensor: SafetensorsTensor, dtype: SafetensorsDType, begin: Int)] = []
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            let storage = dtype ?? tensor.dtype
            try Safetensors.checkWritable(tensor, storage: storage, name: name, path: path)
            let byteCount = tensor.values.count * storage.byteCount
            header.append((name, .object([
                ("dtype", .string(storage.rawValue)),
                ("shape", .array(tensor.shape.map { .number(String($0)) })),
                ("data_offsets", .array([.number(String(offset)), .number(String(offset + byteCount))])),
            ])))
            layout.append((tensor, storage, offset))
            offset += byteCount
        }

        var headerBytes = Array(JSONValue.object(header).jsonText.utf8)
        // Pad with spaces so the data area starts 8-byte aligned (8 + N ≡ 0 mod 8).
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8))

        var file = Data(count: 8 + headerBytes.count + offset)
        file.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) in
            raw.storeBytes(of: UInt64(headerBytes.count).littleEndian, toByteOffset: 0, as: UInt64.self)
            headerBytes.withUnsafeBytes { raw.baseAddress!.advanced(by: 8).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            let data = UnsafeMutableRawBufferPointer(rebasing: raw[(8 + headerBytes.count)...])
            for (tensor, storage, begin) in layout {
                tensor.values.withUnsafeBufferPointer { values in
                    switch storage {
                    case .f32:
                        for i in 0..<values.count {
                            data.storeBytes(of: values[i].bitPattern.littleEndian, toByteOffset: begin + 4 * i, as: UInt32.self)
                        }
                    case .f16:
                        for i in 0..<values.count {
                            data.storeBytes(of: Float16(values[i]).bitPattern.littleEndian,
                                            toByteOffset: begin + 2 * i, as: UInt16.self)
                        }
                    }
                }
            }
        }
        return file
    }

    private static func checkWritable(_ tensor: SafetensorsTensor, storage: SafetensorsDType,
                                      name: String, path: String) throws {
        if name == "__metadata__" {
            throw SafetensorsError.invalidTensor(path: path, tensor: name, reason: "the name is reserved for metadata")
        }
        var count = 1
        for dimension in tensor.shape {
            guard dimension >= 0 else {
                throw SafetensorsError.invalidTensor(path: path, tensor: name, reason: "negative dimension in shape \(tensor.shape)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw SafetensorsError.invalidTensor(path: path, tensor: name, reason: "shape \(tensor.shape) is too large")
            }
            count = product
        }
        guard count == tensor.values.count else {
            throw SafetensorsError.invalidTensor(
                path: path, tensor: name,
                reason: "shape \(tensor.shape) holds \(count) values but \(tensor.values.count) were given")
        }
        for (index, value) in tensor.values.enumerated() {
            guard value.isFinite else {
                throw SafetensorsError.nonFiniteValue(path: path, tensor: name, index: index,
                                                      value: Safetensors.describeNonFinite(value))
            }
            if storage == .f16, !Float16(value).isFinite {
                throw SafetensorsError.valueOutOfF16Range(path: path, tensor: name, index: index, value: value)
            }
        }
    }

    static func describeNonFinite(_ value: Float) -> String {
        value.isNaN ? "NaN" : (value < 0 ? "-Inf" : "+Inf")
    }
}
