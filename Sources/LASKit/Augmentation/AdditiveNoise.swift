import Foundation

/// Adds noise to a signal at a signal-to-noise ratio in dB:
///   y = x + g·n,  g = √(Eₓ / (Eₙ · 10^(snr/10))),  Eₓ = Σ x², Eₙ = Σ n² over the signal's length,
/// so 10·log₁₀(Σx² / Σ(g·n)²) equals `snr` exactly (the energies of whole signals, as Kaldi's
/// `wav-reverberate --additive-signals` and ESPnet's noise scripts measure it). A signal or a
/// noise of zero energy is returned unchanged.
public enum AdditiveNoise {
    public static func mix(_ signal: inout [Float], noise: [Float], snr: Float) {
        precondition(noise.count == signal.count, "noise of \(noise.count) samples for a signal of \(signal.count)")
        let es = energy(signal), en = energy(noise)
        guard es > 0, en > 0 else { return }
        let gain = Float((es / (en * pow(10, Double(snr) / 10))).squareRoot())
        for i in signal.indices { signal[i] += gain * noise[i] }
    }

    /// Σ x², in Double: hours of samples lose no precision.
    public static func energy(_ x: [Float]) -> Double {
        var s = 0.0
        for v in x { s += Double(v) * Double(v) }
        return s
    }

    /// 10·log₁₀(Σ signal² / Σ noise²).
    public static func snr(signal: [Float], noise: [Float]) -> Double {
        10 * log10(energy(signal) / energy(noise))
    }
}

/// Where additive noise comes from: real recordings (a random excerpt, looped when the signal
/// is longer), babble (other utterances summed), or coloured noise made on the spot.
public enum NoiseColor: String, Codable, CaseIterable, Sendable {
    /// Flat power spectrum.
    case white
    /// Power ∝ 1/f (−3 dB per octave).
    case pink
    /// Power ∝ 1/f² (−6 dB per octave): white noise integrated.
    case brown

    /// `count` samples of unit-variance noise of this colour.
    public func samples(_ count: Int, rng: inout SplitMix64) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        switch self {
        case .white:
            for i in 0..<count { out[i] = Float(rng.nextNormal()) }
        case .pink:
            // Paul Kellet's refined filter of white noise: within 0.05 dB of 1/f from 9 Hz to
            // Nyquist at 44.1 kHz (a weighted sum of one-pole low-passes).
            var b = [Double](repeating: 0, count: 7)
            for i in 0..<count {
                let w = rng.nextNormal()
                b[0] = 0.99886 * b[0] + w * 0.0555179
                b[1] = 0.99332 * b[1] + w * 0.0750759
                b[2] = 0.96900 * b[2] + w * 0.1538520
                b[3] = 0.86650 * b[3] + w * 0.3104856
                b[4] = 0.55000 * b[4] + w * 0.5329522
                b[5] = -0.7616 * b[5] - w * 0.0168980
                out[i] = Float(b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + w * 0.5362)
                b[6] = w * 0.115926
            }
        case .brown:
            // A leaky integrator (pole 0.998, ~5 Hz at 16 kHz) keeps the walk from drifting off.
            var y = 0.0
            for i in 0..<count {
                y = 0.998 * y + rng.nextNormal()
                out[i] = Float(y)
            }
        }
        let rms = (AdditiveNoise.energy(out) / Double(max(1, count))).squareRoot()
        if rms > 0 { for i in 0..<count { out[i] /= Float(rms) } }
        return out
    }
}

/// A noise recording excerpt of `count` samples from a random offset, wrapping around.
func excerpt(of recording: [Float], count: Int, rng: inout SplitMix64) -> [Float] {
    guard !recording.isEmpty else { return [Float](repeating: 0, count: count) }
    var start = Int(rng.next() % UInt64(recording.count))
    var out = [Float](), remaining = count
    out.reserveCapacity(count)
    while remaining > 0 {
        let n = min(remaining, recording.count - start)
        out.append(contentsOf: recording[start..<(start + n)])
        remaining -= n
        start = 0
    }
    return out
}
