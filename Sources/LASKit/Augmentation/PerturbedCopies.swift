import CSampleRate

/// The perturbed copies of a training utterance that are computed once, before training, each
/// one more variant an epoch may pick instead of the original: speed perturbation (Ko et al.
/// 2015: resampling by factor f changes tempo and pitch together), a telephone-band copy, and
/// vocal tract length perturbation through VTLN-warped mel filters (`MelBank`), which moves
/// formants without the tempo change speed perturbation brings.
/// Variants come in that order: original, speeds, narrowband, then warps.
public struct PerturbedCopies: Sendable {
    /// Speed factors; 1 adds no copy.
    public var speeds: [Float]
    /// VTLN warp factors of the mel filters; 1 adds no copy.
    public var vocalTractWarps: [Float]
    /// Recordings above 8 kHz also get a copy band-limited to 4 kHz (resampled through 8 kHz),
    /// so speech the model learns from wideband speakers carries over to telephone-band and
    /// 8 kHz recordings, whose upper band is empty.
    public var narrowband: Bool

    /// No copies: the features of the recording alone (dev and test sets).
    public init(speeds: [Float] = [], vocalTractWarps: [Float] = [], narrowband: Bool = false) {
        self.speeds = speeds; self.vocalTractWarps = vocalTractWarps; self.narrowband = narrowband
    }

    /// The copies `options` train with.
    public init(_ options: TrainingOptions) {
        self.init(speeds: options.speeds, vocalTractWarps: options.vocalTractWarps, narrowband: options.narrowband)
    }

    /// The original waveform, then its speed and narrowband copies, all at `sampleRate`;
    /// `originalSampleRate` is the recording's own rate, which decides whether it is wideband.
    public func waveforms(of samples: [Float], originalSampleRate: Int, sampleRate: Int) throws -> [[Float]] {
        // Augmentation only: the fast converter is 10x quicker, and its roll-off near Nyquist
        // matters little next to the perturbation itself.
        let fast = Int32(SRC_SINC_FASTEST)
        var waveforms = [samples]
        for f in speeds where f != 1 {
            // Played f times faster: treat the samples as recorded at rate·f.
            waveforms.append(try Resampler.resample(samples, from: Int((Float(sampleRate) * f).rounded()), to: sampleRate,
                                                    converter: fast))
        }
        if narrowband && originalSampleRate > 8_000 && sampleRate > 8_000 {
            let low = try Resampler.resample(samples, from: sampleRate, to: 8_000, converter: fast)
            waveforms.append(try Resampler.resample(low, from: 8_000, to: sampleRate, converter: fast))
        }
        return waveforms
    }

    /// One filterbank per warp factor other than 1, for the warped copies.
    public func warpedFilterbanks(_ config: FeatureConfig) throws -> [LogMelFilterbank] {
        try vocalTractWarps.filter { $0 != 1 }.map { try LogMelFilterbank(config: config, warpFactor: $0) }
    }
}
