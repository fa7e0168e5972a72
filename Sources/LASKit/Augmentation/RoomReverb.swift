import CFFTW
import Foundation

/// Synthetic room impulse responses and their convolution with a signal.
///
/// The late reverberation of a diffuse room is well modelled as Gaussian noise under an
/// exponential envelope whose energy falls 60 dB in RT60 seconds (Polack 1993; Lehmann &
/// Johansson 2008 use the same model past the early reflections):
///   h[0] = 1 (the direct path),  h[n] = a · N(0, 1) · 10^(−3 n / (RT60 · fs)) for n ≥ n₀,
/// with n₀ = 2.5 ms (the first reflection) and `a` set so the reverberant energy Σₙ≥ₙ₀ h² is
/// `reverberantRatio` times the direct path's: a direct-to-reverberant ratio of −10·log₁₀ of it.
public enum RoomReverb {
    public static func impulseResponse(rt60: Float, sampleRate: Int, reverberantRatio: Float = 1,
                                       rng: inout SplitMix64) -> [Float] {
        let length = max(2, Int(rt60 * Float(sampleRate)))   // down 60 dB by its end
        let firstReflection = max(1, sampleRate / 400)
        var h = [Float](repeating: 0, count: length)
        h[0] = 1
        let decayPerSample = pow(10, -3 / (Double(rt60) * Double(sampleRate)))
        var envelope = pow(decayPerSample, Double(firstReflection)), tail = 0.0
        for n in firstReflection..<length {
            let v = envelope * rng.nextNormal()
            h[n] = Float(v)
            tail += v * v
            envelope *= decayPerSample
        }
        if tail > 0 {
            let a = Float((Double(reverberantRatio) / tail).squareRoot())
            for n in firstReflection..<length { h[n] *= a }
        }
        return h
    }

    /// The decay time of `h` from Schroeder's backward integral E(n) = Σₘ≥ₙ h[m]²
    /// (Schroeder 1965): the slope of 10·log₁₀ E between −5 and −25 dB, extrapolated to 60 dB
    /// (ISO 3382's T20).
    public static func decayTime(_ h: [Float], sampleRate: Int) -> Double {
        var e = [Double](repeating: 0, count: h.count + 1)
        for n in stride(from: h.count - 1, through: 0, by: -1) { e[n] = e[n + 1] + Double(h[n]) * Double(h[n]) }
        // Start after the direct path, so the decay measured is the room's.
        let start = max(1, sampleRate / 400)
        let reference = e[start]
        var xs: [Double] = [], ys: [Double] = []
        for n in start..<h.count {
            let db = 10 * log10(e[n] / reference)
            if db <= -5 && db >= -25 { xs.append(Double(n) / Double(sampleRate)); ys.append(db) }
        }
        guard xs.count >= 2 else { return 0 }
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        var sxy = 0.0, sxx = 0.0
        for (x, y) in zip(xs, ys) { sxy += (x - mx) * (y - my); sxx += (x - mx) * (x - mx) }
        return -60 / (sxy / sxx)
    }

    /// y = x ∗ h cut to x's length (the tail past the end is dropped, as a recording stops),
    /// by FFT: one real transform of each, a product, and one inverse (FFTW, single precision).
    public static func convolve(_ x: [Float], with h: [Float]) -> [Float] {
        guard !x.isEmpty, !h.isEmpty else { return x }
        var size = 1
        while size < x.count + h.count - 1 { size <<= 1 }
        let bins = size / 2 + 1
        fftwPlannerLock.lock()
        let a = fftwf_alloc_real(size)!, b = fftwf_alloc_real(size)!
        let fa = fftwf_alloc_complex(bins)!, fb = fftwf_alloc_complex(bins)!
        let forwardA = fftwf_plan_dft_r2c_1d(Int32(size), a, fa, FFTW_ESTIMATE)!
        let forwardB = fftwf_plan_dft_r2c_1d(Int32(size), b, fb, FFTW_ESTIMATE)!
        let inverse = fftwf_plan_dft_c2r_1d(Int32(size), fa, a, FFTW_ESTIMATE)!
        fftwPlannerLock.unlock()
        defer {
            fftwPlannerLock.lock()
            fftwf_destroy_plan(forwardA); fftwf_destroy_plan(forwardB); fftwf_destroy_plan(inverse)
            fftwf_free(a); fftwf_free(b); fftwf_free(fa); fftwf_free(fb)
            fftwPlannerLock.unlock()
        }
        for i in 0..<size { a[i] = i < x.count ? x[i] : 0; b[i] = i < h.count ? h[i] : 0 }
        fftwf_execute(forwardA)
        fftwf_execute(forwardB)
        let scale = 1 / Float(size)
        for k in 0..<bins {
            let (ar, ai) = (fa[k].0, fa[k].1), (br, bi) = (fb[k].0, fb[k].1)
            fa[k] = ((ar * br - ai * bi) * scale, (ar * bi + ai * br) * scale)
        }
        fftwf_execute(inverse)
        return (0..<x.count).map { a[$0] }
    }
}
