import Foundation

/// Global cepstral mean and variance normalization: y[t, b] = (x[t, b] − mean[b]) · inverseStd[b],
/// with the statistics of every frame of a training set. Stored with a model (Codable).
///
/// With `subtractsUtteranceMean`, each utterance's own mean log-mel spectrum is removed first
/// (and the global statistics are those of such centred features). A microphone or channel
/// multiplies the spectrum by a fixed response, which is a fixed offset per bin in the log
/// domain, so this removes it (Atal 1974; Westphal 1997 for short utterances).
///
/// With `silenceLevel`, the utterance mean is that of the frames whose mean log-mel value lies
/// above it: digital silence (frames at the filterbank's noise floor) then does not move the
/// normalization of the speech, however much of it pads the recording (issue 16).
public struct CMVN: Codable, Equatable, Sendable {
    public var mean: [Float]
    /// 1 / standard deviation per bin.
    public var inverseStd: [Float]
    public var subtractsUtteranceMean: Bool
    /// Frames whose mean log-mel value is at most this are left out of the utterance mean.
    public var silenceLevel: Float?

    public init(mean: [Float], inverseStd: [Float], subtractsUtteranceMean: Bool = false, silenceLevel: Float? = nil) {
        precondition(mean.count == inverseStd.count, "CMVN: \(mean.count) means, \(inverseStd.count) inverse deviations")
        self.mean = mean
        self.inverseStd = inverseStd
        self.subtractsUtteranceMean = subtractsUtteranceMean
        self.silenceLevel = silenceLevel
    }

    /// The `silenceLevel` for features of `bank`: 1 nat (4.3 dB) above the mean log noise floor,
    /// so exact zeros and sub-LSB noise fall below it and the quietest real rooms (several nats
    /// above the floor on AN4, FSDD and speech commands) stay above.
    public static func silenceLevel(of bank: LogMelFilterbank) -> Float {
        bank.noiseFloor.reduce(0) { $0 + logf($1) } / Float(bank.noiseFloor.count) + 1
    }

    /// Models written before `subtractsUtteranceMean` existed used global statistics only.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(mean: try c.decode([Float].self, forKey: .mean),
                  inverseStd: try c.decode([Float].self, forKey: .inverseStd),
                  subtractsUtteranceMean: try c.decodeIfPresent(Bool.self, forKey: .subtractsUtteranceMean) ?? false,
                  silenceLevel: try c.decodeIfPresent(Float.self, forKey: .silenceLevel))
        guard mean.count == inverseStd.count else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath,
                debugDescription: "CMVN: \(mean.count) means, \(inverseStd.count) inverse deviations"))
        }
    }

    /// Subtracts each bin's mean over the utterance's frames, in place: over the frames above
    /// `silenceLevel` when it is given and some frame is (all frames otherwise).
    public static func subtractUtteranceMean(_ features: inout FeatureMatrix, silenceLevel: Float? = nil) {
        let frames = features.frames, bins = features.bins
        guard frames > 0 else { return }
        var sum = [Double](repeating: 0, count: bins)
        features.values.withUnsafeMutableBufferPointer { v in
            func counts(_ t: Int) -> Bool {
                guard let level = silenceLevel else { return true }
                var total: Float = 0
                for b in 0..<bins { total += v[t * bins + b] }
                return total / Float(bins) > level
            }
            var counted = 0
            for t in 0..<frames where counts(t) {
                for b in 0..<bins { sum[b] += Double(v[t * bins + b]) }
                counted += 1
            }
            if counted == 0 {
                for t in 0..<frames { for b in 0..<bins { sum[b] += Double(v[t * bins + b]) } }
                counted = frames
            }
            let mean = sum.map { Float($0 / Double(counted)) }
            for t in 0..<frames { for b in 0..<bins { v[t * bins + b] -= mean[b] } }
        }
    }

    public var bins: Int { mean.count }

    /// Normalizes `features` in place; throws `CMVNError.binMismatch` if the bin counts differ.
    public func apply(to features: inout FeatureMatrix) throws {
        guard features.bins == bins else { throw CMVNError.binMismatch(expected: bins, got: features.bins) }
        if subtractsUtteranceMean { CMVN.subtractUtteranceMean(&features, silenceLevel: silenceLevel) }
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

    /// Sums made elsewhere (another process's, in data-parallel training).
    public init(bins: Int, frames: Int, sum: [Double], sumOfSquares: [Double]) throws {
        guard sum.count == bins && sumOfSquares.count == bins else {
            throw CMVNError.binMismatch(expected: bins, got: sum.count)
        }
        self.bins = bins; self.frames = frames; self.sum = sum; self.sumOfSquares = sumOfSquares
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
    public func finalize(varianceFloor: Double = 1e-10, subtractsUtteranceMean: Bool = false,
                         silenceLevel: Float? = nil) throws -> CMVN {
        guard frames > 0 else { throw CMVNError.noFrames }
        let n = Double(frames)
        var mean = [Float](), inverseStd = [Float]()
        for b in 0..<bins {
            let m = sum[b] / n
            let variance = Swift.max(sumOfSquares[b] / n - m * m, varianceFloor)
            mean.append(Float(m))
            inverseStd.append(Float(1 / variance.squareRoot()))
        }
        return CMVN(mean: mean, inverseStd: inverseStd, subtractsUtteranceMean: subtractsUtteranceMean, silenceLevel: silenceLevel)
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
