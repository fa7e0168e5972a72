#if canImport(Glibc)
import Glibc
#endif

/// Element-wise kernels on contiguous buffers, written as plain loops the compiler
/// vectorizes. The network layers call these in their inner loops.
public enum Kernels {
    /// tanh as the rational minimax approximation Eigen uses (p₁₃(x)/q₆(x) on [-7.9053, 7.9053],
    /// error a few ulp): no libm call, so loops over it vectorize.
    @inline(__always)
    public static func tanh(_ a: Float) -> Float {
        let x = min(max(a, -TanhCoefficients.limit), TanhCoefficients.limit)
        let x2 = x * x
        let c = TanhCoefficients.self
        var p = c.p13
        p = horner(p, x2, c.p11); p = horner(p, x2, c.p9); p = horner(p, x2, c.p7); p = horner(p, x2, c.p5)
        p = horner(p, x2, c.p3); p = horner(p, x2, c.p1)
        p = p * x
        var q = c.q6
        q = horner(q, x2, c.q4); q = horner(q, x2, c.q2); q = horner(q, x2, c.q0)
        return abs(a) < c.tiny ? a : p / q
    }

    /// The same rational tanh on eight lanes, operation for operation, so it returns exactly
    /// what the scalar one does. Loops use it to keep several independent polynomial chains in
    /// flight: one chain's latency (about 60 cycles) otherwise bounds a loop the compiler
    /// vectorizes only four lanes wide.
    @inline(__always)
    public static func tanh(_ a: SIMD8<Float>) -> SIMD8<Float> {
        let limit = SIMD8<Float>(repeating: TanhCoefficients.limit)
        // Clamped by selects, as the scalar min(max(·)) does (NaN passes through); the generic
        // pointwiseMin/Max are not inlined.
        var x = a.replacing(with: -limit, where: a .< -limit)
        x = x.replacing(with: limit, where: x .> limit)
        let x2 = x * x
        let c = TanhCoefficients.self
        var p = SIMD8<Float>(repeating: c.p13)
        p = horner(p, x2, c.p11); p = horner(p, x2, c.p9); p = horner(p, x2, c.p7); p = horner(p, x2, c.p5)
        p = horner(p, x2, c.p3); p = horner(p, x2, c.p1)
        p = p * x
        var q = SIMD8<Float>(repeating: c.q6)
        q = horner(q, x2, c.q4); q = horner(q, x2, c.q2); q = horner(q, x2, c.q0)
        let tiny = SIMD8<Float>(repeating: c.tiny)
        return (p / q).replacing(with: a, where: (a .< tiny) .& (a .> -tiny))
    }

    /// One Horner step p·x + c: a fused multiply-add where the build targets FMA hardware
    /// (`LAS_FMA`, see Package.swift), else a multiply and an add (a software fma would be slow).
    @inline(__always)
    static func horner(_ p: Float, _ x: Float, _ c: Float) -> Float {
        #if LAS_FMA
        return c.addingProduct(p, x)
        #else
        return p * x + c
        #endif
    }

    /// a·b + c on eight lanes, fused where the build targets FMA hardware.
    @inline(__always)
    static func multiplyAdd(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
        #if LAS_FMA
        return c.addingProduct(a, b)
        #else
        return a * b + c
        #endif
    }

    @inline(__always)
    static func horner(_ p: SIMD8<Float>, _ x: SIMD8<Float>, _ c: Float) -> SIMD8<Float> {
        multiplyAdd(p, x, SIMD8<Float>(repeating: c))
    }

    @inline(__always)
    public static func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> { 0.5 + 0.5 * tanh(0.5 * x) }

    @inline(__always)
    static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// σ(x) = (1 + tanh(x/2)) / 2.
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 0.5 + 0.5 * tanh(0.5 * x) }

    /// y[r, :] += bias for every row r of a rows×cols buffer.
    @inline(__always)
    public static func addRowVector(_ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
                                    _ bias: UnsafePointer<Float>) {
        for r in 0..<rows {
            let row = y + r * cols
            for c in 0..<cols { row[c] += bias[c] }
        }
    }

    /// acc[c] += Σ_r x[r, c]: the bias gradient of a row-wise affine map.
    @inline(__always)
    public static func accumulateColumnSums(_ x: UnsafePointer<Float>, rows: Int, cols: Int,
                                            into acc: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let row = x + r * cols
            for c in 0..<cols { acc[c] += row[c] }
        }
    }

    @inline(__always)
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] += x[i] }
    }

    /// Σ x[i]·y[i] accumulated in Float (lengths here are at most a few thousand), in eight
    /// interleaved partial sums: a single running sum is a chain of dependent adds the
    /// compiler may not reorder, so it runs at one add per FP-add latency instead of in SIMD.
    @inline(__always)
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        let xr = UnsafeRawPointer(x), yr = UnsafeRawPointer(y)
        while i + 8 <= count {
            acc += xr.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                * yr.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        var s = acc.sum()
        while i < count { s += x[i] * y[i]; i += 1 }
        return s
    }
}

/// Eigen's rational tanh, p₁₃(x)/q₆(x) on [−limit, limit] (x itself below `tiny`); one set of
/// constants for the scalar and eight-lane versions, which must agree bit for bit.
enum TanhCoefficients {
    static let limit: Float = 7.90531110763549805, tiny: Float = 0.0004
    static let p13: Float = -2.76076847742355e-16, p11: Float = 2.00018790482477e-13
    static let p9: Float = -8.60467152213735e-11, p7: Float = 5.12229709037114e-08
    static let p5: Float = 1.48572235717979e-05, p3: Float = 6.37261928875436e-04
    static let p1: Float = 4.89352455891786e-03
    static let q6: Float = 1.19825839466702e-06, q4: Float = 1.18534705686654e-04
    static let q2: Float = 2.26843463243900e-03, q0: Float = 4.89352518554385e-03
}

extension Array where Element == Float {
    /// `count` floats with unspecified values, for buffers a product or loop overwrites in full:
    /// zero-filling them first costs a pass over memory that the overwrite makes again.
    init(overwrittenCount count: Int) {
        self.init(unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
