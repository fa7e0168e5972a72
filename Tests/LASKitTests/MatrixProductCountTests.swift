import XCTest
import LASKit

/// The benchmark's operation count: 2·m·n·k per product, whichever path the product takes.
final class MatrixProductCountTests: XCTestCase {
    override func tearDown() { MatrixProductCount.isCounting = false }

    func counted(_ body: () -> Void) -> Int {
        let before = MatrixProductCount.total
        body()
        return MatrixProductCount.total - before
    }

    func testEachProductCountsTwoOperationsPerMultiplyAdd() {
        let a = [Float](repeating: 1, count: 6 * 5), b = [Float](repeating: 1, count: 5 * 7)
        var c = [Float](repeating: 0, count: 6 * 7)
        let packed = b.withUnsafeBufferPointer { PackedMatrix($0.baseAddress!, rows: 5, columns: 7) }
        MatrixProductCount.isCounting = true
        XCTAssertEqual(counted { sgemm(m: 6, n: 7, k: 5, a, b, &c) }, 2 * 6 * 7 * 5)
        XCTAssertEqual(counted { sgemv(m: 6, n: 5, a, b, &c) }, 2 * 6 * 5)
        XCTAssertEqual(counted { packed.multiply(rows: 6, a, &c) }, 2 * 6 * 7 * 5)
        XCTAssertEqual(counted { packed.multiply(rows: 6, depth: 3, a, lda: 5, &c) }, 2 * 6 * 7 * 3)
    }

    func testNothingIsCountedUnlessABenchmarkAsks() {
        let a = [Float](repeating: 1, count: 4), b = a
        var c = [Float](repeating: 0, count: 4)
        MatrixProductCount.isCounting = false
        XCTAssertEqual(counted { sgemm(m: 2, n: 2, k: 2, a, b, &c) }, 0)
    }
}
