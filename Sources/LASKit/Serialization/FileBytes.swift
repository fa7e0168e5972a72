import Foundation
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// Reads a whole file with POSIX calls so a failure comes back as the system's short message
/// ("No such file or directory", "Is a directory") rather than Foundation's multi-line one.
enum FileBytes {
    /// The file's bytes, or the strerror text of the failing call.
    static func read(_ path: String) -> Result<Data, FileReadFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(FileReadFailure(reason: String(cString: strerror(errno)))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(FileReadFailure(reason: String(cString: strerror(errno)))) }
        if (info.st_mode & S_IFMT) == S_IFDIR { return .failure(FileReadFailure(reason: "Is a directory")) }
        var data = Data()
        data.reserveCapacity(max(Int(info.st_size), 0))
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress!, chunk) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(FileReadFailure(reason: String(cString: strerror(errno))))
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return .success(data)
    }
}

struct FileReadFailure: Error {
    let reason: String
}
