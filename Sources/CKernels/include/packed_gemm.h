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

/// Kernel levels: 0 portable C, 1 AVX2/FMA (8-float vectors), 2 AVX-512F (16-float vectors).
/// las_packed_gemm uses the highest level the CPU runs, or less when the environment variable
/// LAS_KERNEL (portable, avx2 or avx512; read at the first product) or las_packed_gemm_set_level
/// asks for less; LAS_KERNEL=avx512-on-avx2 is las_packed_gemm_emulate_avx512 from the start.
/// The levels differ only in float rounding (order of summation).

/// The highest level this CPU (and build) runs.
int las_packed_gemm_supported_level(void);

/// The level products use now.
int las_packed_gemm_level(void);

/// Uses at most `level` (for tests and benchmarks); returns the level now used, which is lower
/// than asked when the CPU lacks the instructions.
int las_packed_gemm_set_level(int level);

/// Tests only: while on, level 2 runs the AVX-512 kernel's source compiled for AVX2 (the same
/// operations in the same order, so the same results bit for bit), which checks its arithmetic
/// on CPUs without AVX-512 and lets a CPU with it compare the two. Needs AVX2; returns whether
/// emulation is now on.
int las_packed_gemm_emulate_avx512(int on);

/// Whether that emulation is on.
int las_packed_gemm_emulating_avx512(void);

#ifdef __cplusplus
}
#endif
#endif
