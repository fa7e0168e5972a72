#if canImport(Glibc)
import Glibc
#endif

/// The scalars log-space arithmetic runs in: Float in decoding, Double in the CTC loss, whose
/// sums over thousands of paths would lose digits in Float. Each maps to its own libm call
/// (`expf` or `exp`), so the generic code computes exactly what a hand-written one would.
public protocol LogSpaceScalar: BinaryFloatingPoint {
    static func exponential(_ x: Self) -> Self
    static func logarithm(_ x: Self) -> Self
    /// log(1 + x), exact for small x.
    static func logarithmOfOnePlus(_ x: Self) -> Self
}

extension Float: LogSpaceScalar {
    @inline(__always) public static func exponential(_ x: Float) -> Float { expf(x) }
    @inline(__always) public static func logarithm(_ x: Float) -> Float { logf(x) }
    @inline(__always) public static func logarithmOfOnePlus(_ x: Float) -> Float { log1pf(x) }
}

extension Double: LogSpaceScalar {
    @inline(__always) public static func exponential(_ x: Double) -> Double { exp(x) }
    @inline(__always) public static func logarithm(_ x: Double) -> Double { log(x) }
    @inline(__always) public static func logarithmOfOnePlus(_ x: Double) -> Double { log1p(x) }
}

/// log(eᵃ + eᵇ) = max(a, b) + log(1 + e^−|a − b|), with −∞ (probability 0) as the identity.
@inline(__always)
public func logAdd<T: LogSpaceScalar>(_ a: T, _ b: T) -> T {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    return max(a, b) + T.logarithmOfOnePlus(T.exponential(-abs(a - b)))
}

/// log softmax(z)_k = z_k − m − log Σ_j exp(z_j − m), m = max_j z_j: subtracting the maximum
/// keeps every exponential at most 1, so nothing overflows.
public enum LogSoftmax {
    /// Writes log softmax of the `count` entries at `z` to `out`, computed in `T`. `out` may
    /// be `z` itself (each entry is read before it is written).
    @inline(__always)
    public static func apply<T: LogSpaceScalar>(_ z: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<T>) {
        var m = -T.infinity
        for k in 0..<count { m = max(m, T(z[k])) }
        var s: T = 0
        for k in 0..<count { s += T.exponential(T(z[k]) - m) }
        let lse = m + T.logarithm(s)
        for k in 0..<count { out[k] = T(z[k]) - lse }
    }

    /// Log softmax of the `count` entries at `z`, in place.
    @inline(__always)
    public static func inPlace(_ z: UnsafeMutablePointer<Float>, count: Int) {
        apply(UnsafePointer(z), count: count, into: z)
    }
}

/// softmax(z)_k = exp(z_k − m) / Σ_j exp(z_j − m), m = max_j z_j.
public enum Softmax {
    /// Writes exp(z_k − m) to `out` and returns m and the sum Σ exp(z_k − m), so a caller can
    /// both normalize and take log Σ exp z = m + log(sum) (the cross-entropy needs both).
    @inline(__always)
    public static func exponentials(_ z: UnsafePointer<Float>, count: Int,
                                    into out: UnsafeMutablePointer<Float>) -> (max: Float, sum: Float) {
        var m = -Float.infinity
        for k in 0..<count { m = max(m, z[k]) }
        var s: Float = 0
        for k in 0..<count { let v = expf(z[k] - m); out[k] = v; s += v }
        return (m, s)
    }

    /// Writes softmax of the `count` entries at `z` to `out`.
    @inline(__always)
    public static func apply(_ z: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        let inv = 1 / exponentials(z, count: count, into: out).sum
        for k in 0..<count { out[k] *= inv }
    }
}
