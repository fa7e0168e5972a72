#!/usr/bin/env bash
# Where the train step's time goes, and what fraction of the BLAS limit it reaches (issue 19).
#   tools/profile_train_step.sh            # 2 threads; THREADS=1 for one
# Samples `las bench train-step --step-only` (las-bench model, batch 16 x 300 frames x 20
# tokens) with perf and groups the samples by the code they fell in: OpenBLAS's sgemm, the
# packed recurrent products (CKernels/packed_gemm.c), the LSTM steps, attention, the loss, the
# optimizer, libc copies, the kernel. Shares are of CPU samples over the whole run (model set-up
# included, under 3 % of it), so with 2 threads they are shares of thread time, and "ms per
# step" is the share times the median step. Then the step's matrix products (gflop_per_step, as
# `las bench train-step` counts them) over its median time, against the fastest rate OpenBLAS
# reaches on the step's shapes with the same threads (tools/bench/sgemm_shapes.c): the fraction
# of the BLAS limit. Needs perf (Debian linux-perf) and perf_event_paranoid <= 2.
set -euo pipefail
cd "$(dirname "$0")/.."
las=${LAS:-.build/release/las}
threads=${THREADS:-2}
[ -n "${LAS:-}" ] || swift build -c release
command -v perf >/dev/null || { echo "profile_train_step.sh: perf not found (apt-get install linux-perf)" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
perf record -q -F 999 -o "$dir/perf.data" "$las" bench train-step --threads "$threads" --step-only > "$dir/bench.json"
perf report -i "$dir/perf.data" --no-children --sort dso,symbol --stdio -g none --percent-limit 0 2>/dev/null \
  | grep -E '^ +[0-9.]+%' > "$dir/symbols.txt"
cc -O2 tools/bench/sgemm_shapes.c $(pkg-config --cflags --libs openblas) -o "$dir/sgemm_shapes"
"$dir/sgemm_shapes" "$threads" > "$dir/sgemm.txt"
python3 - "$dir/bench.json" "$dir/symbols.txt" "$dir/sgemm.txt" <<'PY'
import json, re, sys
bench = json.load(open(sys.argv[1]))
groups = [  # first match wins
    ("OpenBLAS sgemm (kernels and operand packing)", lambda dso, s: "openblas" in dso),
    ("packed recurrent products (CKernels)", lambda dso, s: re.search(r"gemm_(avx|portable)|las_pack", s)),
    ("attention", lambda dso, s: "Attention" in s),
    ("CTC and cross-entropy loss", lambda dso, s: re.search(r"CTC|CrossEntropy|LogSoftmax|logAdd", s)),
    ("Adam, gradient norm, zeroing", lambda dso, s: re.search(r"Adam|gradientNorm|zeroGrad", s)),
    ("LSTM steps (gates, state copies)", lambda dso, s: re.search(r"LSTM|Pyramidal", s)),
    ("element-wise kernels (tanh, sigmoid, ...)", lambda dso, s: "7KernelsO" in s),
    ("speller, embedding, output layer, dropout", lambda dso, s: re.search(r"Speller|Embedding|Linear|Dropout", s)),
    ("libc copies and fills", lambda dso, s: dso.startswith("libc") and re.search(r"mem(move|set|cpy)", s)),
    ("operating system (page faults, scheduling)", lambda dso, s: "kernel" in dso),
    ("other", lambda dso, s: True),
]
shares = {name: 0.0 for name, _ in groups}
for line in open(sys.argv[2]):
    m = re.match(r"\s*([0-9.]+)%\s+(\S+)\s+\[.\]\s+(.*)", line)
    if not m:
        continue
    share, dso, symbol = float(m.group(1)), m.group(2), m.group(3).strip()
    for name, test in groups:
        if test(dso, symbol):
            shares[name] += share
            break
step = bench["step_ms_median"]
print(f"las bench train-step --threads {bench['threads']} --step-only: {step:.0f} ms per step "
      f"(blas_core {bench['blas_core']})")
print("| part of the step | share of samples | ms per step |")
print("| --- | --- | --- |")
for name, _ in groups:
    print(f"| {name} | {shares[name]:.1f} % | {shares[name] / 100 * step:.0f} |")
rates = [float(x) for x in re.findall(r"([0-9.]+) GFLOP/s", open(sys.argv[3]).read())]
limit = max(rates)
print(f"matrix products: {bench['gflop_per_step']:.1f} GFLOP per step, {bench['gflops']:.1f} GFLOP/s over the step; "
      f"OpenBLAS's fastest rate on the step's shapes with {bench['threads']} threads: {limit:.1f} GFLOP/s "
      f"-> {100 * bench['gflops'] / limit:.0f} % of the BLAS limit")
PY
