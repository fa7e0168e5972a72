#!/usr/bin/env bash
# AN4 + FSDD recipe: prepare speaker-disjoint manifests, train, and score the held-out speakers.
#   tools/recipe_an4.sh [OUTPUT_DIR] [extra las train options...] [--global-batch N]
#   RANKS=2 THREADS=1 MPIRUN_OPTIONS=--allow-run-as-root tools/recipe_an4.sh   # 2 processes, same global batch
# AN4 dev = the 8 speakers the PyTorch peer holds out; FSDD dev = speaker lucas; Speech Commands
# dev = 11 of its 41 speakers (tools/prepare_speech_commands.py).
# Training data = the other speakers of all three, plus 200 connected digit strings spliced from
# their isolated digits (tools/make_connected_digits.py), with multi-condition training mixing in the
# fridge and traffic noise recordings (cafe is held out for the noisy dev sets). The weights of the last five
# epochs are averaged (las average); the best epoch by dev WER is kept too, and both are scored
# on each dev set.
set -euo pipefail
out=${1:-runs/an4}; shift || true
source "$(dirname "$0")/recipe_common.sh"
mkdir -p data/an4_fsdd "$out"
connected_digits data/connected_digits/train data/fsdd/train.jsonl data/speech_commands/train.jsonl
# The corpora's weights (tools/mix_corpora.py): FSDD_WEIGHT=0.5 keeps every other FSDD clip,
# SC_WEIGHT=4 lists each Speech Commands clip four times. The run folder keeps what it trained on.
python3 tools/mix_corpora.py "$out/train.jsonl" data/an4/train.jsonl "data/fsdd/train.jsonl:${FSDD_WEIGHT:-1}" \
  "data/speech_commands/train.jsonl:${SC_WEIGHT:-1}" data/connected_digits/train/manifest.jsonl
cat data/an4/dev.jsonl data/fsdd/dev.jsonl data/speech_commands/dev.jsonl > data/an4_fsdd/dev.jsonl
train_recipe "$out/train.jsonl" data/an4_fsdd/dev.jsonl "$out" \
  --noise "$noise_dir/fridge.wav" --noise "$noise_dir/traffic.wav" "$@"
for model in averaged best; do
  echo "== $model: AN4 dev (fjam mdxs mfaa mmaf mmap mmkw mscg2 msjr), beam 8"
  "$las" evaluate --model "$out/$model.safetensors" data/an4/dev.jsonl --output "$out/$model-an4-dev.hyp"
  echo "== $model: FSDD dev (lucas), beam 8"
  "$las" evaluate --model "$out/$model.safetensors" data/fsdd/dev.jsonl --output "$out/$model-fsdd-dev.hyp"
  echo "== $model: Speech Commands dev (11 speakers), beam 8"
  "$las" evaluate --model "$out/$model.safetensors" data/speech_commands/dev.jsonl --output "$out/$model-sc-dev.hyp"
done
