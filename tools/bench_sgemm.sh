#!/usr/bin/env bash
# The BLAS limit of this machine on the train step's matrix shapes, for 1 and 2 threads:
# compare with `las bench train-step` (about 76.5 GFLOP per las-bench step).
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)/sgemm_shapes
cc -O2 bench/sgemm_shapes.c $(pkg-config --cflags --libs openblas) -o "$out"
"$out" 1
"$out" 2
