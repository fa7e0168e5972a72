#!/usr/bin/env bash
# GFLOP/s of CKernels/packed_gemm.c per kernel level (1 AVX2, 2 AVX-512) on the decoding shapes,
# one thread, in CPU time (time slices given to other work on a loaded machine do not count):
# the levels run alternately ROUNDS times (default 5) and each shape's median is printed. A level
# the CPU lacks runs the best it has (the header says which ran); LAS_KERNEL=avx512-on-avx2 makes
# level 2 the AVX-512 kernel's source compiled for AVX2. clang (the Swift toolchain's) compiles it.
set -euo pipefail
cd "$(dirname "$0")"
rounds=${ROUNDS:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
clang -O3 -I ../Sources/CKernels/include bench/packed_gemm_shapes.c ../Sources/CKernels/packed_gemm.c -o "$dir/bench"
for ((r = 0; r < rounds; r++)); do
  for level in 1 2; do "$dir/bench" $level >> "$dir/runs"; done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# Median over rounds per (level, shape), then one line per shape with both levels.
awk '{ key = $3 " " $4 " " $5; split($1, l, "="); split($2, u, "="); split($6, g, "=")
       v[l[2] "|" key] = v[l[2] "|" key] " " g[2]; used[l[2]] = u[2]; keys[key] = 1 }
     function median(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
                                        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
     END { name[0] = "portable"; name[1] = "avx2"; name[2] = "avx512"
           printf "median of %d rounds, GFLOP/s; level 2 ran %s%s\n", '"$rounds"', name[used[2]], "'"${LAS_KERNEL:+ (LAS_KERNEL=$LAS_KERNEL)}"'"
           for (k in keys) { x = median(v["1|" k]); y = median(v["2|" k]); printf "%-22s avx2 %7.2f  avx512 %7.2f  ratio %.2f\n", k, x, y, y / x } }' "$dir/runs" | sort -t= -k4,4n -k2,2n
