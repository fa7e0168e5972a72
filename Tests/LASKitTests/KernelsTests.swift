import XCTest
import LASKit
#if canImport(Glibc)
import Glibc
#endif

final class KernelsTests: XCTestCase {
    /// Training and decoding mix the scalar and eight-lane tanh; they must agree bit for bit.
    func testEightLaneTanhEqualsScalarTanhExactly() {
        var rng = SplitMix64(seed: 21)
        var inputs: [Float] = [0, -0, 0.0003, -0.0003, 0.0004, 7.9, -7.9, 8, -8, 50, -50, .infinity, -.infinity]
        for _ in 0..<4000 { inputs.append(Float(rng.nextNormal()) * 4) }
        while inputs.count % 8 != 0 { inputs.append(1) }
        for start in stride(from: 0, to: inputs.count, by: 8) {
            let v = SIMD8<Float>(inputs[start..<(start + 8)])
            let t = Kernels.tanh(v), s = Kernels.sigmoid(v)
            for i in 0..<8 {
                XCTAssertEqual(t[i].bitPattern, Kernels.tanh(v[i]).bitPattern, "tanh(\(v[i]))")
                XCTAssertEqual(s[i].bitPattern, Kernels.sigmoid(v[i]).bitPattern, "σ(\(v[i]))")
            }
        }
    }

    func testRationalTanhIsWithinOneMillionthOfLibm() {
        for i in -4000...4000 {
            let x = Float(i) / 400
            XCTAssertEqual(Kernels.tanh(x), tanhf(x), accuracy: 1e-6, "tanh(\(x))")
        }
    }

    func testDotProductMatchesADoublePrecisionSum() {
        var rng = SplitMix64(seed: 22)
        for count in [0, 1, 7, 8, 9, 31, 256, 1000] {
            let x = (0..<count).map { _ in Float(rng.nextNormal()) }, y = (0..<count).map { _ in Float(rng.nextNormal()) }
            let exact = zip(x, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            XCTAssertEqual(Double(Kernels.dot(x, y, count: count)), exact, accuracy: 1e-5 * Double(max(1, count)), "count \(count)")
        }
    }
}
