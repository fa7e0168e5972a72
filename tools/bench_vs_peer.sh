#!/usr/bin/env bash
# Train-step and decoding speed of las against the PyTorch peer (../shared/peers/torch_las),
# same configuration (las-bench), same inputs, same thread count. The two are run alternately
# ROUNDS times (default 3) and each figure is the median over rounds, so that a slow spell of
# a noisy machine hits both sides.
#   tools/bench_vs_peer.sh [PYTHON]   (PYTHON: an environment with torch; default /work/venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-/work/venv/bin/python}
peer=../shared/peers/torch_las
threads=${THREADS:-2}
rounds=${ROUNDS:-3}
[ -x .build/release/las ] || swift build -c release
export OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq "$rounds"); do
    echo "las-train $(.build/release/las bench train-step --batch 16 --frames 300 --tokens 20 --threads "$threads")" >>"$results"
    echo "peer-train $(cd "$peer" && "$py" bench_step.py --threads "$threads" | tail -1)" >>"$results"
    echo "las-decode $(.build/release/las bench decode --beam 8 --frames 300 --tokens 75 --threads "$threads")" >>"$results"
    echo "peer-decode $(cd "$peer" && "$py" bench_step.py --infer --threads "$threads" | tail -1)" >>"$results"
done
cat "$results"
python3 - "$results" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, payload = line.split(" ", 1)
    runs.setdefault(name, []).append(json.loads(payload))
def median(name, key):
    return statistics.median(r[key] for r in runs[name])
lt, pt = median("las-train", "step_ms_median"), median("peer-train", "step_ms_median")
ld, pd = median("las-decode", "rtf"), median("peer-decode", "rtf")
le, pe = median("las-decode", "encoder_ms_median"), median("peer-decode", "encoder_ms_median")
n = len(runs["las-train"])
print(f"train step (median of {n} rounds): las {lt:.0f} ms, peer {pt:.0f} ms -> las is {pt / lt:.2f}x faster")
print(f"decode RTF (median of {n} rounds): las {ld:.4f}, peer {pd:.4f} -> las is {pd / ld:.2f}x faster"
      f" (encoder alone: las {le:.1f} ms, peer {pe:.1f} ms)")
PY
