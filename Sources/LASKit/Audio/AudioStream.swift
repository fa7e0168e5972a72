import CSndFile
import Foundation

/// A recording read block by block: mono samples in [-1, 1] at `sampleRate`, from a file, or
/// from standard input as it arrives (a WAV or any stream libsndfile reads, or headerless
/// 16-bit little-endian mono at a given rate). Memory is one block whatever the length, so an
/// hour-long file or an endless microphone stream costs the same as a short one.
public final class AudioStream {
    /// What to read.
    public enum Source: Equatable {
        case file(String)
        /// Standard input, with a libsndfile header (WAV, AU, ...).
        case standardInput
        /// Standard input, headerless signed 16-bit little-endian mono at this rate.
        case rawStandardInput(sampleRate: Int)
    }

    /// The name errors use: the path, or `standard input`.
    public let name: String
    public let sampleRate: Int
    /// The stream's own rate and channel count, before mixing and resampling.
    public let originalSampleRate: Int
    public let channels: Int
    /// Seconds of audio, when the header says (not for pipes of unknown length).
    public let duration: Double?

    private let file: OpaquePointer
    private let blockFrames: Int
    private let resampler: StreamingResampler?
    private var interleaved: [Float]
    private var finished = false

    /// Opens `source`. Throws `AudioError` for a missing path, a directory, data that is not
    /// audio, an empty file, or a rate that cannot be converted to `sampleRate`. `blockFrames`
    /// is how many frames each `read` asks libsndfile for: small blocks keep a live stream's
    /// latency low, large ones read files faster.
    public init(_ source: Source, sampleRate: Int = AudioFile.defaultSampleRate, blockFrames: Int = 65_536) throws {
        var info = SF_INFO()
        let opened: OpaquePointer?
        switch source {
        case let .file(path):
            name = path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw AudioError.missing(path: path) }
            if isDirectory.boolValue { throw AudioError.isDirectory(path: path) }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw AudioError.unreadable(path: path, reason: "permission denied")
            }
            if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.intValue == 0 {
                throw AudioError.empty(path: path)
            }
            opened = sf_open(path, Int32(SFM_READ), &info)
        case .standardInput:
            name = "standard input"
            opened = sf_open_fd(STDIN_FILENO, Int32(SFM_READ), &info, 0)
        case let .rawStandardInput(rate):
            name = "standard input"
            guard rate > 0 else { throw AudioError.unsupported(path: name, reason: "raw sample rate \(rate) Hz") }
            info.samplerate = Int32(rate)
            info.channels = 1
            info.format = Int32(SF_FORMAT_RAW | SF_FORMAT_PCM_16 | SF_ENDIAN_LITTLE)
            opened = sf_open_fd(STDIN_FILENO, Int32(SFM_READ), &info, 0)
        }
        guard let file = opened else {
            throw AudioError.notAudio(path: name, reason: String(cString: sf_strerror(nil)))
        }
        let channels = Int(info.channels), rate = Int(info.samplerate), frames = Int64(info.frames)
        guard channels > 0 else { sf_close(file); throw AudioError.unsupported(path: name, reason: "\(channels) channels") }
        guard sampleRate > 0, Resampler.canConvert(from: rate, to: sampleRate) else {
            sf_close(file)
            throw AudioError.unsupported(path: name, reason: "cannot resample \(rate) Hz to \(sampleRate) Hz")
        }
        // libsndfile reports SF_COUNT_MAX (or garbage) frames for streams of unknown length.
        let known = info.seekable != 0 && frames >= 0 && frames < Int64(Int32.max) * 64
        if known && frames == 0 { sf_close(file); throw AudioError.empty(path: name) }
        do {
            resampler = rate == sampleRate ? nil : try StreamingResampler(from: rate, to: sampleRate)
        } catch {
            sf_close(file)
            throw AudioError.unsupported(path: name, reason: "\(error)")
        }
        self.file = file
        self.sampleRate = sampleRate
        self.originalSampleRate = rate
        self.channels = channels
        self.duration = known ? Double(frames) / Double(rate) : nil
        self.blockFrames = max(1, blockFrames)
        self.interleaved = [Float](repeating: 0, count: self.blockFrames * channels)
    }

    deinit { sf_close(file) }

    /// The next block of mono samples at `sampleRate` (possibly empty while the resampler
    /// fills), or nil once the stream has ended.
    public func read() throws -> [Float]? {
        if finished { return nil }
        let got = interleaved.withUnsafeMutableBufferPointer { Int(sf_readf_float(file, $0.baseAddress, sf_count_t(blockFrames))) }
        if sf_error(file) != 0 {
            throw AudioError.unreadable(path: name, reason: "libsndfile: " + String(cString: sf_strerror(file)))
        }
        var mono = [Float](repeating: 0, count: max(0, got))
        if got > 0 {
            let scale = 1 / Float(channels)
            interleaved.withUnsafeBufferPointer { b in
                for i in 0..<got {
                    var sum: Float = 0
                    for c in 0..<channels { sum += b[i * channels + c] }
                    mono[i] = sanitized(sum * scale)
                }
            }
        }
        let last = got <= 0
        if last { finished = true }
        if let resampler {
            do { mono = try resampler.process(mono, last: last) } catch {
                throw AudioError.unsupported(path: name, reason: "\(error)")
            }
            // A band-limited resampler overshoots near full scale (Gibbs); keep the [-1, 1] promise.
            for i in mono.indices { mono[i] = sanitized(mono[i]) }
        }
        if last && mono.isEmpty { return nil }
        return mono
    }
}

/// Float files may hold any value: NaN becomes silence, the rest is clipped to [-1, 1].
@inline(__always) private func sanitized(_ x: Float) -> Float {
    x.isNaN ? 0 : Swift.min(Swift.max(x, -1), 1)
}
