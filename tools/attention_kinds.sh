#!/usr/bin/env bash
# The attention kinds side by side (issue 21): trains each with the recipe (tools/recipe_an4.sh,
# held-out speakers) and prints one markdown row per kind, with an attention plot of each on the
# same recording.
#   tools/attention_kinds.sh [OUT_DIR]        (default runs/attention)
#   KINDS="additive dot" THREADS=1 tools/attention_kinds.sh runs/attention
# OUT_DIR/KIND is the recipe's run folder; a kind whose averaged.safetensors exists is not
# trained again, so the table can be redrawn, or filled in from runs started by hand with
# `tools/recipe_an4.sh OUT_DIR/KIND --config CONFIG`. Columns: parameters; median seconds per
# epoch (train-log.jsonl, dev scoring included, so they compare only between runs that shared
# the machine the same way); WER / CER of the five-epoch average (beam 8, joint CTC 0.5) on AN4
# dev, FSDD lucas and Speech Commands dev; the mean attention entropy and monotonicity on AN4
# dev (`las evaluate --json`); decoding RTF and train-step time of the las-bench shapes (`las
# bench decode`, `las bench train-step`: random weights, so speed only, run one after another).
# Plots: OUT_DIR/plots/KIND.png of audio-samples/cen3-fjam-b.wav (AN4 dev speaker fjam, whom
# the recipe never trains on).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/attention}
las=${LAS:-.build/release/las}
threads=${THREADS:-1}
kinds=${KINDS:-location additive dot multihead-location}
heads=${HEADS:-4}
sample=audio-samples/cen3-fjam-b.wav
[ -n "${LAS:-}" ] || swift build -c release
mkdir -p "$out/plots"

config_of() {
  case $1 in
    multihead-location) echo "{\"model\": {\"attention\": \"$1\", \"attentionHeads\": $heads}}" ;;
    *) echo "{\"model\": {\"attention\": \"$1\"}}" ;;
  esac
}

for kind in $kinds; do
  run=$out/$kind
  if [ ! -f "$run/averaged.safetensors" ]; then
    mkdir -p "$run"
    config_of "$kind" > "$run.config.json"
    LAS=$las THREADS=$threads tools/recipe_an4.sh "$run" --config "$run.config.json"
  fi
done

echo "| attention | parameters | s per epoch | AN4 dev WER / CER | FSDD lucas WER / CER | Speech Commands dev WER | entropy / monotonicity (AN4 dev) | decoding RTF | train step |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for kind in $kinds; do
  run=$out/$kind
  model=$run/averaged.safetensors
  scores=()
  for set in data/an4/dev.jsonl data/fsdd/dev.jsonl data/speech_commands/dev.jsonl; do
    name=$(basename "$(dirname "$set")")
    # Scored once per model: redrawing the table reuses the scores and diagnostics.
    if [ ! -s "$run/$name-dev.score" ]; then
      "$las" evaluate --model "$model" "$set" --threads "$threads" --json "$run/$name-dev.json" > "$run/$name-dev.score.tmp"
      mv "$run/$name-dev.score.tmp" "$run/$name-dev.score"
    fi
    scores+=("$run/$name-dev.score")
  done
  head_options=()
  [ "$kind" != multihead-location ] || head_options=(--attention-heads "$heads")
  decode=$("$las" bench decode --attention "$kind" "${head_options[@]}" --threads "$threads")
  step=$("$las" bench train-step --attention "$kind" "${head_options[@]}" --threads "$threads")
  "$las" transcribe --model "$model" "$sample" --attention-plot "$out/plots/$kind" --attention-plot-format png >/dev/null
  mv "$out/plots/$kind/$(basename "${sample%.*}").png" "$out/plots/$kind.png"
  rmdir "$out/plots/$kind"
  python3 - "$kind" "$run" "$decode" "$step" "${scores[@]}" <<'PY'
import json, math, re, statistics, sys
kind, run, decode, step, an4, fsdd, sc = sys.argv[1:]
log = [json.loads(l) for l in open(f"{run}/train-log.jsonl")]
seconds = statistics.median(e["seconds"] for e in log if e.get("type") == "epoch")
def rates(path):
    text = open(path).read()
    return [float(re.search(rf"%{k} ([0-9.]+)", text).group(1)) for k in ("WER", "CER")]
diag = [json.loads(l)["attention"] for l in open(f"{run}/an4-dev.json")]
entropy = statistics.mean(d["meanEntropy"] for d in diag)
monotonic = statistics.mean(d["monotonicity"] for d in diag)
(aw, ac), (fw, fc), (sw, _) = rates(an4), rates(fsdd), rates(sc)
d, s = json.loads(decode), json.loads(step)
with open(f"{run}/averaged.safetensors", "rb") as f:  # every tensor of the file, CTC head included
    header = json.loads(f.read(int.from_bytes(f.read(8), "little")))
params = sum(math.prod(t["shape"]) for name, t in header.items() if name != "__metadata__")
print(f"| {kind} | {params:,} | {seconds:.0f} | {aw:.2f} % / {ac:.2f} % | {fw:.2f} % / {fc:.2f} % | {sw:.2f} % "
      f"| {entropy:.2f} / {monotonic:.3f} | {d['rtf']:.4f} | {s['step_ms_median']:.0f} ms |")
PY
done
