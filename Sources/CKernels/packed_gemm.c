#include "packed_gemm.h"
#include <immintrin.h>
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
#define LAS_HAVE_AVX2_KERNEL 1
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

static int allow_vectorized = 1;

void las_packed_gemm_allow_vectorized(int allow) { allow_vectorized = allow; }

int las_packed_gemm_vectorized(void) {
#ifdef LAS_HAVE_AVX2_KERNEL
    static int supported = -1;
    if (supported < 0) {
        __builtin_cpu_init();
        supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return supported && allow_vectorized;
#else
    return 0;
#endif
}

void las_packed_gemm(int m, int n, int k, const float *a, long lda, const float *packed, int packed_k,
                     float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        if (beta == 0) for (int i = 0; i < m; i++) memset(c + i * ldc, 0, sizeof(float) * n);
        return;
    }
#ifdef LAS_HAVE_AVX2_KERNEL
    if (las_packed_gemm_vectorized()) { gemm_avx2(m, n, k, a, lda, packed, packed_k, beta, c, ldc); return; }
#endif
    gemm_portable(m, n, k, a, lda, packed, packed_k, beta, c, ldc);
}
