import Foundation

/// A second-order IIR section, Direct Form I, with the coefficients of R. Bristow-Johnson's
/// "Audio EQ Cookbook" (normalized so a₀ = 1):
///   y[n] = b₀x[n] + b₁x[n−1] + b₂x[n−2] − a₁y[n−1] − a₂y[n−2].
public struct Biquad: Equatable, Sendable {
    public var b0: Double, b1: Double, b2: Double, a1: Double, a2: Double

    /// A Butterworth (Q = 1/√2) high-pass at `cutoff` Hz.
    public static func highPass(cutoff: Double, sampleRate: Int) -> Biquad {
        let (cosw, alpha) = terms(cutoff, sampleRate, q: 0.5.squareRoot())
        return Biquad(normalizing: [(1 + cosw) / 2, -(1 + cosw), (1 + cosw) / 2], [1 + alpha, -2 * cosw, 1 - alpha])
    }

    /// A Butterworth (Q = 1/√2) low-pass at `cutoff` Hz.
    public static func lowPass(cutoff: Double, sampleRate: Int) -> Biquad {
        let (cosw, alpha) = terms(cutoff, sampleRate, q: 0.5.squareRoot())
        return Biquad(normalizing: [(1 - cosw) / 2, 1 - cosw, (1 - cosw) / 2], [1 + alpha, -2 * cosw, 1 - alpha])
    }

    /// A peaking equalizer: `gainDB` at `center` Hz, bandwidth set by `q`.
    public static func peaking(center: Double, gainDB: Double, q: Double, sampleRate: Int) -> Biquad {
        let (cosw, alpha) = terms(center, sampleRate, q: q)
        let amplitude = pow(10, gainDB / 40)
        return Biquad(normalizing: [1 + alpha * amplitude, -2 * cosw, 1 - alpha * amplitude],
                      [1 + alpha / amplitude, -2 * cosw, 1 - alpha / amplitude])
    }

    private static func terms(_ frequency: Double, _ sampleRate: Int, q: Double) -> (Double, Double) {
        let w = 2 * Double.pi * frequency / Double(sampleRate)
        return (cos(w), sin(w) / (2 * q))
    }

    private init(normalizing b: [Double], _ a: [Double]) {
        b0 = b[0] / a[0]; b1 = b[1] / a[0]; b2 = b[2] / a[0]; a1 = a[1] / a[0]; a2 = a[2] / a[0]
    }

    /// |H(e^{jω})| in dB at `frequency` Hz.
    public func responseDB(at frequency: Double, sampleRate: Int) -> Double {
        let w = 2 * Double.pi * frequency / Double(sampleRate)
        func poly(_ c0: Double, _ c1: Double, _ c2: Double) -> Double {
            let re = c0 + c1 * cos(w) + c2 * cos(2 * w), im = -(c1 * sin(w) + c2 * sin(2 * w))
            return re * re + im * im
        }
        return 10 * log10(poly(b0, b1, b2) / poly(1, a1, a2))
    }

    public func filter(_ x: inout [Float]) {
        var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0
        for n in x.indices {
            let v = Double(x[n])
            let y = b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            x2 = x1; x1 = v; y2 = y1; y1 = y
            x[n] = Float(y)
        }
    }
}

/// What a cheap microphone or a codec does to the spectrum: a band limit (high-pass, low-pass)
/// and one resonance or dip (a peaking filter).
public struct MicrophoneColoration: Equatable, Sendable {
    public var highPass: Double
    public var lowPass: Double
    public var peakFrequency: Double
    public var peakGainDB: Double

    public init(highPass: Double, lowPass: Double, peakFrequency: Double, peakGainDB: Double) {
        self.highPass = highPass; self.lowPass = lowPass; self.peakFrequency = peakFrequency; self.peakGainDB = peakGainDB
    }

    public func filters(sampleRate: Int) -> [Biquad] {
        var f = [Biquad.highPass(cutoff: highPass, sampleRate: sampleRate)]
        if lowPass < 0.49 * Double(sampleRate) { f.append(.lowPass(cutoff: lowPass, sampleRate: sampleRate)) }
        if peakGainDB != 0 { f.append(.peaking(center: peakFrequency, gainDB: peakGainDB, q: 1, sampleRate: sampleRate)) }
        return f
    }

    public func apply(to x: inout [Float], sampleRate: Int) {
        for f in filters(sampleRate: sampleRate) { f.filter(&x) }
    }
}

/// Gain then hard clipping to [−1, 1], as an input stage driven too hard does.
public enum GainClipping {
    public static func apply(to x: inout [Float], gainDB: Float) {
        let g = pow(10, gainDB / 20)
        for i in x.indices { x[i] = min(1, max(-1, x[i] * g)) }
    }
}

/// Exact-zero samples before and after a recording: padding, editors, VAD-cut audio.
public enum SilencePadding {
    public static func apply(to x: inout [Float], before: Int, after: Int) {
        x = [Float](repeating: 0, count: before) + x + [Float](repeating: 0, count: after)
    }
}
