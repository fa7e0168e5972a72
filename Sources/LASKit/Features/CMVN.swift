/// Global cepstral mean and variance normalization: y[t, b] = (x[t, b] − mean[b]) · inverseStd[b],
/// with the statistics of every frame of a training set. Stored with a model (Codable).
///
/// With `subtractsUtteranceMean`, each utterance's own mean log-mel spectrum is removed first
/// (and the global statistics are those of such centred features). A microphone or channel
/// multiplies the spectrum by a fixed response, which is a fixed offset per bin in the log
/// domain, so this removes it (Atal 1974; Westphal 1997 for short utterances).
public struct CMVN: Codable, Equatable, Sendable {
    public var mean: [Float]
    /// 1 / standard deviation per bin.
    public var inverseStd: [Float]
    public var subtractsUtteranceMean: Bool

    public init(mean: [Float], inverseStd: [Float], subtractsUtteranceMean: Bool = false) {
        precondition(mean.count == inverseStd.count, "CMVN: \(mean.count) means, \(inverseStd.count) inverse deviations")
        self.mean = mean
        self.inverseStd = inverseStd
        self.subtractsUtteranceMean = subtractsUtteranceMean
    }

    /// Models written before `subtractsUtteranceMean` existed used global statistics only.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(mean: try c.decode([Float].self, forKey: .mean),
                  inverseStd: try c.decode([Float].self, forKey: .inverseStd),
                  subtractsUtteranceMean: try c.decodeIfPresent(Bool.self, forKey: .subtractsUtteranceMean) ?? false)
        guard mean.count == inverseStd.count else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath,
                debugDescription: "CMVN: \(mean.count) means, \(inverseStd.count) inverse deviations"))
        }
    }

    /// Subtracts each bin's mean over the utterance's frames, in place.
    public static func subtractUtteranceMean(_ features: inout FeatureMatrix) {
        let frames = features.frames, bins = features.bins
        guard frames > 0 else { return }
        var sum = [Double](repeating: 0, count: bins)
        features.values.withUnsafeMutableBufferPointer { v in
            for t in 0..<frames { for b in 0..<bins { sum[b] += Double(v[t * bins + b]) } }
            let mean = sum.map { Float($0 / Double(frames)) }
            for t in 0..<frames { for b in 0..<bins { v[t * bins + b] -= mean[b] } }
        }
    }

    public var bins: Int { mean.count }

    /// Normalizes `features` in place; throws `CMVNError.binMismatch` if the bin counts differ.
    public func apply(to features: inout FeatureMatrix) throws {
        guard features.bins == bins else { throw CMVNError.binMismatch(expected: bins, got: features.bins) }
        if subtractsUtteranceMean { CMVN.subtractUtteranceMean(&features) }
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
    public func finalize(varianceFloor: Double = 1e-10, subtractsUtteranceMean: Bool = false) throws -> CMVN {
        guard frames > 0 else { throw CMVNError.noFrames }
        let n = Double(frames)
        var mean = [Float](), inverseStd = [Float]()
        for b in 0..<bins {
            let m = sum[b] / n
            let variance = Swift.max(sumOfSquares[b] / n - m * m, varianceFloor)
            mean.append(Float(m))
            inverseStd.append(Float(1 / variance.squareRoot()))
        }
        return CMVN(mean: mean, inverseStd: inverseStd, subtractsUtteranceMean: subtractsUtteranceMean)
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
