# Sourced by tools/recipe_an4.sh and tools/train_default_model.sh, so that the recipe is written
# once and the bundled model stays "the recipe, unchanged, on every speaker".
# Goes to the repository root, picks the las binary (LAS=path/to/las runs a prebuilt binary;
# otherwise the checkout is built) and writes the AN4 and FSDD manifests under data/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
las=${LAS:-.build/release/las}
[ -n "${LAS:-}" ] || swift build -c release
python3 tools/prepare_an4.py --output data/an4 >/dev/null
python3 tools/prepare_fsdd.py --output data/fsdd >/dev/null
python3 tools/prepare_speech_commands.py --output data/speech_commands >/dev/null
# Real noise for multi-condition training (CC0). The recipe keeps cafe.wav out of training, so
# its noisy dev sets measure a noise the model has not heard; the bundled model hears all three.
noise_dir=../shared/data/noise

# connected_digits OUT MANIFEST...: 200 connected digit strings spliced from the isolated
# digits in MANIFEST (tools/make_connected_digits.py), written to OUT/manifest.jsonl.
connected_digits() {
  local out=$1; shift
  python3 tools/make_connected_digits.py "$@" --output "$out" >/dev/null
}

# train_recipe TRAIN DEV OUT [extra las train options...]: 30 epochs, keeping the last five
# epochs' models, whose mean weights go to OUT/averaged.safetensors (las average).
train_recipe() {
  local train=$1 dev=$2 out=$3
  shift 3
  "$las" train --train "$train" --dev "$dev" --output "$out" --epochs 30 --keep-epochs 5 "$@"
  local last
  last=$(ls "$out"/epoch-*.safetensors | tail -5)
  "$las" average $last --output "$out/averaged.safetensors"
}
