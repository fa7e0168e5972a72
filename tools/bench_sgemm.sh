#!/usr/bin/env bash
# The BLAS limit of this machine on the train step's matrix shapes, for 1 and 2 threads, with the
# kernels OpenBLAS picks by itself and with those `las` asks for (BLASKernels.swift re-executes
# with OPENBLAS_CORETYPE set when the library's detection falls short of the CPU):
# compare with `las bench train-step` (about 76.5 GFLOP per las-bench step).
set -euo pipefail
cd "$(dirname "$0")"
dir=$(mktemp -d)
cc -O2 bench/sgemm_shapes.c $(pkg-config --cflags --libs openblas) -o "$dir/sgemm_shapes"
printf '#include <stdio.h>\n#include "blas_core.h"\nint main(void){const char*c=las_blas_core_for_cpu();puts(c?c:"");}\n' > "$dir/core.c"
cc -O2 -I ../Sources/CKernels/include "$dir/core.c" ../Sources/CKernels/blas_core.c -o "$dir/core"
best=$("$dir/core")
for threads in 1 2; do
  "$dir/sgemm_shapes" $threads
  if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -n "$best" ]; then
    OPENBLAS_CORETYPE=$best "$dir/sgemm_shapes" $threads
  fi
done
rm -rf "$dir"
