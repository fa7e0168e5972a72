import COpenBLAS

/// Row-major single-precision matrix product through OpenBLAS:
/// C[m×n] = alpha · op(A) · op(B) + beta · C, where op(X) is X or Xᵀ.
/// `lda`, `ldb`, `ldc` default to the packed row strides of the untransposed operands.
@inline(__always)
public func sgemm(transA: Bool = false, transB: Bool = false,
                  m: Int, n: Int, k: Int,
                  alpha: Float = 1,
                  _ a: UnsafePointer<Float>, lda: Int? = nil,
                  _ b: UnsafePointer<Float>, ldb: Int? = nil,
                  beta: Float = 0,
                  _ c: UnsafeMutablePointer<Float>, ldc: Int? = nil) {
    MatrixProductCount.add(m: m, n: n, k: k)
    cblas_sgemm(CblasRowMajor,
                transA ? CblasTrans : CblasNoTrans,
                transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha,
                a, Int32(lda ?? (transA ? m : k)),
                b, Int32(ldb ?? (transB ? k : n)),
                beta, c, Int32(ldc ?? n))
}

/// Row-major matrix–vector product y[m] = alpha · A[m×n] x + beta · y. For one row, sgemm
/// would copy ("pack") all of A before multiplying; sgemv reads it once.
@inline(__always)
public func sgemv(m: Int, n: Int, alpha: Float = 1, _ a: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                  beta: Float = 0, _ y: UnsafeMutablePointer<Float>) {
    MatrixProductCount.add(m: m, n: n, k: 1)
    cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(n), x, 1, beta, y, 1)
}

/// Number of threads OpenBLAS uses for matrix products.
public enum BLASThreads {
    public static func set(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }
    public static var current: Int { Int(openblas_get_num_threads()) }

    /// Runs `body` with single-threaded BLAS, for work that is itself split across threads:
    /// two callers each using one core beat two cores contending for each small product.
    public static func single<R>(_ body: () throws -> R) rethrows -> R {
        let previous = current
        if previous != 1 { set(1) }
        defer { if previous != 1 { set(previous) } }
        return try body()
    }
}
