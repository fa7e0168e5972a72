import CSndFile
import Foundation

/// A decoded recording: mono samples in [-1, 1] at `sampleRate`, read through libsndfile
/// (WAV 8/16/24/32-bit and float, FLAC, OGG/Vorbis, AIFF, NIST SPHERE and every other format
/// it knows), channels averaged, resampled with `Resampler` when the file's rate differs.
public struct AudioFile: Sendable {
    /// The speech front end's rate: 16 kHz.
    public static let defaultSampleRate = 16_000
    /// Files longer than this (seconds) are refused before decoding: ten minutes.
    public static let defaultMaxDuration: Double = 600

    public let path: String
    /// Mono samples in [-1, 1] at `sampleRate`.
    public let samples: [Float]
    public let sampleRate: Int
    /// The file's own rate and channel count, before mixing and resampling.
    public let originalSampleRate: Int
    public let channels: Int
    /// libsndfile's name for the container and encoding, e.g. `WAV (Microsoft), Signed 16 bit PCM`.
    public let format: String

    /// Seconds of audio.
    public var duration: Double { Double(samples.count) / Double(sampleRate) }

    /// Mono samples of `path` in [-1, 1] at `sampleRate` Hz.
    public static func read(_ path: String, sampleRate: Int = defaultSampleRate,
                            maxDuration: Double = defaultMaxDuration) throws -> [Float] {
        try AudioFile(path, sampleRate: sampleRate, maxDuration: maxDuration).samples
    }

    /// Decodes `path`. Throws `AudioError` for a missing path, a directory, a file that is not
    /// audio, an unreadable or unsupported one, an empty one, or one longer than `maxDuration` seconds.
    public init(_ path: String, sampleRate: Int = defaultSampleRate,
                maxDuration: Double = defaultMaxDuration) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AudioError.missing(path: path)
        }
        if isDirectory.boolValue { throw AudioError.isDirectory(path: path) }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw AudioError.unreadable(path: path, reason: "permission denied")
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber,
           size.intValue == 0 {
            throw AudioError.empty(path: path)
        }
        guard sampleRate > 0 else {
            throw AudioError.unsupported(path: path, reason: "target sample rate \(sampleRate) Hz")
        }

        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw AudioError.notAudio(path: path, reason: String(cString: sf_strerror(nil)))
        }
        defer { sf_close(file) }

        let channels = Int(info.channels), rate = Int(info.samplerate), frames = Int(info.frames)
        guard channels > 0 else { throw AudioError.unsupported(path: path, reason: "\(channels) channels") }
        guard rate > 0 else { throw AudioError.unsupported(path: path, reason: "sample rate \(rate) Hz") }
        // libsndfile reports SF_COUNT_MAX frames for streams of unknown length.
        guard frames >= 0, frames < Int(Int64.max) else {
            throw AudioError.unsupported(path: path, reason: "unknown length")
        }
        if frames == 0 { throw AudioError.empty(path: path) }
        let seconds = Double(frames) / Double(rate)
        if seconds > maxDuration { throw AudioError.tooLong(path: path, seconds: seconds, limit: maxDuration) }
        if !Resampler.canConvert(from: rate, to: sampleRate) {
            throw AudioError.unsupported(path: path,
                                         reason: "cannot resample \(rate) Hz to \(sampleRate) Hz")
        }

        var mono = try Self.readMono(file, path: path, frames: frames, channels: channels)
        if mono.isEmpty { throw AudioError.empty(path: path) }
        Self.sanitize(&mono)
        if rate != sampleRate {
            do {
                mono = try Resampler.resample(mono, from: rate, to: sampleRate)
            } catch {
                throw AudioError.unsupported(path: path, reason: "\(error)")
            }
            // A band-limited resampler overshoots near full scale (Gibbs); keep the [-1, 1] promise.
            Self.sanitize(&mono)
            if mono.isEmpty { throw AudioError.empty(path: path) }
        }

        self.path = path
        self.samples = mono
        self.sampleRate = sampleRate
        self.originalSampleRate = rate
        self.channels = channels
        self.format = Self.formatName(info.format)
    }

    /// Reads blocks of interleaved frames and averages the channels of each, so memory stays one
    /// mono copy of the file plus one block.
    private static func readMono(_ file: OpaquePointer, path: String, frames: Int, channels: Int) throws -> [Float] {
        let blockFrames = 65_536
        var mono = [Float](repeating: 0, count: frames)
        var block = [Float](repeating: 0, count: blockFrames * channels)
        var done = 0
        let scale = 1 / Float(channels)
        while done < frames {
            let want = min(blockFrames, frames - done)
            let got = block.withUnsafeMutableBufferPointer { Int(sf_readf_float(file, $0.baseAddress, sf_count_t(want))) }
            if sf_error(file) != 0 {
                throw AudioError.unreadable(path: path, reason: "libsndfile: " + String(cString: sf_strerror(file)))
            }
            if got <= 0 { break }
            block.withUnsafeBufferPointer { b in
                mono.withUnsafeMutableBufferPointer { m in
                    if channels == 1 {
                        for i in 0..<got { m[done + i] = b[i] }
                    } else {
                        for i in 0..<got {
                            var sum: Float = 0
                            for c in 0..<channels { sum += b[i * channels + c] }
                            m[done + i] = sum * scale
                        }
                    }
                }
            }
            done += got
        }
        // The header may promise more frames than a truncated file holds.
        if done < frames { mono.removeLast(frames - done) }
        return mono
    }

    /// Float files may hold any value: NaN becomes silence, the rest is clipped to [-1, 1].
    private static func sanitize(_ samples: inout [Float]) {
        samples.withUnsafeMutableBufferPointer { s in
            for i in s.indices {
                let x = s[i]
                s[i] = x.isNaN ? 0 : Swift.min(Swift.max(x, -1), 1)
            }
        }
    }

    private static func formatName(_ format: Int32) -> String {
        func name(_ code: Int32) -> String? {
            var info = SF_FORMAT_INFO()
            info.format = code
            guard sf_command(nil, Int32(SFC_GET_FORMAT_INFO), &info, Int32(MemoryLayout<SF_FORMAT_INFO>.size)) == 0,
                  let cName = info.name else { return nil }
            return String(cString: cName)
        }
        let major = name(format & Int32(SF_FORMAT_TYPEMASK))
        let subtype = name(format & Int32(SF_FORMAT_SUBMASK))
        return [major, subtype].compactMap { $0 }.joined(separator: ", ")
    }
}
