#include "packed_gemm.h"
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PANEL = 16, ROWS = 4 };

long las_packed_size(int k, int n) { return (long)k * PANEL * ((n + PANEL - 1) / PANEL); }

void las_pack(int k, int n, const float *b, long stride_k, long stride_n, float *packed) {
    for (int p = 0; p < n; p += PANEL) {
        int width = n - p < PANEL ? n - p : PANEL;
        for (int kk = 0; kk < k; kk++) {
            float *dst = packed + ((long)p * k) + (long)kk * PANEL;
            const float *src = b + kk * stride_k + p * stride_n;
            int j = 0;
            for (; j < width; j++) dst[j] = src[j * stride_n];
            for (; j < PANEL; j++) dst[j] = 0;
        }
    }
}

/* Portable kernel: one row, one panel. */
static void panel_row_portable(int k, const float *a, const float *panel, float out[PANEL]) {
    float acc[PANEL] = {0};
    for (int kk = 0; kk < k; kk++) {
        float x = a[kk];
        const float *w = panel + (long)kk * PANEL;
        for (int j = 0; j < PANEL; j++) acc[j] += x * w[j];
    }
    memcpy(out, acc, sizeof acc);
}

static void store_row(float *c, const float *acc, int width, float beta) {
    if (beta == 0) { for (int j = 0; j < width; j++) c[j] = acc[j]; }
    else { for (int j = 0; j < width; j++) c[j] += acc[j]; }
}

static void gemm_portable(int m, int n, int k, const float *a, long lda, const float *packed, long pk,
                          float beta, float *c, long ldc) {
    float acc[PANEL];
    for (int p = 0; p < n; p += PANEL) {
        const float *panel = packed + p * pk;
        int width = n - p < PANEL ? n - p : PANEL;
        for (int i = 0; i < m; i++) {
            panel_row_portable(k, a + i * lda, panel, acc);
            store_row(c + i * ldc + p, acc, width, beta);
        }
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define LAS_HAVE_X86_KERNELS 1
#define AVX2 __attribute__((target("avx2,fma")))

/* Four rows × 16 columns: eight independent accumulator chains, enough to keep both FMA
   pipes busy (latency 4, throughput 2 per cycle on Zen 3 and Skylake). */
AVX2 static inline void store16(float *c, __m256 lo, __m256 hi, int width, float beta) {
    if (width == PANEL) {
        if (beta != 0) { lo = _mm256_add_ps(lo, _mm256_loadu_ps(c)); hi = _mm256_add_ps(hi, _mm256_loadu_ps(c + 8)); }
        _mm256_storeu_ps(c, lo); _mm256_storeu_ps(c + 8, hi);
    } else {
        float tmp[PANEL];
        _mm256_storeu_ps(tmp, lo); _mm256_storeu_ps(tmp + 8, hi);
        store_row(c, tmp, width, beta);
    }
}

AVX2 static void gemm_avx2(int m, int n, int k, const float *a, long lda, const float *packed, long pk,
                           float beta, float *c, long ldc) {
    for (int p = 0; p < n; p += PANEL) {
        const float *panel = packed + p * pk;
        int width = n - p < PANEL ? n - p : PANEL;
        int i = 0;
        for (; i + ROWS <= m; i += ROWS) {
            const float *a0 = a + i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
            __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
            __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
            __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
            __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
            float *r = c + i * ldc + p;
            if (beta != 0) {
                /* C's rows are often 4 KiB apart (an LSTM's gate rows): fetch them while the
                   k loop runs rather than stalling on the read after it. */
                for (int q = 0; q < ROWS; q++) { _mm_prefetch((const char *)(r + q * ldc), _MM_HINT_T0);
                                                 _mm_prefetch((const char *)(r + q * ldc + 8), _MM_HINT_T0); }
            }
            const float *w = panel;
            for (int kk = 0; kk < k; kk++, w += PANEL) {
                __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8);
                __m256 x = _mm256_broadcast_ss(a0 + kk);
                c00 = _mm256_fmadd_ps(x, w0, c00); c01 = _mm256_fmadd_ps(x, w1, c01);
                x = _mm256_broadcast_ss(a1 + kk);
                c10 = _mm256_fmadd_ps(x, w0, c10); c11 = _mm256_fmadd_ps(x, w1, c11);
                x = _mm256_broadcast_ss(a2 + kk);
                c20 = _mm256_fmadd_ps(x, w0, c20); c21 = _mm256_fmadd_ps(x, w1, c21);
                x = _mm256_broadcast_ss(a3 + kk);
                c30 = _mm256_fmadd_ps(x, w0, c30); c31 = _mm256_fmadd_ps(x, w1, c31);
            }
            store16(r, c00, c01, width, beta);
            store16(r + ldc, c10, c11, width, beta);
            store16(r + 2 * ldc, c20, c21, width, beta);
            store16(r + 3 * ldc, c30, c31, width, beta);
        }
        for (; i < m; i++) {
            /* One row: split k over two accumulator pairs to halve the dependency chain. */
            const float *a0 = a + i * lda;
            __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
            __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
            const float *w = panel;
            int kk = 0;
            for (; kk + 2 <= k; kk += 2, w += 2 * PANEL) {
                __m256 x = _mm256_broadcast_ss(a0 + kk), y = _mm256_broadcast_ss(a0 + kk + 1);
                c00 = _mm256_fmadd_ps(x, _mm256_loadu_ps(w), c00);
                c01 = _mm256_fmadd_ps(x, _mm256_loadu_ps(w + 8), c01);
                c10 = _mm256_fmadd_ps(y, _mm256_loadu_ps(w + PANEL), c10);
                c11 = _mm256_fmadd_ps(y, _mm256_loadu_ps(w + PANEL + 8), c11);
            }
            if (kk < k) {
                __m256 x = _mm256_broadcast_ss(a0 + kk);
                c00 = _mm256_fmadd_ps(x, _mm256_loadu_ps(w), c00);
                c01 = _mm256_fmadd_ps(x, _mm256_loadu_ps(w + 8), c01);
            }
            store16(c + i * ldc + p, _mm256_add_ps(c00, c10), _mm256_add_ps(c01, c11), width, beta);
        }
    }
}

#endif

#if defined(__x86_64__) && defined(__clang__)
#define LAS_HAVE_WIDE_KERNEL 1
/* The AVX-512 kernel is written once in clang's vector extensions (a 16-float vector is one
   zmm register, one packed panel) and compiled twice: for AVX-512F, which products use, and
   for AVX2/FMA (two ymm per vector, the same operations in the same order), which tests use
   to check its arithmetic on CPUs without AVX-512 (las_packed_gemm_emulate_avx512). */
typedef float v16f __attribute__((ext_vector_type(16)));
#define WIDE static inline __attribute__((always_inline))

/* Vectors go by pointer: by value, they would change the ABI of the AVX2 compilation (-Wpsabi). */
WIDE void load16(v16f *v, const float *p) { memcpy(v, p, sizeof *v); }

WIDE void store_wide(float *c, const v16f *acc, int width, float beta) {
    if (width == PANEL) {
        v16f sum = *acc;
        if (beta != 0) { v16f old; load16(&old, c); sum = sum + old; }
        memcpy(c, &sum, sizeof sum);
    } else {
        float tmp[PANEL];
        memcpy(tmp, acc, sizeof tmp);
        store_row(c, tmp, width, beta);
    }
}

/* ROWS rows × one panel with k split SPLITS ways: ROWS·SPLITS = 8 independent accumulator
   chains whatever the row count, enough to cover the FMA latency (4 cycles) at one zmm FMA per
   cycle on Zen 4 (which runs a 512-bit FMA on both 256-bit pipes) and at two on Skylake-X.
   Each weight vector is loaded once for all ROWS rows. Called with constant ROWS and SPLITS,
   so the loops unroll and the accumulators stay in registers. */
WIDE void block_wide(const int ROWS, const int SPLITS, int k, const float *a, long lda, const float *panel,
                     int width, float beta, float *c, long ldc) {
    v16f acc[8];
    for (int q = 0; q < ROWS * SPLITS; q++) acc[q] = (v16f)0;
    if (beta != 0) {
        /* As in the AVX2 kernel: C's rows are often 4 KiB apart; fetch them during the k loop. */
        for (int r = 0; r < ROWS; r++) __builtin_prefetch(c + r * ldc);
    }
    const float *w = panel;
    int kk = 0;
    for (; kk + SPLITS <= k; kk += SPLITS, w += SPLITS * PANEL) {
        for (int s = 0; s < SPLITS; s++) {
            v16f v;
            load16(&v, w + s * PANEL);
            for (int r = 0; r < ROWS; r++)
                acc[s * ROWS + r] = __builtin_elementwise_fma((v16f)a[r * lda + kk + s], v, acc[s * ROWS + r]);
        }
    }
    for (; kk < k; kk++, w += PANEL) {
        v16f v;
        load16(&v, w);
        for (int r = 0; r < ROWS; r++) acc[r] = __builtin_elementwise_fma((v16f)a[r * lda + kk], v, acc[r]);
    }
    /* Pairwise sum of the k-split partial sums. */
    for (int half = SPLITS / 2; half >= 1; half /= 2)
        for (int s = 0; s < half; s++)
            for (int r = 0; r < ROWS; r++) acc[s * ROWS + r] = acc[s * ROWS + r] + acc[(s + half) * ROWS + r];
    for (int r = 0; r < ROWS; r++) store_wide(c + r * ldc, &acc[r], width, beta);
}

/* Blocks of 8 rows (a beam of 8, a training batch of 16), then 4, 2 and 1 for the rest: the
   single row (the batch-1 recurrence) gets an 8-way k-split. */
WIDE void gemm_wide(int m, int n, int k, const float *a, long lda, const float *packed, long pk,
                    float beta, float *c, long ldc) {
    for (int p = 0; p < n; p += PANEL) {
        const float *panel = packed + p * pk;
        int width = n - p < PANEL ? n - p : PANEL;
        int i = 0;
        for (; i + 8 <= m; i += 8) block_wide(8, 1, k, a + i * lda, lda, panel, width, beta, c + i * ldc + p, ldc);
        if (i + 4 <= m) { block_wide(4, 2, k, a + i * lda, lda, panel, width, beta, c + i * ldc + p, ldc); i += 4; }
        if (i + 2 <= m) { block_wide(2, 4, k, a + i * lda, lda, panel, width, beta, c + i * ldc + p, ldc); i += 2; }
        if (i < m) block_wide(1, 8, k, a + i * lda, lda, panel, width, beta, c + i * ldc + p, ldc);
    }
}

__attribute__((target("avx512f"))) static void gemm_avx512(int m, int n, int k, const float *a, long lda,
                                                           const float *packed, long pk, float beta, float *c, long ldc) {
    gemm_wide(m, n, k, a, lda, packed, pk, beta, c, ldc);
}

AVX2 static void gemm_avx512_on_avx2(int m, int n, int k, const float *a, long lda, const float *packed, long pk,
                                     float beta, float *c, long ldc) {
    gemm_wide(m, n, k, a, lda, packed, pk, beta, c, ldc);
}
#endif

/* The kernel levels, in order: each needs the instructions of the ones before it. */
enum { LEVEL_PORTABLE = 0, LEVEL_AVX2 = 1, LEVEL_AVX512 = 2 };

int las_packed_gemm_supported_level(void) {
    static int supported = -1;
    if (supported < 0) {
        int level = LEVEL_PORTABLE;
#ifdef LAS_HAVE_X86_KERNELS
        /* __builtin_cpu_supports also requires the OS to save the ymm/zmm state (XCR0): a
           virtual machine may report the instructions' CPU yet leave AVX-512 off. */
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = LEVEL_AVX2;
#ifdef LAS_HAVE_WIDE_KERNEL
        if (level == LEVEL_AVX2 && __builtin_cpu_supports("avx512f")) level = LEVEL_AVX512;
#endif
#endif
        supported = level;
    }
    return supported;
}

static int level = -1, emulate_avx512 = 0;

/* LAS_KERNEL=portable|avx2|avx512 caps the kernel (for A/B timing from the command line);
   avx512-on-avx2 runs the AVX-512 kernel's arithmetic on a CPU without it (to check a
   transcript against it). Read once, at the first product. */
static int level_from_environment(void) {
    const char *name = getenv("LAS_KERNEL");
    if (!name || !*name) return LEVEL_AVX512;
    if (!strcmp(name, "portable")) return LEVEL_PORTABLE;
    if (!strcmp(name, "avx2")) return LEVEL_AVX2;
    if (!strcmp(name, "avx512")) return LEVEL_AVX512;
    if (!strcmp(name, "avx512-on-avx2")) {
        emulate_avx512 = las_packed_gemm_supported_level() >= LEVEL_AVX2;
        return LEVEL_AVX512;
    }
    fprintf(stderr, "las: LAS_KERNEL=%s is not portable, avx2, avx512 or avx512-on-avx2; "
            "using the best kernel for this CPU\n", name);
    return LEVEL_AVX512;
}

static int cap(int requested) {
    int supported = las_packed_gemm_supported_level();
#ifdef LAS_HAVE_WIDE_KERNEL
    if (emulate_avx512 && supported >= LEVEL_AVX2) supported = LEVEL_AVX512;
#endif
    if (requested < LEVEL_PORTABLE) requested = LEVEL_PORTABLE;
    return requested < supported ? requested : supported;
}

int las_packed_gemm_level(void) {
    if (level < 0) level = cap(level_from_environment());
    return level;
}

int las_packed_gemm_set_level(int requested) {
    level = cap(requested);
    return level;
}

int las_packed_gemm_emulate_avx512(int on) {
    int current = las_packed_gemm_level();
    emulate_avx512 = on && las_packed_gemm_supported_level() >= LEVEL_AVX2;
    level = cap(current);
    return emulate_avx512;
}

int las_packed_gemm_emulating_avx512(void) {
    las_packed_gemm_level();
    return emulate_avx512;
}

void las_packed_gemm(int m, int n, int k, const float *a, long lda, const float *packed, int packed_k,
                     float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        if (beta == 0) for (int i = 0; i < m; i++) memset(c + i * ldc, 0, sizeof(float) * n);
        return;
    }
    switch (las_packed_gemm_level()) {
#ifdef LAS_HAVE_WIDE_KERNEL
    case LEVEL_AVX512:
        if (emulate_avx512) gemm_avx512_on_avx2(m, n, k, a, lda, packed, packed_k, beta, c, ldc);
        else gemm_avx512(m, n, k, a, lda, packed, packed_k, beta, c, ldc);
        return;
#endif
#ifdef LAS_HAVE_X86_KERNELS
    case LEVEL_AVX2: gemm_avx2(m, n, k, a, lda, packed, packed_k, beta, c, ldc); return;
#endif
    default: gemm_portable(m, n, k, a, lda, packed, packed_k, beta, c, ldc);
    }
}
