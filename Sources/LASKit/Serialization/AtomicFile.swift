import Foundation
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// A file write failed; `path` is the destination, `reason` the system's message.
public struct AtomicFileError: Error, CustomStringConvertible, Equatable, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "\(path): cannot write (\(reason))" }
}

/// Whole-file writes that readers never see half done: the bytes go to a temporary file in the
/// destination's folder (same file system, so rename(2) is atomic), are fsync'ed, and the temporary
/// file is renamed over the destination. A crash leaves either the old file or the new one, and at
/// worst a stray `.<name>.tmp-*` file beside it.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        try replace(path) { temporaryPath in
            func failure(_ what: String) -> AtomicFileError {
                AtomicFileError(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
            }
            // 0o666 filtered by the umask: the same permissions as any newly created file.
            let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            guard fd >= 0 else { throw failure("cannot create a temporary file") }
            var writeError: AtomicFileError?
            data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < raw.count {
                    let n = systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        writeError = failure("write")
                        return
                    }
                    offset += n
                }
            }
            if close(fd) != 0, writeError == nil { writeError = failure("close") }
            if let writeError { throw writeError }
        }
    }

    /// The same guarantee for writers that need a path rather than bytes (libsndfile): `produce`
    /// writes the whole file at the temporary path it is given; it is then fsync'ed and renamed
    /// over `path`. An error thrown by `produce` is rethrown as it is, and the temporary file removed.
    public static func replace(_ path: String, by produce: (_ temporaryPath: String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        guard !name.isEmpty, name != ".", name != ".." else {
            throw AtomicFileError(path: path, reason: "not a file name")
        }
        var generator = SystemRandomNumberGenerator()
        let suffix = String(generator.next() & 0xFFFF_FFFF, radix: 16)
        let temporaryPath = folder + "/." + name + ".tmp-\(getpid())-" + suffix
        func failure(_ what: String) -> AtomicFileError {
            AtomicFileError(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
        }
        var renamed = false
        defer { if !renamed { unlink(temporaryPath) } }
        try produce(temporaryPath)

        let fd = open(temporaryPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot reopen the temporary file in \(folder)") }
        let synced = fsync(fd) == 0
        let syncError = failure("fsync")
        close(fd)
        guard synced else { throw syncError }

        guard rename(temporaryPath, path) == 0 else { throw failure("rename") }
        renamed = true
        // Persist the rename itself; failure here does not undo a completed write, so it is ignored.
        let folderFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            close(folderFD)
        }
    }
}
