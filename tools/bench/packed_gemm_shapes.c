/* las_packed_gemm throughput per kernel level on the shapes decoding uses: m = 1 (a batch-1
 * LSTM recurrence, k = H = 256, n = 4H = 1024) up to m = 8 (a beam of 8), k up to 1024.
 * One thread; run by bench_packed_gemm.sh, which alternates the levels ROUNDS times and prints
 * each level's median GFLOP/s per shape. Usage: packed_gemm_shapes LEVEL */
#include "packed_gemm.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* CPU time of this (single-threaded) process: on a machine loaded by other work, the time
   slices given to others do not count, only the cache and core sharing do. */
static double now(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

int main(int argc, char **argv) {
    las_packed_gemm_level();   /* LAS_KERNEL=avx512-on-avx2: level 2 is the AVX-512 kernel compiled for AVX2 */
    int requested = argc > 1 ? atoi(argv[1]) : 2, level = las_packed_gemm_set_level(requested);
    int ms[] = {1, 2, 4, 8}, ks[] = {256, 512, 1024}, n = 1024;
    for (int ki = 0; ki < 3; ki++) {
        int k = ks[ki];
        float *b = malloc(sizeof(float) * k * n), *packed = malloc(sizeof(float) * las_packed_size(k, n));
        for (long i = 0; i < (long)k * n; i++) b[i] = 1e-3f * (float)(i % 7);
        las_pack(k, n, b, n, 1, packed);
        for (int mi = 0; mi < 4; mi++) {
            int m = ms[mi];
            float *a = malloc(sizeof(float) * m * k), *c = calloc((size_t)m * n, sizeof(float));
            for (int i = 0; i < m * k; i++) a[i] = 1e-3f * (float)(i % 5);
            int reps = (int)(4e8 / (2.0 * m * n * k)) + 1;
            las_packed_gemm(m, n, k, a, k, packed, k, 1, c, n);
            double t0 = now();
            for (int r = 0; r < reps; r++) las_packed_gemm(m, n, k, a, k, packed, k, 1, c, n);
            double t = now() - t0;
            printf("level=%d used=%d m=%d n=%d k=%d gflops=%.2f\n", requested, level, m, n, k, 2.0 * m * n * k * reps / t / 1e9);
            free(a); free(c);
        }
        free(b); free(packed);
    }
    return 0;
}
