import CSampleRate

/// Band-limited sample-rate conversion of mono audio through libsamplerate (Secret Rabbit Code).
///
/// The converter is `SRC_SINC_BEST_QUALITY` (windowed sinc, 97% passband, 145 dB stop-band
/// rejection): it removes everything above the new Nyquist frequency before decimating, so
/// downsampling cannot alias. `SRC_SINC_MEDIUM_QUALITY` was measured and rejected
/// (tools/measure_resampler.py): it is 3–4× faster (the best converter runs at 60–95× real time
/// from 8 kHz and 20–35× from 44.1 or 48 kHz here), but its 90% passband rolls off from 7.2 kHz
/// and lowered the top three of the 80 mel bins by 0.6 to 4.5 nats more than the best converter
/// on white noise resampled from 48 kHz: a mismatch against a model trained on native 16 kHz
/// speech. Resampling runs once per file, and not at all for 16 kHz corpora such as AN4; the best
/// converter costs about 2–3 s per minute of 44.1 kHz audio.
public enum Resampler {
    /// The libsamplerate converter used everywhere, so the reference fixtures can match it exactly.
    public static let converter = Int32(SRC_SINC_BEST_QUALITY)

    /// Whether libsamplerate accepts this conversion (ratios from 1/256 to 256).
    public static func canConvert(from sourceRate: Int, to targetRate: Int) -> Bool {
        guard sourceRate > 0, targetRate > 0 else { return false }
        return sourceRate == targetRate || src_is_valid_ratio(Double(targetRate) / Double(sourceRate)) != 0
    }

    /// `samples` at `sourceRate` Hz converted to `targetRate` Hz. The output holds about
    /// `samples.count · targetRate / sourceRate` samples (libsamplerate decides the last one).
    /// `converter` defaults to the best; augmentation copies (speed perturbation) may trade
    /// passband fidelity for speed with `SRC_SINC_FASTEST`.
    public static func resample(_ samples: [Float], from sourceRate: Int, to targetRate: Int,
                                converter: Int32 = Resampler.converter) throws -> [Float] {
        guard sourceRate > 0, targetRate > 0 else {
            throw ResamplingError(message: "sample rates must be positive (\(sourceRate) Hz to \(targetRate) Hz)")
        }
        if sourceRate == targetRate || samples.isEmpty { return samples }
        let ratio = Double(targetRate) / Double(sourceRate)
        guard canConvert(from: sourceRate, to: targetRate) else {
            throw ResamplingError(message: "cannot convert \(sourceRate) Hz to \(targetRate) Hz (ratio outside 1/256...256)")
        }
        // Room for every sample the converter can produce; src_simple stops when the input is used up.
        let capacity = Int((Double(samples.count) * ratio).rounded(.up)) + 16
        var output = [Float](repeating: 0, count: capacity)
        var generated = 0
        let status: Int32 = samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                var data = SRC_DATA()
                data.data_in = input.baseAddress
                data.data_out = out.baseAddress
                data.input_frames = Int(input.count)
                data.output_frames = Int(out.count)
                data.end_of_input = 1
                data.src_ratio = ratio
                let status = src_simple(&data, converter, 1)
                generated = Int(data.output_frames_gen)
                return status
            }
        }
        guard status == 0 else {
            throw ResamplingError(message: "libsamplerate: " + String(cString: src_strerror(status)))
        }
        output.removeLast(capacity - generated)
        return output
    }
}

/// libsamplerate refused a conversion.
public struct ResamplingError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
