import XCTest
import LASKit

final class BLASTests: XCTestCase {
    func testSgemmMatchesNaiveProductForAllTransposes() {
        let m = 3, n = 4, k = 5
        var rng = SplitMix64(seed: 1)
        let a = (0..<(m * k)).map { _ in Float(rng.nextUniform() - 0.5) }
        let b = (0..<(k * n)).map { _ in Float(rng.nextUniform() - 0.5) }
        var expected = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { expected[i * n + j] += a[i * k + p] * b[p * n + j] } } }
        // Transposed copies: Aᵀ is k×m, Bᵀ is n×k.
        var at = [Float](repeating: 0, count: m * k), bt = [Float](repeating: 0, count: k * n)
        for i in 0..<m { for p in 0..<k { at[p * m + i] = a[i * k + p] } }
        for p in 0..<k { for j in 0..<n { bt[j * k + p] = b[p * n + j] } }
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            var c = [Float](repeating: 0, count: m * n)
            sgemm(transA: ta, transB: tb, m: m, n: n, k: k, ta ? at : a, tb ? bt : b, &c)
            for i in 0..<(m * n) { XCTAssertEqual(c[i], expected[i], accuracy: 1e-5, "transA \(ta) transB \(tb)") }
        }
    }
}
