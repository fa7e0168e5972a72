/// Global cepstral mean and variance normalization: y[t, b] = (x[t, b] − mean[b]) · inverseStd[b],
/// with the statistics of every frame of a training set. Stored with a model (Codable).
public struct CMVN: Codable, Equatable, Sendable {
    public var mean: [Float]
    /// 1 / standard deviation per bin.
    public var inverseStd: [Float]

    public init(mean: [Float], inverseStd: [Float]) {
        precondition(mean.count == inverseStd.count, "CMVN: \(mean.count) means, \(inverseStd.count) inverse deviations")
        self.mean = mean
        self.inverseStd = inverseStd
    }

    public var bins: Int { mean.count }

    /// Normalizes `features` in place; throws `CMVNError.binMismatch` if the bin counts differ.
    public func apply(to features: inout FeatureMatrix) throws {
        guard features.bins == bins else { throw CMVNError.binMismatch(expected: bins, got: features.bins) }
        let frames = features.frames, bins = self.bins
        mean.withUnsafeBufferPointer { m in
            inverseStd.withUnsafeBufferPointer { s in
                features.values.withUnsafeMutableBufferPointer { v in
                    for t in 0..<frames {
                        let row = v.baseAddress! + t * bins
                        for b in 0..<bins { row[b] = (row[b] - m[b]) * s[b] }
                    }
                }
            }
        }
    }

    /// A normalized copy.
    public func applied(to features: FeatureMatrix) throws -> FeatureMatrix {
        var copy = features
        try apply(to: &copy)
        return copy
    }
}

/// Sums over frames for `CMVN`, in Double so hours of frames (millions of additions of values
/// near 10) lose no precision: mean = Σx / n, variance = Σx² / n − mean².
public struct CMVNAccumulator: Sendable {
    public let bins: Int
    public private(set) var frames: Int = 0
    public private(set) var sum: [Double]
    public private(set) var sumOfSquares: [Double]

    public init(bins: Int) {
        self.bins = bins
        sum = [Double](repeating: 0, count: bins)
        sumOfSquares = [Double](repeating: 0, count: bins)
    }

    public mutating func add(_ features: FeatureMatrix) throws {
        guard features.bins == bins else { throw CMVNError.binMismatch(expected: bins, got: features.bins) }
        let frames = features.frames, bins = self.bins
        features.values.withUnsafeBufferPointer { v in
            sum.withUnsafeMutableBufferPointer { s in
                sumOfSquares.withUnsafeMutableBufferPointer { q in
                    for t in 0..<frames {
                        let row = v.baseAddress! + t * bins
                        for b in 0..<bins {
                            let x = Double(row[b])
                            s[b] += x
                            q[b] += x * x
                        }
                    }
                }
            }
        }
        self.frames += frames
    }

    /// Adds another accumulator's statistics (for accumulating on several threads).
    public mutating func merge(_ other: CMVNAccumulator) throws {
        guard other.bins == bins else { throw CMVNError.binMismatch(expected: bins, got: other.bins) }
        for b in 0..<bins {
            sum[b] += other.sum[b]
            sumOfSquares[b] += other.sumOfSquares[b]
        }
        frames += other.frames
    }

    /// Mean and inverse standard deviation per bin; a variance below `varianceFloor` (a constant
    /// bin) is raised to it so the scale stays finite.
    public func finalize(varianceFloor: Double = 1e-10) throws -> CMVN {
        guard frames > 0 else { throw CMVNError.noFrames }
        let n = Double(frames)
        var mean = [Float](), inverseStd = [Float]()
        for b in 0..<bins {
            let m = sum[b] / n
            let variance = Swift.max(sumOfSquares[b] / n - m * m, varianceFloor)
            mean.append(Float(m))
            inverseStd.append(Float(1 / variance.squareRoot()))
        }
        return CMVN(mean: mean, inverseStd: inverseStd)
    }
}

public enum CMVNError: Error, Equatable, CustomStringConvertible {
    case binMismatch(expected: Int, got: Int)
    case noFrames

    public var description: String {
        switch self {
        case .binMismatch(let expected, let got):
            return "CMVN statistics have \(expected) bins but the features have \(got)"
        case .noFrames:
            return "CMVN statistics need at least one frame"
        }
    }
}
