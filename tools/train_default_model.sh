#!/usr/bin/env bash
# Trains the bundled model (models/default.safetensors) on every shared speaker.
#   tools/train_default_model.sh [OUTPUT_DIR] [extra las train options...]
# The recipe (tools/recipe_an4.sh) measures the held-out-speaker error of this configuration;
# the shipped model then learns from all 74 AN4, 5 FSDD and 41 Speech Commands speakers (and all
# three noise recordings, and 200 connected digit strings spliced from their digits), since it is judged on
# voices nobody here has. Only the five recordings in audio-samples/ stay out of training:
# they are the "dev" set, so the per-epoch log shows them, but nothing is chosen by them (the
# shipped weights are the mean of the last five epochs, not the best epoch).
set -euo pipefail
out=${1:-runs/default}; shift || true
source "$(dirname "$0")/recipe_common.sh"
mkdir -p data/default
python3 - <<'EOF'
import json
held = {line.split()[0] for line in open("audio-samples/transcripts.txt") if line.strip()}
train = open("data/default/train.jsonl", "w")
dev = open("data/default/samples.jsonl", "w")
for path in ("data/an4/all.jsonl", "data/fsdd/all.jsonl", "data/speech_commands/all.jsonl"):
    for line in open(path):
        (dev if json.loads(line)["id"] in held else train).write(line)
EOF
connected_digits data/connected_digits/all data/fsdd/all.jsonl data/speech_commands/all.jsonl
cat data/connected_digits/all/manifest.jsonl >> data/default/train.jsonl
[ "$(wc -l < data/default/samples.jsonl)" -eq "$(grep -c . audio-samples/transcripts.txt)" ] \
  || { echo "train_default_model.sh: not every audio sample was found in the manifests" >&2; exit 1; }
train_recipe data/default/train.jsonl data/default/samples.jsonl "$out" --noise "$noise_dir" "$@"
"$las" export --half-precision "$out/averaged.safetensors" "$out/default.safetensors"
echo "== wrote $out/default.safetensors; to ship it: cp $out/default.safetensors models/default.safetensors"
"$las" transcribe --model "$out/default.safetensors" audio-samples/
