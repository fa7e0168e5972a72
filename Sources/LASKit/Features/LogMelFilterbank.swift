import Foundation

/// Log-mel filterbank features: Kaldi's `compute-fbank-feats` and kaldi-native-fbank with dither 0,
/// no energy, use_log_fbank and use_power, operation for operation. On real speech the values agree
/// with kaldi-native-fbank's within 2e-3 (median file 2e-4, mean difference under 1e-6):
/// the remaining difference is this single-precision FFT against its double-precision one, seen
/// in filters holding a millionth of the frame's energy (`KaldiReferenceTests`).
///
/// Per frame t (`FeatureConfig` names the options):
///   x[i]  = inputScale · s[first(t) + i], i < frameLength (reflected at the edges if !snipEdges)
///   x[i] −= mean(x)                                   (removeDCOffset)
///   x[i]  = x[i] − k·x[i−1], x[0] = x[0] − k·x[0]     (preemphasis k)
///   x[i] *= w[i]                                      (window), zero-padded to fftSize
///   P[j]  = |FFT(x)[j]|²                              (|·| if !usePower)
///   y[b]  = ln(max(Σⱼ M[b, j] P[j], logFloor))        (M: `MelBank`)
///
/// Not thread-safe: it owns an FFTW plan and scratch buffers reused for every frame. Make one per
/// thread; creating one costs about a millisecond.
public final class LogMelFilterbank {
    public let config: FeatureConfig
    public let melBank: MelBank
    /// The analysis window, `frameLength` coefficients.
    public let window: [Float]

    private let frameLength: Int
    private let bins: Int
    private let fft: RealFFT
    /// Unscaled samples of a frame that crosses the signal's edges, reflected (snipEdges false).
    private let edgeFrame: UnsafeMutablePointer<Float>
    /// Spectra of a block of `lanes` frames, interleaved: P_t[j] at `spectra[j * lanes + t]`,
    /// so the mel sums run on SIMD4 vectors over four frames at once.
    private let spectra: UnsafeMutablePointer<SIMD4<Float>>
    private static let lanes = 4

    public init(config: FeatureConfig = FeatureConfig()) throws {
        try config.validate()
        self.config = config
        self.melBank = try MelBank(config: config)
        self.frameLength = config.frameLength
        self.bins = config.numMelBins
        self.window = config.window.coefficients(length: config.frameLength)
        self.fft = RealFFT(size: config.fftSize)
        edgeFrame = .allocate(capacity: config.frameLength)
        edgeFrame.initialize(repeating: 0, count: config.frameLength)
        spectra = .allocate(capacity: config.fftSize / 2 + 1)
        spectra.initialize(repeating: SIMD4(repeating: 0), count: config.fftSize / 2 + 1)
    }

    deinit {
        edgeFrame.deallocate()
        spectra.deallocate()
    }

    /// Features of mono `samples` in [-1, 1] at `config.sampleRate`: `config.frameCount(sampleCount:)`
    /// frames of `numMelBins` values. Fewer samples than one frame give zero frames.
    public func compute(_ samples: [Float]) -> FeatureMatrix {
        let frames = config.frameCount(sampleCount: samples.count)
        var values = [Float](repeating: 0, count: frames * bins)
        samples.withUnsafeBufferPointer { s in
            values.withUnsafeMutableBufferPointer { v in _ = compute(s, into: v) }
        }
        return FeatureMatrix(frames: frames, bins: bins, values: values)
    }

    /// Writes the features of `samples` row-major into `output`, which must hold at least
    /// `frames × numMelBins` values, and returns the frame count. Allocates nothing.
    @discardableResult
    public func compute(_ samples: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) -> Int {
        let frames = config.frameCount(sampleCount: samples.count)
        precondition(output.count >= frames * bins, "output holds \(output.count) values, needs \(frames * bins)")
        guard frames > 0, let signal = samples.baseAddress, let out = output.baseAddress else { return 0 }
        var t = 0
        while t < frames {
            let block = Swift.min(Self.lanes, frames - t)
            for lane in 0..<block {
                prepareFFTInput(frameSamples(t + lane, signal, samples.count))
                fft.execute()
                storeSpectrum(lane: lane)
            }
            applyMelBank(to: out + t * bins, frames: block)
            naturalLogInPlace(out + t * bins, count: block * bins)
            t += block
        }
        return frames
    }

    /// The unscaled samples of frame t: in place when the frame lies inside the signal, else
    /// reflected into `edgeFrame` as Kaldi does (−1 → 0, n → n−1).
    @inline(__always)
    private func frameSamples(_ t: Int, _ signal: UnsafePointer<Float>, _ count: Int) -> UnsafePointer<Float> {
        let start = config.firstSample(ofFrame: t)
        if start >= 0 && start + frameLength <= count { return signal + start }
        for i in 0..<frameLength {
            var j = start + i
            while j < 0 || j >= count { j = j < 0 ? -j - 1 : 2 * count - 1 - j }
            edgeFrame[i] = signal[j]
        }
        return UnsafePointer(edgeFrame)
    }

    /// Scaling, DC removal, pre-emphasis and window of one frame into the FFT input, in one pass
    /// with Kaldi's operations per sample: a[i] = s[i]·scale − mean, x[i] = (a[i] − k·a[i−1])·w[i].
    @inline(__always)
    private func prepareFFTInput(_ s: UnsafePointer<Float>) {
        let n = frameLength, k = config.preemphasis, scale = config.inputScale
        var mean: Float = 0
        if config.removeDCOffset {
            // Eight partial sums: independent additions the CPU overlaps, unlike one serial chain.
            var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
            var s4: Float = 0, s5: Float = 0, s6: Float = 0, s7: Float = 0
            var i = 0
            while i + 8 <= n {
                s0 += s[i] * scale; s1 += s[i + 1] * scale; s2 += s[i + 2] * scale; s3 += s[i + 3] * scale
                s4 += s[i + 4] * scale; s5 += s[i + 5] * scale; s6 += s[i + 6] * scale; s7 += s[i + 7] * scale
                i += 8
            }
            while i < n { s0 += s[i] * scale; i += 1 }
            mean = (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) / Float(n)
        }
        let x = fft.input
        window.withUnsafeBufferPointer { w in
            let a0 = s[0] * scale - mean
            x[0] = (a0 - k * a0) * w[0]
            for i in 1..<n {
                x[i] = ((s[i] * scale - mean) - k * (s[i - 1] * scale - mean)) * w[i]
            }
        }
        for i in n..<fft.size { x[i] = 0 }
    }

    /// P[j] = re² + im² (or its square root) for j = 0 ... fftSize/2, into lane `lane` of `spectra`.
    @inline(__always)
    private func storeSpectrum(lane: Int) {
        let half = fft.size / 2, z = fft.output
        let p = UnsafeMutableRawPointer(spectra).assumingMemoryBound(to: Float.self) + lane
        if config.usePower {
            for j in 0...half {
                let re = z[2 * j], im = z[2 * j + 1]
                p[j * Self.lanes] = re * re + im * im
            }
        } else {
            for j in 0...half {
                let re = z[2 * j], im = z[2 * j + 1]
                p[j * Self.lanes] = (re * re + im * im).squareRoot()
            }
        }
    }

    /// E[t, b] = max(Σⱼ M[b, j] P_t[j], floor) for the `frames` (≤ 4) frames in `spectra`,
    /// written row-major from `rows`.
    @inline(__always)
    private func applyMelBank(to rows: UnsafeMutablePointer<Float>, frames: Int) {
        let floor = SIMD4<Float>(repeating: config.logFloor), bins = self.bins
        melBank.offsets.withUnsafeBufferPointer { offsets in
            melBank.firstIndex.withUnsafeBufferPointer { first in
                melBank.flatWeights.withUnsafeBufferPointer { weights in
                    for b in 0..<bins {
                        let p = spectra + first[b]
                        let w = weights.baseAddress! + offsets[b]
                        var energy = SIMD4<Float>(repeating: 0)
                        for k in 0..<(offsets[b + 1] - offsets[b]) { energy += w[k] * p[k] }
                        energy = pointwiseMax(energy, floor)
                        for lane in 0..<frames { rows[lane * bins + b] = energy[lane] }
                    }
                }
            }
        }
    }
}
