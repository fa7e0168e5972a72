import Foundation

/// Reads a two-dimensional little-endian float32 C-order .npy file (versions 1.0 to 3.0) into a
/// `FeatureMatrix`: what `NPYWriter` writes and what `numpy.save` writes for a float32 matrix.
public enum NPYReader {
    public static func read(_ path: String) throws -> FeatureMatrix {
        switch FileBytes.read(path) {
        case .success(let data): return try decode([UInt8](data), path: path)
        case .failure(let failure): throw NPYError(path: path, problem: "cannot read (\(failure.reason))")
        }
    }

    public static func decode(_ bytes: [UInt8], path: String = "<npy>") throws -> FeatureMatrix {
        func fail(_ problem: String) -> NPYError { NPYError(path: path, problem: "not a float32 matrix .npy file (\(problem))") }
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw fail("bad magic")
        }
        let major = bytes[6]
        var headerStart = 10, headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        if major >= 2 {
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerStart = 12
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        }
        guard major >= 1, major <= 3 else { throw fail("version \(major)") }
        guard bytes.count >= headerStart + headerLength else { throw fail("truncated header") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard header.contains("'descr': '<f4'") else { throw fail("dtype is not '<f4'") }
        guard header.contains("'fortran_order': False") else { throw fail("Fortran order") }
        guard let open = header.range(of: "'shape': ("),
              let close = header[open.upperBound...].firstIndex(of: ")") else { throw fail("no shape") }
        let dims = header[open.upperBound..<close].split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.compactMap { Int($0) }
        guard dims.count == 2, dims[0] >= 0, dims[1] >= 0 else { throw fail("shape is not two-dimensional") }
        let count = dims[0] * dims[1], dataStart = headerStart + headerLength
        guard bytes.count - dataStart == 4 * count else {
            throw fail("\(bytes.count - dataStart) data bytes for shape (\(dims[0]), \(dims[1]))")
        }
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let o = dataStart + 4 * i
            let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
            values[i] = Float(bitPattern: bits)
        }
        return FeatureMatrix(frames: dims[0], bins: dims[1], values: values)
    }
}
