/// A sequence of feature vectors: `frames` rows of `bins` values, row-major in `values`
/// (frame t, bin b at `values[t * bins + b]`). This is what the network consumes.
public struct FeatureMatrix: Equatable, Sendable {
    public var frames: Int
    public var bins: Int
    public var values: [Float]

    /// `values.count` must equal `frames * bins`.
    public init(frames: Int, bins: Int, values: [Float]) {
        precondition(frames >= 0 && bins >= 0 && values.count == frames * bins,
                     "FeatureMatrix: \(values.count) values for \(frames) frames × \(bins) bins")
        self.frames = frames
        self.bins = bins
        self.values = values
    }

    /// All zeros.
    public init(frames: Int, bins: Int) {
        self.init(frames: frames, bins: bins, values: [Float](repeating: 0, count: frames * bins))
    }

    public subscript(frame: Int, bin: Int) -> Float {
        get { values[frame * bins + bin] }
        set { values[frame * bins + bin] = newValue }
    }

    /// The feature vector of one frame.
    public func row(_ frame: Int) -> ArraySlice<Float> {
        values[(frame * bins)..<((frame + 1) * bins)]
    }
}
