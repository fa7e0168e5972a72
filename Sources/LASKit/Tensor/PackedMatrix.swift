import CKernels

/// A right-hand matrix operand B[K×N] packed once for many products A[M×K] · B with a small M
/// (the recurrent weights of an LSTM, applied at every time step). OpenBLAS re-packs its
/// operands on every sgemm call, which for a 16-row batch costs about as much as the product
/// itself; this pays the packing once per forward or backward pass. See `CKernels/packed_gemm.c`.
public final class PackedMatrix: @unchecked Sendable {
    public let rows: Int      // K
    public let columns: Int   // N
    private let storage: UnsafeMutableBufferPointer<Float>

    /// Packs B with element (k, n) at `b[k * strideK + n * strideN]`: a row-major W[K, N] is
    /// (strideK: N, strideN: 1); its transpose Wᵀ, for W[N, K], is (strideK: 1, strideN: K).
    public init(rows: Int, columns: Int, _ b: UnsafePointer<Float>, strideK: Int, strideN: Int) {
        self.rows = rows
        self.columns = columns
        let count = las_packed_size(Int32(rows), Int32(columns))
        storage = .allocate(capacity: max(1, count))
        las_pack(Int32(rows), Int32(columns), b, strideK, strideN, storage.baseAddress!)
    }

    /// Packs Wᵀ for a row-major W[N, K] (a `Linear`/LSTM weight [out, in]), for x·Wᵀ.
    public convenience init(transposeOf w: UnsafePointer<Float>, outputs n: Int, inputs k: Int) {
        self.init(rows: k, columns: n, w, strideK: 1, strideN: k)
    }

    /// Packs a row-major W[K, N] as it is, for x·W.
    public convenience init(_ w: UnsafePointer<Float>, rows k: Int, columns n: Int) {
        self.init(rows: k, columns: n, w, strideK: n, strideN: 1)
    }

    deinit { storage.deallocate() }

    /// C[m × columns] = beta·C + A[m × depth] · B[0..<depth, :]; `beta` is 0 (C is not read) or 1.
    /// `depth` (default: all `rows`) lets one packing serve products over a prefix of B's rows.
    @inline(__always)
    public func multiply(rows m: Int, depth: Int? = nil, _ a: UnsafePointer<Float>, lda: Int? = nil, beta: Float = 0,
                         _ c: UnsafeMutablePointer<Float>, ldc: Int? = nil) {
        multiply(rows: m, depth: depth, columnBlocks: 0..<blockCount, a, lda: lda, beta: beta, c, ldc: ldc)
    }

    /// Blocks of 16 columns (the last one possibly narrower), for splitting a product by columns.
    public var blockCount: Int { (columns + 15) / 16 }

    /// Only the columns of `columnBlocks` (16 each) of the product.
    public func multiply(rows m: Int, depth: Int? = nil, columnBlocks: Range<Int>, _ a: UnsafePointer<Float>, lda: Int? = nil,
                         beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int? = nil) {
        precondition(beta == 0 || beta == 1, "PackedMatrix.multiply: beta must be 0 or 1")
        let k = depth ?? rows
        precondition(k >= 0 && k <= rows, "PackedMatrix.multiply: depth \(k) outside 0...\(rows)")
        let n0 = columnBlocks.lowerBound * 16, n1 = min(columns, columnBlocks.upperBound * 16)
        guard m > 0, n1 > n0 else { return }
        MatrixProductCount.add(m: m, n: n1 - n0, k: k)
        las_packed_gemm(Int32(m), Int32(n1 - n0), Int32(k), a, lda ?? k,
                        storage.baseAddress! + n0 * rows, Int32(rows), beta, c + n0, ldc ?? columns)
    }

    /// The columns of `columnBlocks`.
    public func columns(ofBlocks blocks: Range<Int>) -> Range<Int> {
        min(columns, blocks.lowerBound * 16)..<min(columns, blocks.upperBound * 16)
    }

    /// The product kernels, by the instructions they need (`CKernels/packed_gemm.h`). They
    /// differ only in float rounding: each sums in its own order.
    public enum Kernel: Int32, Comparable, CaseIterable, Sendable {
        case portable = 0, avx2 = 1, avx512 = 2
        public static func < (a: Kernel, b: Kernel) -> Bool { a.rawValue < b.rawValue }
    }

    /// The best kernel this CPU runs.
    public static var supportedKernel: Kernel { Kernel(rawValue: las_packed_gemm_supported_level()) ?? .portable }

    /// The kernel products use: the best one, unless `LAS_KERNEL` or `use(_:)` asked for less.
    public static var kernel: Kernel { Kernel(rawValue: las_packed_gemm_level()) ?? .portable }

    /// Uses at most `kernel` (for tests and benchmarks); returns the kernel now used.
    @discardableResult
    public static func use(_ kernel: Kernel) -> Kernel { Kernel(rawValue: las_packed_gemm_set_level(kernel.rawValue)) ?? .portable }

    /// While on, `.avx512` runs the AVX-512 kernel's source compiled for AVX2: the same results
    /// bit for bit, on CPUs without AVX-512 (for tests). Returns whether it is on.
    @discardableResult
    public static func emulateAVX512(_ on: Bool) -> Bool { las_packed_gemm_emulate_avx512(on ? 1 : 0) != 0 }

    /// Whether `.avx512` is emulated (`emulateAVX512(_:)`, or `LAS_KERNEL=avx512-on-avx2`).
    public static var emulatesAVX512: Bool { las_packed_gemm_emulating_avx512() != 0 }
}
