import XCTest
import LASKit

/// `PackedMatrix` replaces sgemm in the LSTM recurrences, so it must compute the same products:
/// checked here against a Double-precision sum, with every kernel this CPU runs, on shapes that
/// leave partial row and column blocks (the AVX-512 kernel's blocks of 8, 4, 2 and 1 rows, its
/// 8-way k-split of one row, masked panels of an odd n, k = 1). Tolerance 1e-5 · k absolute for
/// N(0, 1) operands, the same for every kernel: they differ only in their order of summation.
final class PackedMatrixTests: XCTestCase {
    private let shapes = [(1, 1, 1), (1, 17, 1), (1, 1023, 257), (1, 1024, 256), (2, 33, 3), (3, 5, 7), (4, 16, 9),
                          (5, 17, 33), (7, 31, 5), (8, 1024, 256), (9, 40, 64), (15, 47, 13), (16, 64, 256)]

    private func random(_ count: Int, _ rng: inout SplitMix64) -> [Float] {
        (0..<count).map { _ in Float(rng.nextNormal()) }
    }

    /// Runs `body` with products on `kernel` (`emulated`: the AVX-512 kernel compiled for AVX2),
    /// or skips when this CPU cannot run it; restores the kernel in use before.
    private func with(_ kernel: PackedMatrix.Kernel, emulated: Bool = false, _ body: () throws -> Void) throws {
        let previous = PackedMatrix.kernel, wasEmulating = PackedMatrix.emulatesAVX512
        defer { PackedMatrix.emulateAVX512(wasEmulating); PackedMatrix.use(previous) }
        if emulated { try XCTSkipUnless(PackedMatrix.emulateAVX512(true), "no AVX2 to emulate AVX-512 with") }
        else { PackedMatrix.emulateAVX512(false) }
        try XCTSkipUnless(PackedMatrix.use(kernel) == kernel,
                          "this CPU runs \(PackedMatrix.supportedKernel), not \(kernel) (AVX-512 needs avx512f in cpuid and in XCR0)")
        try body()
    }

    /// A[m, k] · Wᵀ for W[n, k], as the LSTM forward pass uses it.
    private func checkTransposedProducts(file: StaticString = #filePath, line: UInt = #line) {
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
                                       "\(PackedMatrix.kernel) m \(m) n \(n) k \(k) beta \(beta) at [\(i), \(j)]",
                                       file: file, line: line)
                    }
                }
            }
        }
    }

    func testPortableProductAgainstTransposedWeightMatchesDoubleSum() throws {
        try with(.portable) { checkTransposedProducts() }
    }

    func testAVX2ProductAgainstTransposedWeightMatchesDoubleSum() throws {
        try with(.avx2) { checkTransposedProducts() }
    }

    func testAVX512ProductAgainstTransposedWeightMatchesDoubleSum() throws {
        try with(.avx512) { checkTransposedProducts() }
    }

    /// The AVX-512 kernel's arithmetic, checked on CPUs without AVX-512 too.
    func testAVX512KernelCompiledForAVX2MatchesDoubleSum() throws {
        try with(.avx512, emulated: true) { checkTransposedProducts() }
    }

    /// The emulation is only worth its test if it computes what the AVX-512 instructions do.
    func testAVX512KernelGivesTheSameBitsCompiledForAVX2() throws {
        try XCTSkipUnless(PackedMatrix.supportedKernel == .avx512, "this CPU runs \(PackedMatrix.supportedKernel), not avx512")
        var rng = SplitMix64(seed: 34)
        for (m, n, k) in shapes {
            let a = random(m * k, &rng), w = random(n * k, &rng), c0 = random(m * n, &rng)
            let packed = w.withUnsafeBufferPointer { PackedMatrix(transposeOf: $0.baseAddress!, outputs: n, inputs: k) }
            var native = c0, emulated = c0
            try with(.avx512) {
                a.withUnsafeBufferPointer { packed.multiply(rows: m, $0.baseAddress!, beta: 1, &native) }
            }
            try with(.avx512, emulated: true) {
                a.withUnsafeBufferPointer { packed.multiply(rows: m, $0.baseAddress!, beta: 1, &emulated) }
            }
            XCTAssertEqual(native, emulated, "m \(m) n \(n) k \(k)")
        }
    }

    /// Asking for a kernel the CPU lacks gives the best one it has, never an illegal instruction.
    func testAskingForMoreThanTheCPURunsGivesTheBestItHas() throws {
        try with(.portable) {
            XCTAssertEqual(PackedMatrix.use(.avx512), PackedMatrix.supportedKernel)
            XCTAssertEqual(PackedMatrix.kernel, PackedMatrix.supportedKernel)
        }
    }

    /// A[m, k] · W for W[k, n] with row strides larger than the rows (as in the LSTM backward pass).
    func testProductWithUntransposedWeightAndStridesMatchesDoubleSum() throws {
        for kernel in PackedMatrix.Kernel.allCases where kernel <= PackedMatrix.supportedKernel {
            try with(kernel) { checkUntransposedProductWithStrides() }
        }
        try with(.avx512, emulated: true) { checkUntransposedProductWithStrides() }
    }

    private func checkUntransposedProductWithStrides() {
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
                XCTAssertEqual(Double(c[i * ldc + j]), exact, accuracy: 1e-4, "\(PackedMatrix.kernel) [\(i), \(j)]")
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
