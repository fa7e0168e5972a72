import XCTest
import LASKit

/// `PackedMatrix` replaces sgemm in the LSTM recurrences, so it must compute the same products:
/// checked here against a Double-precision sum on shapes that leave partial row and column blocks.
final class PackedMatrixTests: XCTestCase {
    private let shapes = [(1, 1, 1), (3, 5, 7), (4, 16, 9), (5, 17, 33), (9, 40, 64), (16, 64, 256)]

    private func random(_ count: Int, _ rng: inout SplitMix64) -> [Float] {
        (0..<count).map { _ in Float(rng.nextNormal()) }
    }

    /// A[m, k] · Wᵀ for W[n, k], as the LSTM forward pass uses it.
    private func checkTransposedProducts(vectorized: Bool, file: StaticString = #filePath, line: UInt = #line) {
        PackedMatrix.allowVectorized(vectorized)
        defer { PackedMatrix.allowVectorized(true) }
        var rng = SplitMix64(seed: 31)
        for (m, n, k) in shapes {
            let a = random(m * k, &rng), w = random(n * k, &rng), c0 = random(m * n, &rng)
            let packed = w.withUnsafeBufferPointer { PackedMatrix(transposeOf: $0.baseAddress!, outputs: n, inputs: k) }
            for beta: Float in [0, 1] {
                var c = c0
                a.withUnsafeBufferPointer { ap in
                    c.withUnsafeMutableBufferPointer { packed.multiply(rows: m, ap.baseAddress!, beta: beta, $0.baseAddress!) }
                }
                for i in 0..<m {
                    for j in 0..<n {
                        var exact = beta == 0 ? 0 : Double(c0[i * n + j])
                        for p in 0..<k { exact += Double(a[i * k + p]) * Double(w[j * k + p]) }
                        XCTAssertEqual(Double(c[i * n + j]), exact, accuracy: 1e-5 * Double(k),
                                       "m \(m) n \(n) k \(k) beta \(beta) at [\(i), \(j)]", file: file, line: line)
                    }
                }
            }
        }
    }

    func testVectorizedProductAgainstTransposedWeightMatchesDoubleSum() {
        checkTransposedProducts(vectorized: true)
    }

    func testPortableProductAgainstTransposedWeightMatchesDoubleSum() {
        checkTransposedProducts(vectorized: false)
    }

    /// A[m, k] · W for W[k, n] with row strides larger than the rows (as in the LSTM backward pass).
    func testProductWithUntransposedWeightAndStridesMatchesDoubleSum() {
        var rng = SplitMix64(seed: 32)
        let m = 6, n = 21, k = 19, lda = 23, ldc = 25
        let a = random(m * lda, &rng), w = random(k * n, &rng)
        var c = [Float](repeating: .nan, count: m * ldc)
        let packed = w.withUnsafeBufferPointer { PackedMatrix($0.baseAddress!, rows: k, columns: n) }
        a.withUnsafeBufferPointer { ap in
            c.withUnsafeMutableBufferPointer { packed.multiply(rows: m, ap.baseAddress!, lda: lda, $0.baseAddress!, ldc: ldc) }
        }
        for i in 0..<m {
            for j in 0..<n {
                var exact = 0.0
                for p in 0..<k { exact += Double(a[i * lda + p]) * Double(w[p * n + j]) }
                XCTAssertEqual(Double(c[i * ldc + j]), exact, accuracy: 1e-4, "[\(i), \(j)]")
            }
            for j in n..<ldc { XCTAssertTrue(c[i * ldc + j].isNaN, "column \(j) past the product was written") }
        }
    }

    /// Splitting a product by 16-column blocks (for two workers) gives the whole product.
    func testColumnBlocksTogetherMakeTheWholeProduct() {
        var rng = SplitMix64(seed: 33)
        let m = 8, n = 50, k = 12
        let a = random(m * k, &rng), w = random(n * k, &rng)
        let packed = w.withUnsafeBufferPointer { PackedMatrix(transposeOf: $0.baseAddress!, outputs: n, inputs: k) }
        var whole = [Float](repeating: 0, count: m * n), split = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { ap in
            whole.withUnsafeMutableBufferPointer { packed.multiply(rows: m, ap.baseAddress!, $0.baseAddress!) }
            split.withUnsafeMutableBufferPointer { c in
                packed.multiply(rows: m, columnBlocks: 0..<2, ap.baseAddress!, c.baseAddress!)
                packed.multiply(rows: m, columnBlocks: 2..<packed.blockCount, ap.baseAddress!, c.baseAddress!)
            }
        }
        XCTAssertEqual(packed.blockCount, 4)
        XCTAssertEqual(split, whole)
    }
}
