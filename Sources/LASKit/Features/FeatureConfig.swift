import Foundation

/// How audio becomes log-mel features: Kaldi's `compute-fbank-feats` options (and the field
/// names of kaldi-native-fbank's `FbankOptions`), with dithering off so features are deterministic.
/// Defaults: 16 kHz, 25 ms frames every 10 ms, DC removal, pre-emphasis 0.97, Povey window,
/// 512-point FFT, power spectrum, 80 triangular mel filters from 20 Hz to Nyquist, natural log
/// floored at FLT_EPSILON. A model stores the config it was trained with; features made with
/// another config do not fit it.
public struct FeatureConfig: Codable, Equatable, Hashable, Sendable {
    /// Kaldi's window functions (feature-window.cc). `povey` is a Hann window raised to 0.85:
    /// like Hamming, but going to zero at the edges.
    public enum Window: String, Codable, CaseIterable, Sendable {
        case povey, hanning, hamming, rectangular
    }

    /// Samples per second of the input.
    public var sampleRate: Int
    public var frameLengthMs: Float
    public var frameShiftMs: Float
    /// True: only frames that fit entirely in the signal, the first at sample 0 (HTK style).
    /// False: about `samples / shift` frames centred on multiples of the shift, edges reflected.
    public var snipEdges: Bool
    /// Subtract each frame's mean before pre-emphasis.
    public var removeDCOffset: Bool
    /// x[i] -= k·x[i-1] within the frame (x[0] -= k·x[0]); 0 disables.
    public var preemphasis: Float
    public var window: Window
    public var numMelBins: Int
    /// Lowest frequency (Hz) covered by the mel filters.
    public var lowFreq: Float
    /// Highest frequency (Hz); zero or negative means that far below Nyquist.
    public var highFreq: Float
    /// Power spectrum |X|² when true, magnitude |X| when false.
    public var usePower: Bool
    /// log(max(energy, logFloor)); Kaldi uses FLT_EPSILON.
    public var logFloor: Float
    /// Samples in [-1, 1] are multiplied by this before framing, so features match Kaldi's and
    /// kaldi-native-fbank's on 16-bit integer sample values.
    public var inputScale: Float
    /// Each mel energy is floored at that of white noise of this standard deviation (in units of
    /// `1 / inputScale`: 16-bit steps), taken through the same DC removal, pre-emphasis, window
    /// and filter. It is Kaldi's default dither (1.0) in expectation, without its randomness:
    /// exact-zero samples (padding, spliced or VAD-cut audio) then give the energy of the quietest
    /// real recording instead of ln(FLT_EPSILON) = −15.9, ~20 nats below any room, which wrecks
    /// utterance-mean normalization (issue 16). 0 gives Kaldi's `--dither=0` features exactly;
    /// audio whose energies all lie above the floor gets them unchanged at any setting.
    public var noiseFloorDither: Float
    /// A recording whose peak lies below `minimumPeakDBFS` (dB relative to full scale) is
    /// amplified up to it, by at most `maximumQuietGainDB`, before framing; louder ones are
    /// untouched. The noise floor above is absolute (16-bit steps), so without this a quiet but
    /// clean recording (−30 dB: a distant microphone, a low input gain) loses its weaker bands
    /// under the floor: AN4 dev at −30 dB scored 26.4 % WER against 12.5 % (models/README.md).
    /// −24 dBFS lies below the peaks of 99 % of the training recordings. 0 dB turns it off.
    public var minimumPeakDBFS: Float
    public var maximumQuietGainDB: Float

    public init(sampleRate: Int = 16_000, frameLengthMs: Float = 25, frameShiftMs: Float = 10,
                snipEdges: Bool = true, removeDCOffset: Bool = true, preemphasis: Float = 0.97,
                window: Window = .povey, numMelBins: Int = 80, lowFreq: Float = 20, highFreq: Float = 0,
                usePower: Bool = true, logFloor: Float = .ulpOfOne, inputScale: Float = 32_768,
                noiseFloorDither: Float = 1, minimumPeakDBFS: Float = -24, maximumQuietGainDB: Float = 30) {
        self.sampleRate = sampleRate
        self.frameLengthMs = frameLengthMs
        self.frameShiftMs = frameShiftMs
        self.snipEdges = snipEdges
        self.removeDCOffset = removeDCOffset
        self.preemphasis = preemphasis
        self.window = window
        self.numMelBins = numMelBins
        self.lowFreq = lowFreq
        self.highFreq = highFreq
        self.usePower = usePower
        self.logFloor = logFloor
        self.inputScale = inputScale
        self.noiseFloorDither = noiseFloorDither
        self.minimumPeakDBFS = minimumPeakDBFS
        self.maximumQuietGainDB = maximumQuietGainDB
    }

    /// Models and feature files written before `noiseFloorDither` existed had no noise floor.
    /// Those written before `minimumPeakDBFS` get the quiet-recording gain: it leaves every
    /// recording as loud as their training audio unchanged.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FeatureConfig()
        self.init(sampleRate: try c.decode(Int.self, forKey: .sampleRate),
                  frameLengthMs: try c.decode(Float.self, forKey: .frameLengthMs),
                  frameShiftMs: try c.decode(Float.self, forKey: .frameShiftMs),
                  snipEdges: try c.decode(Bool.self, forKey: .snipEdges),
                  removeDCOffset: try c.decode(Bool.self, forKey: .removeDCOffset),
                  preemphasis: try c.decode(Float.self, forKey: .preemphasis),
                  window: try c.decode(Window.self, forKey: .window),
                  numMelBins: try c.decode(Int.self, forKey: .numMelBins),
                  lowFreq: try c.decode(Float.self, forKey: .lowFreq),
                  highFreq: try c.decode(Float.self, forKey: .highFreq),
                  usePower: try c.decode(Bool.self, forKey: .usePower),
                  logFloor: try c.decode(Float.self, forKey: .logFloor),
                  inputScale: try c.decode(Float.self, forKey: .inputScale),
                  noiseFloorDither: try c.decodeIfPresent(Float.self, forKey: .noiseFloorDither) ?? 0,
                  minimumPeakDBFS: try c.decodeIfPresent(Float.self, forKey: .minimumPeakDBFS) ?? defaults.minimumPeakDBFS,
                  maximumQuietGainDB: try c.decodeIfPresent(Float.self, forKey: .maximumQuietGainDB) ?? defaults.maximumQuietGainDB)
    }

    /// The gain (a factor) applied to a recording whose largest absolute sample is `peak`.
    public func quietRecordingGain(peak: Float) -> Float {
        guard maximumQuietGainDB > 0, peak > 0 else { return 1 }
        let target = powf(10, minimumPeakDBFS / 20)
        guard peak < target else { return 1 }
        return Swift.min(target / peak, powf(10, maximumQuietGainDB / 20))
    }

    /// Samples per frame (400 by default). Float arithmetic truncated, as Kaldi's WindowSize().
    public var frameLength: Int { Int(Float(sampleRate) * 0.001 * frameLengthMs) }
    /// Samples between frame starts (160 by default).
    public var frameShift: Int { Int(Float(sampleRate) * 0.001 * frameShiftMs) }
    /// Seconds of audio between frame starts (0.01 by default): frames × this is their duration.
    public var secondsPerFrame: Double { Double(frameShift) / Double(sampleRate) }
    /// FFT length: the frame zero-padded to the next power of two (512 by default).
    public var fftSize: Int {
        var n = 1
        while n < frameLength { n <<= 1 }
        return n
    }
    public var nyquist: Float { 0.5 * Float(sampleRate) }
    /// `highFreq` with the "relative to Nyquist" convention resolved.
    public var resolvedHighFreq: Float { highFreq > 0 ? highFreq : nyquist + highFreq }

    /// The fewest samples that give `frames` frames (the inverse of `frameCount`).
    public func sampleCount(forFrames frames: Int) -> Int {
        guard frames > 0 else { return 0 }
        return snipEdges ? frameLength + (frames - 1) * frameShift : frames * frameShift - frameShift / 2
    }

    /// Frames produced from `sampleCount` samples (Kaldi's NumFrames with flush).
    public func frameCount(sampleCount: Int) -> Int {
        let length = frameLength, shift = frameShift
        guard length > 0, shift > 0, sampleCount > 0 else { return 0 }
        if snipEdges {
            return sampleCount < length ? 0 : 1 + (sampleCount - length) / shift
        }
        return (sampleCount + shift / 2) / shift
    }

    /// Index of the first sample of `frame`; negative near the start when `snipEdges` is false.
    public func firstSample(ofFrame frame: Int) -> Int {
        let shift = frameShift
        return snipEdges ? frame * shift : frame * shift + shift / 2 - frameLength / 2
    }

    /// Throws `FeatureConfigError` when the options cannot make features.
    public func validate() throws {
        func fail(_ problem: String) -> FeatureConfigError { FeatureConfigError(problem: problem) }
        guard sampleRate > 0 else { throw fail("sample rate \(sampleRate) Hz must be positive") }
        guard frameLength >= 2 else { throw fail("frame length \(frameLengthMs) ms is under two samples") }
        guard frameShift >= 1 else { throw fail("frame shift \(frameShiftMs) ms is under one sample") }
        guard numMelBins >= 3 else { throw fail("\(numMelBins) mel bins; at least 3 are needed") }
        guard lowFreq >= 0, lowFreq < nyquist else {
            throw fail("low frequency \(lowFreq) Hz must lie in [0, \(nyquist)) Hz")
        }
        let high = resolvedHighFreq
        guard high > lowFreq, high <= nyquist else {
            throw fail("high frequency \(high) Hz must lie in (\(lowFreq), \(nyquist)] Hz")
        }
        guard preemphasis >= 0, preemphasis <= 1 else { throw fail("pre-emphasis \(preemphasis) must lie in [0, 1]") }
        guard logFloor > 0, logFloor.isFinite else { throw fail("log floor \(logFloor) must be positive") }
        guard inputScale > 0, inputScale.isFinite else { throw fail("input scale \(inputScale) must be positive") }
        guard noiseFloorDither >= 0, noiseFloorDither.isFinite else {
            throw fail("noise floor dither \(noiseFloorDither) must not be negative")
        }
        guard minimumPeakDBFS <= 0, minimumPeakDBFS.isFinite else {
            throw fail("minimum peak \(minimumPeakDBFS) dBFS must not lie above full scale")
        }
        guard maximumQuietGainDB >= 0, maximumQuietGainDB.isFinite else {
            throw fail("maximum quiet-recording gain \(maximumQuietGainDB) dB must not be negative")
        }
    }
}

/// Feature options that cannot work together; one line.
public struct FeatureConfigError: Error, Equatable, CustomStringConvertible {
    public let problem: String
    public var description: String { "invalid feature configuration: \(problem)" }
}
