#!/usr/bin/env bash
# Train-step and decoding speed of las against the PyTorch peer (../shared/peers/torch_las),
# same configuration (las-bench), same inputs, same thread count, run back to back.
#   tools/bench_vs_peer.sh [PYTHON]   (PYTHON: an environment with torch; default /work/venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-/work/venv/bin/python}
peer=../shared/peers/torch_las
threads=${THREADS:-2}
[ -x .build/release/las ] || swift build -c release
export OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads
ours_train=$(.build/release/las bench train-step --batch 16 --frames 300 --tokens 20 --threads "$threads")
peer_train=$(cd "$peer" && "$py" bench_step.py --threads "$threads" | tail -1)
ours_infer=$(.build/release/las bench decode --beam 8 --frames 300 --tokens 75 --threads "$threads")
peer_infer=$(cd "$peer" && "$py" bench_step.py --infer --threads "$threads" | tail -1)
echo "las  train-step: $ours_train"
echo "peer train-step: $peer_train"
echo "las  decode:     $ours_infer"
echo "peer decode:     $peer_infer"
python3 - "$ours_train" "$peer_train" "$ours_infer" "$peer_infer" <<'PY'
import json, sys
ot, pt, oi, pi = (json.loads(a) for a in sys.argv[1:5])
print(f"train step: las {ot['step_ms_median']:.0f} ms, peer {pt['step_ms_median']:.0f} ms -> las is {pt['step_ms_median'] / ot['step_ms_median']:.2f}x faster")
print(f"decode RTF: las {oi['rtf']:.4f}, peer {pi['rtf']:.4f} -> las is {pi['rtf'] / oi['rtf']:.2f}x faster")
PY
