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

# Data-parallel training: RANKS=N runs the training under `mpirun -np N` (MPIRUN_OPTIONS adds
# launcher options, such as "--hostfile hosts" or, as root, "--allow-run-as-root"; THREADS sets
# --threads per rank, e.g. 1 for 2 ranks on this 2-core machine). The global batch stays
# GLOBAL_BATCH (or --global-batch N among the extra options; default 16, the recipe's batch)
# whatever N is, so a run on any number of ranks takes the same steps as one process and its
# results compare with the single-process figures. Changing the global batch changes the
# recipe: see the README's "Multi-process training" for scaling the learning rate and warm-up.
ranks=${RANKS:-1}
global_batch=${GLOBAL_BATCH:-16}

# train_recipe TRAIN DEV OUT [extra las train options...]: 30 epochs, keeping the last five
# epochs' models, whose mean weights go to OUT/averaged.safetensors (las average).
train_recipe() {
  local train=$1 dev=$2 out=$3
  shift 3
  local options=() launcher=() batch=$global_batch
  while [ $# -gt 0 ]; do
    if [ "$1" = --global-batch ]; then
      [ $# -ge 2 ] || { echo "recipe: --global-batch needs a number" >&2; exit 2; }
      batch=$2; shift 2
    else
      options+=("$1"); shift
    fi
  done
  [ -z "${THREADS:-}" ] || options+=(--threads "$THREADS")
  if [ "$ranks" -gt 1 ]; then
    # shellcheck disable=SC2206 # MPIRUN_OPTIONS is a list of words on purpose
    launcher=(mpirun -np "$ranks" ${MPIRUN_OPTIONS:-})
  fi
  "${launcher[@]}" "$las" train --train "$train" --dev "$dev" --output "$out" --epochs 30 --keep-epochs 5 \
    --batch "$batch" "${options[@]}"
  local last
  last=$(ls "$out"/epoch-*.safetensors | tail -5)
  "$las" average $last --output "$out/averaged.safetensors"
}
