#ifndef LAS_PACKED_GEMM_H
#define LAS_PACKED_GEMM_H

/// Matrix products with a small left operand (a batch of rows) against a weight matrix that
/// stays the same over many calls: the recurrent products of an LSTM, one per time step.
/// A general sgemm copies ("packs") the whole weight matrix into its kernel's layout on every
/// call; here the weight is packed once and every call reads the packed copy.
///
/// Packed layout: the K×N right operand in panels of 16 columns; panel p holds, for each k in
/// order, the 16 values B[k][16p ..< 16p+16] (zero past column N). Size: K · 16 · ceil(N/16).

#ifdef __cplusplus
extern "C" {
#endif

/// Floats needed to pack a K×N operand.
long las_packed_size(int k, int n);

/// Packs B, whose element (k, n) is b[k * stride_k + n * stride_n], so both B and Bᵀ of a
/// row-major matrix can be packed.
void las_pack(int k, int n, const float *b, long stride_k, long stride_n, float *packed);

/// C[m×n] = beta·C + A[m×k] · B[0..<k, 0..<n], A row-major with row stride lda, C with row
/// stride ldc, B packed by las_pack with packed_k ≥ k rows (only its first k rows are used).
/// beta is 0 (C is overwritten, never read) or 1.
/// Columns n0 ..< n0+count of the product: pass packed + n0 · packed_k with n0 a multiple of
/// 16, and c + n0.
void las_packed_gemm(int m, int n, int k, const float *a, long lda, const float *packed, int packed_k,
                     float beta, float *c, long ldc);

/// 1 when las_packed_gemm uses the AVX2/FMA kernel on this CPU, 0 when the portable one.
int las_packed_gemm_vectorized(void);

/// Forces the portable kernel (0) or allows the vectorized one again (1); for tests.
void las_packed_gemm_allow_vectorized(int allow);

#ifdef __cplusplus
}
#endif
#endif
