import CSampleRate

/// Sample-rate conversion of a mono stream block by block, with the same converter as
/// `Resampler` (libsamplerate's best sinc). One `src_process` state persists across blocks, so
/// the filter history carries over block edges and the output equals converting the whole
/// signal at once, while memory stays one block.
public final class StreamingResampler {
    public let sourceRate: Int
    public let targetRate: Int
    private let ratio: Double
    private let state: OpaquePointer
    private var output: [Float] = []
    /// libsamplerate ignores a flush whose input pointer is NULL, even with zero frames.
    private var emptyInput: [Float] = [0]

    public init(from sourceRate: Int, to targetRate: Int, converter: Int32 = Resampler.converter) throws {
        guard Resampler.canConvert(from: sourceRate, to: targetRate) else {
            throw ResamplingError(message: "cannot convert \(sourceRate) Hz to \(targetRate) Hz (ratio outside 1/256...256)")
        }
        var error: Int32 = 0
        guard let state = src_new(converter, 1, &error) else {
            throw ResamplingError(message: "libsamplerate: " + String(cString: src_strerror(error)))
        }
        self.sourceRate = sourceRate
        self.targetRate = targetRate
        self.ratio = Double(targetRate) / Double(sourceRate)
        self.state = state
    }

    deinit { src_delete(state) }

    /// The converted samples `block` yields; `last` flushes the filter's tail after the final block.
    public func process(_ block: [Float], last: Bool = false) throws -> [Float] {
        var result: [Float] = []
        var consumed = 0
        // The converter may hold input back; call until it has taken the whole block (and, at
        // the end, until it stops producing).
        while true {
            let remaining = block.count - consumed
            let capacity = Int((Double(remaining) * ratio).rounded(.up)) + 256
            if output.count < capacity { output = [Float](repeating: 0, count: capacity) }
            var used = 0, generated = 0
            let status: Int32 = (block.isEmpty ? emptyInput : block).withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    var data = SRC_DATA()
                    data.data_in = input.baseAddress! + min(consumed, max(0, block.count - 1))
                    data.input_frames = remaining
                    data.data_out = out.baseAddress
                    data.output_frames = out.count
                    data.end_of_input = last ? 1 : 0
                    data.src_ratio = ratio
                    let status = src_process(state, &data)
                    used = Int(data.input_frames_used)
                    generated = Int(data.output_frames_gen)
                    return status
                }
            }
            guard status == 0 else {
                throw ResamplingError(message: "libsamplerate: " + String(cString: src_strerror(status)))
            }
            result += output[0..<generated]
            consumed += used
            if consumed >= block.count && (!last || generated == 0) { break }
            if used == 0 && generated == 0 { break }
        }
        return result
    }
}
