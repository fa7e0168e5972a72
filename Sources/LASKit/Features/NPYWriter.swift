import Foundation

/// Writes a `FeatureMatrix` as a NumPy .npy file (format version 1.0): `numpy.load` gives a
/// float32 array of shape (frames, bins). The file appears atomically: the bytes go to a
/// temporary file in the same folder, which is then renamed over `path`.
public enum NPYWriter {
    public static func write(_ features: FeatureMatrix, to path: String) throws {
        try writeAtomically(encode(features), to: path)
    }

    /// The whole file: magic, version, header length, header, little-endian float32 data.
    /// The header is a Python dict literal padded with spaces and ended by a newline so the data
    /// starts at a multiple of 64 bytes (the NPY format specification).
    public static func encode(_ features: FeatureMatrix) -> [UInt8] {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(features.frames), \(features.bins)), }"
        let prefix = 10  // magic (6) + version (2) + header length (2)
        let unpadded = prefix + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = UInt16(header.utf8.count)
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes += Array(header.utf8)
        bytes.reserveCapacity(bytes.count + 4 * features.values.count)
        for value in features.values {
            let bits = value.bitPattern.littleEndian
            bytes += [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
        }
        return bytes
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        do { try AtomicFile.write(Data(bytes), to: path) } catch let error as AtomicFileError {
            throw NPYError(path: path, problem: "cannot write (\(error.reason))")
        }
    }
}

/// An .npy file that could not be written or read; one line naming the file.
public struct NPYError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let problem: String
    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }
    public var description: String { "\(path): \(problem)" }
}
