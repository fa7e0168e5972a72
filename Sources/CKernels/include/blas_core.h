#ifndef LAS_BLAS_CORE_H
#define LAS_BLAS_CORE_H

#ifdef __cplusplus
extern "C" {
#endif

/// The OpenBLAS kernel family (an `OPENBLAS_CORETYPE` value) with the widest vectors this CPU
/// runs: "Cooperlake" (AVX-512 with BF16), "SkylakeX" (AVX-512 F/BW/VL/DQ), "Haswell" (AVX2 and
/// FMA), or NULL when OpenBLAS's own choice cannot be improved on.
const char *las_blas_core_for_cpu(void);

#ifdef __cplusplus
}
#endif

#endif
