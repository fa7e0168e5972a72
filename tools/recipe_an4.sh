#!/usr/bin/env bash
# AN4 + FSDD recipe: prepare speaker-disjoint manifests, train, and score the held-out speakers.
#   tools/recipe_an4.sh [OUTPUT_DIR] [extra las train options...]
# AN4 dev = the 8 speakers the PyTorch peer holds out; FSDD dev = speaker lucas.
# Training data = AN4 train speakers + FSDD's other four speakers; the best epoch is chosen on both
# dev sets together (joint CTC/attention beam search), then each is scored on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/an4}; shift || true
las=.build/release/las
[ -x "$las" ] || swift build -c release
python3 tools/prepare_an4.py --output data/an4 >/dev/null
python3 tools/prepare_fsdd.py --output data/fsdd >/dev/null
mkdir -p data/an4_fsdd
cat data/an4/train.jsonl data/fsdd/train.jsonl > data/an4_fsdd/train.jsonl
cat data/an4/dev.jsonl data/fsdd/dev.jsonl > data/an4_fsdd/dev.jsonl
"$las" train --train data/an4_fsdd/train.jsonl --dev data/an4_fsdd/dev.jsonl --output "$out" --epochs 25 "$@"
echo "== AN4 dev (fjam mdxs mfaa mmaf mmap mmkw mscg2 msjr), beam 8"
"$las" evaluate --model "$out/best.safetensors" data/an4/dev.jsonl --output "$out/an4-dev.hyp"
echo "== FSDD dev (lucas), beam 8"
"$las" evaluate --model "$out/best.safetensors" data/fsdd/dev.jsonl --output "$out/fsdd-dev.hyp"
