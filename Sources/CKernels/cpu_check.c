/* Builds for AVX2 and FMA (Package.swift's default on x86-64) would die of SIGILL on an older
   CPU somewhere inside the first vectorized loop. This runs before main and says why instead. */
#if defined(LAS_REQUIRES_AVX2_FMA) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <stdio.h>
#include <unistd.h>

__attribute__((constructor)) static void las_check_cpu(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return;
    fputs("las: this build uses AVX2 and FMA instructions, which this CPU lacks; "
          "rebuild with `LAS_PORTABLE=1 swift build -c release`\n", stderr);
    _exit(1);
}
#endif
