/// Natural logarithm of `count` positive, normal floats in place, written branch-free so the
/// compiler vectorizes the loop (glibc's logf is a call per value: a third of the filterbank's
/// time). Cephes' logf (Moshier; as in sse_mathfun's log_ps): x = m·2^e with m in [√½, √2),
/// ln x = e·ln 2 + ln m, ln m = f − f²/2 + f³·P(f) with f = m − 1 and ln 2 split into
/// 0.693359375 + (−2.12194440e−4) so e·ln 2 adds no rounding error. Within 2 ulp of logf over
/// the feature range (checked by `VectorLogTests`); inputs must be ≥ FLT_MIN, which the
/// filterbank's log floor guarantees.
@inline(__always)
func naturalLogInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count {
        x[i] = cephesLog(x[i])
    }
}

/// Natural logarithm of every value in place (values must be positive normal floats).
public func naturalLog(_ values: inout [Float]) {
    values.withUnsafeMutableBufferPointer { v in
        if let base = v.baseAddress { naturalLogInPlace(base, count: v.count) }
    }
}

@inline(__always)
func cephesLog(_ x: Float) -> Float {
    let bits = x.bitPattern
    // Exponent as a float without an int→float conversion: 2²³ + biased exponent, minus 2²³ + 126.
    var e = Float(bitPattern: (bits >> 23) | 0x4B00_0000) - 8_388_734  // 8_388_608 + 126
    var m = Float(bitPattern: (bits & 0x807F_FFFF) | 0x3F00_0000)        // mantissa in [0.5, 1)
    let small = m < 0.707106781186547524
    e = small ? e - 1 : e
    m = small ? m + m - 1 : m - 1
    let z = m * m
    var y: Float = 7.0376836292e-2
    y = y * m - 1.1514610310e-1
    y = y * m + 1.1676998740e-1
    y = y * m - 1.2420140846e-1
    y = y * m + 1.4249322787e-1
    y = y * m - 1.6668057665e-1
    y = y * m + 2.0000714765e-1
    y = y * m - 2.4999993993e-1
    y = y * m + 3.3333331174e-1
    y = y * m * z
    y += -2.12194440e-4 * e
    y += -0.5 * z
    return (m + y) + 0.693359375 * e
}
