import Foundation

/// Kaldi's triangular mel filters (MelBanks in mel-computations.cc), stored sparsely: filter b
/// covers `weights[b].count` consecutive FFT bins starting at `firstIndex[b]`.
///
/// Mel scale: mel(f) = 1127 ln(1 + f/700). The filters' edges are `numMelBins + 2` points equally
/// spaced in mel between mel(lowFreq) and mel(highFreq); filter b rises linearly in mel from edge b
/// to edge b+1 and falls to edge b+2. FFT bin i sits at i · sampleRate / fftSize Hz; only bins
/// strictly inside a triangle get a weight, and, as in Kaldi, the Nyquist bin (fftSize/2) never does.
/// Computed in Float with the same operations as Kaldi, so the weights match bit for bit.
///
/// A `warpFactor` other than 1 moves the filter edges by Kaldi's VTLN warp (`vtlnWarp`), which
/// training uses as vocal tract length perturbation (Jaitly and Hinton 2013): the same speech
/// as a speaker with a longer or shorter vocal tract would say it, formants shifted, tempo kept.
public struct MelBank: Sendable {
    public let numBins: Int
    public let fftSize: Int
    /// First FFT bin of each filter.
    public let firstIndex: [Int]
    /// Weights of each filter over consecutive FFT bins.
    public let weights: [[Float]]
    /// Centre frequency (Hz) of each filter, where its triangle peaks.
    public let centerFrequencies: [Float]
    /// Filter b's weights are `flatWeights[offsets[b]..<offsets[b+1]]`: one array for the hot loop.
    let offsets: [Int]
    let flatWeights: [Float]

    /// mel(f) = 1127 ln(1 + f/700), in Float as Kaldi computes it.
    public static func melScale(_ hz: Float) -> Float { 1127 * logf(1 + hz / 700) }
    /// f(mel) = 700 (e^(mel/1127) − 1).
    public static func inverseMelScale(_ mel: Float) -> Float { 700 * (expf(mel / 1127) - 1) }

    /// Kaldi's VtlnWarpFreq (mel-computations.cc): a three-piece linear map of frequency that
    /// scales by 1/α between `low`·max(α, 1) and `high`·min(α, 1) and keeps `lowFreq` and
    /// `highFreq` fixed, so no filter leaves the analysed band. Kaldi's default cut-offs are
    /// 100 Hz and 500 Hz below Nyquist.
    public static func vtlnWarp(_ hz: Float, factor α: Float, low: Float, high: Float, lowFreq: Float, highFreq: Float) -> Float {
        guard hz >= lowFreq, hz <= highFreq else { return hz }
        let l = low * max(1, α), h = high * min(1, α)
        let scale = 1 / α
        if hz < l { return lowFreq + (scale * l - lowFreq) / (l - lowFreq) * (hz - lowFreq) }
        if hz < h { return scale * hz }
        return highFreq + (highFreq - scale * h) / (highFreq - h) * (hz - highFreq)
    }

    public init(config: FeatureConfig, warpFactor: Float = 1) throws {
        try config.validate()
        let vtlnLow: Float = 100, vtlnHigh = config.nyquist - 500
        guard warpFactor == 1 || (warpFactor > 0.5 && warpFactor < 2 && vtlnLow > config.lowFreq && vtlnHigh < config.resolvedHighFreq) else {
            throw FeatureConfigError(problem: "warp factor \(warpFactor) must lie between 0.5 and 2, with the filters' low and high frequencies outside the warped 100 Hz … Nyquist − 500 Hz")
        }
        func warpedMel(_ mel: Float) -> Float {
            guard warpFactor != 1 else { return mel }
            return Self.melScale(Self.vtlnWarp(Self.inverseMelScale(mel), factor: warpFactor, low: vtlnLow, high: vtlnHigh,
                                               lowFreq: config.lowFreq, highFreq: config.resolvedHighFreq))
        }
        let bins = config.numMelBins, fftSize = config.fftSize
        let sampleFreq = Float(config.sampleRate)
        let fftBinWidth = sampleFreq / Float(fftSize)
        let melLow = Self.melScale(config.lowFreq), melHigh = Self.melScale(config.resolvedHighFreq)
        let melDelta = (melHigh - melLow) / Float(bins + 1)
        let fftBins = fftSize / 2
        let binMel = (0..<fftBins).map { Self.melScale(fftBinWidth * Float($0)) }

        var firstIndex = [Int](), weights = [[Float]]()
        for bin in 0..<bins {
            let left = warpedMel(melLow + Float(bin) * melDelta)
            let center = warpedMel(melLow + Float(bin + 1) * melDelta)
            let right = warpedMel(melLow + Float(bin + 2) * melDelta)
            var first = -1, filter = [Float]()
            for i in 0..<fftBins {
                let mel = binMel[i]
                guard mel > left, mel < right else { continue }
                if first < 0 { first = i }
                // Bins are contiguous: a triangle covers one interval of the increasing mel axis.
                filter.append(mel <= center ? (mel - left) / (center - left) : (right - mel) / (right - center))
            }
            guard first >= 0 else {
                throw FeatureConfigError(problem: "mel filter \(bin) of \(bins) covers no FFT bin; use fewer mel bins or a longer frame")
            }
            firstIndex.append(first)
            weights.append(filter)
        }
        self.numBins = bins
        self.fftSize = fftSize
        self.firstIndex = firstIndex
        self.weights = weights
        self.centerFrequencies = (0..<bins).map { Self.inverseMelScale(warpedMel(melLow + Float($0 + 1) * melDelta)) }
        var offsets = [0]
        for w in weights { offsets.append(offsets.last! + w.count) }
        self.offsets = offsets
        self.flatWeights = weights.flatMap { $0 }
    }

    /// Dense weights, `numBins` rows of `fftSize / 2 + 1` columns (row-major).
    public func dense() -> [Float] {
        let columns = fftSize / 2 + 1
        var matrix = [Float](repeating: 0, count: numBins * columns)
        for b in 0..<numBins {
            for (k, w) in weights[b].enumerated() { matrix[b * columns + firstIndex[b] + k] = w }
        }
        return matrix
    }
}
