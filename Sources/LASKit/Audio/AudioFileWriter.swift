import CSndFile
import Foundation

/// Container and sample encoding of a file written by `AudioFileWriter`.
public enum AudioFileFormat: String, CaseIterable, Sendable {
    case wavPCM8, wavPCM16, wavPCM24, wavPCM32, wavFloat
    case flac16, flac24
    case oggVorbis
    case aiff16
    case nistSphere16

    /// libsndfile's `SF_FORMAT_*` major | subtype code.
    var libsndfileCode: Int32 {
        let code: Int
        switch self {
        case .wavPCM8: code = SF_FORMAT_WAV | SF_FORMAT_PCM_U8
        case .wavPCM16: code = SF_FORMAT_WAV | SF_FORMAT_PCM_16
        case .wavPCM24: code = SF_FORMAT_WAV | SF_FORMAT_PCM_24
        case .wavPCM32: code = SF_FORMAT_WAV | SF_FORMAT_PCM_32
        case .wavFloat: code = SF_FORMAT_WAV | SF_FORMAT_FLOAT
        case .flac16: code = SF_FORMAT_FLAC | SF_FORMAT_PCM_16
        case .flac24: code = SF_FORMAT_FLAC | SF_FORMAT_PCM_24
        case .oggVorbis: code = SF_FORMAT_OGG | SF_FORMAT_VORBIS
        case .aiff16: code = SF_FORMAT_AIFF | SF_FORMAT_PCM_16
        case .nistSphere16: code = SF_FORMAT_NIST | SF_FORMAT_PCM_16
        }
        return Int32(truncatingIfNeeded: code)
    }
}

/// Writes audio through libsndfile: test recordings in any format `AudioFile` reads, and resampled
/// or converted copies. The file appears atomically (temporary file in the same folder, then rename).
public enum AudioFileWriter {
    /// Writes `interleaved` samples (frame-major: all channels of frame 0, then frame 1, ...) in
    /// [-1, 1]; integer encodings clip values outside that range.
    public static func write(_ interleaved: [Float], channels: Int = 1, sampleRate: Int,
                             format: AudioFileFormat, to path: String) throws {
        guard channels > 0, interleaved.count % channels == 0 else {
            throw AudioError.unwritable(path: path, reason: "\(interleaved.count) samples do not fill \(channels) channels")
        }
        guard sampleRate > 0 else { throw AudioError.unwritable(path: path, reason: "sample rate \(sampleRate) Hz") }
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = format.libsndfileCode
        guard sf_format_check(&info) != 0 else {
            throw AudioError.unwritable(path: path, reason: "libsndfile cannot write \(format.rawValue) with \(channels) channels at \(sampleRate) Hz")
        }
        do {
            try AtomicFile.replace(path) { temporary in
                guard let file = sf_open(temporary, Int32(SFM_WRITE), &info) else {
                    throw AudioError.unwritable(path: path, reason: "libsndfile: " + String(cString: sf_strerror(nil)))
                }
                sf_command(file, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
                let frames = interleaved.count / channels
                let written = interleaved.withUnsafeBufferPointer { Int(sf_writef_float(file, $0.baseAddress, sf_count_t(frames))) }
                let message = String(cString: sf_strerror(file))
                let closed = sf_close(file)
                guard written == frames, closed == 0 else {
                    throw AudioError.unwritable(path: path, reason: "libsndfile: \(message)")
                }
            }
        } catch let error as AtomicFileError {
            throw AudioError.unwritable(path: path, reason: error.reason)
        }
    }
}
