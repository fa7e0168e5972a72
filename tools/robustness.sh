#!/usr/bin/env bash
# Robustness table of a model on held-out speakers (issues 16 and 17): WER under each condition
# users record in, one markdown row per condition.
#   tools/robustness.sh MODEL [MODEL...]
# The condition sets are corrupted copies of AN4 dev (its 8 held-out speakers) made by
# `las augment` with fixed seeds, so every model hears the same audio; cafe.wav is the noise
# recording the recipe keeps out of training. Long recordings come from
# tools/make_long_recordings.py, connected digits of the held-out FSDD speaker (lucas) from
# tools/make_connected_digits.py. Sets are built once under data/robustness/ and reused.
# LAS=path/to/las picks the binary (default .build/release/las); THREADS (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
las=${LAS:-.build/release/las}
threads=${THREADS:-1}
noise=../shared/data/noise
sets=data/robustness
[ $# -ge 1 ] || { echo "usage: tools/robustness.sh MODEL [MODEL...]" >&2; exit 2; }
python3 tools/prepare_an4.py --output data/an4 >/dev/null
python3 tools/prepare_fsdd.py --output data/fsdd >/dev/null
python3 tools/prepare_speech_commands.py --output data/speech_commands >/dev/null

# condition NAME las-augment-options...: AN4 dev corrupted, in $sets/NAME/manifest.jsonl.
condition() {
  local name=$1; shift
  [ -f "$sets/$name/manifest.jsonl" ] || "$las" augment data/an4/dev.jsonl --output "$sets/$name" --seed 17 "$@" >/dev/null
}
condition quiet --gain -30
condition clipped --gain 18
condition zero-padded --pad-silence 2
condition white-20 --noise-color white --snr 20
condition white-10 --noise-color white --snr 10
condition cafe-20 --noise "$noise/cafe.wav" --snr 20
condition cafe-10 --noise "$noise/cafe.wav" --snr 10
condition reverb-0.5 --reverb 0.5
condition telephone --band-limit 300:3400
for gaps in 0 1; do
  [ -f "$sets/digits-zero-gaps-$gaps/manifest.jsonl" ] ||
    python3 tools/make_connected_digits.py data/fsdd/dev.jsonl --output "$sets/digits-zero-gaps-$gaps" \
      --strings 100 --digits 3:7 --silent-gaps $gaps --seed 5 >/dev/null
done

wer() { "$las" evaluate --threads "$threads" --model "$1" "$2" | awk '/^%WER/ {print $2 " %"}'; }
rows=("AN4 dev, clean|data/an4/dev.jsonl" "AN4 dev, level -30 dB|$sets/quiet/manifest.jsonl"
      "AN4 dev, +18 dB and clipped|$sets/clipped/manifest.jsonl"
      "AN4 dev, 2 s of exact zeros before and after|$sets/zero-padded/manifest.jsonl"
      "AN4 dev, white noise 20 dB|$sets/white-20/manifest.jsonl" "AN4 dev, white noise 10 dB|$sets/white-10/manifest.jsonl"
      "AN4 dev, cafe noise 20 dB (unheard)|$sets/cafe-20/manifest.jsonl" "AN4 dev, cafe noise 10 dB (unheard)|$sets/cafe-10/manifest.jsonl"
      "AN4 dev, reverberation RT60 0.5 s|$sets/reverb-0.5/manifest.jsonl" "AN4 dev, telephone band 300-3400 Hz|$sets/telephone/manifest.jsonl"
      "FSDD lucas, isolated digits|data/fsdd/dev.jsonl"
      "FSDD lucas, 3-7 connected digits, background gaps|$sets/digits-zero-gaps-0/manifest.jsonl"
      "FSDD lucas, 3-7 connected digits, exact-zero gaps|$sets/digits-zero-gaps-1/manifest.jsonl"
      "Speech Commands dev (11 speakers)|data/speech_commands/dev.jsonl")
printf '| condition |'; for m in "$@"; do printf ' %s |' "$m"; done; printf '\n| --- |'; for m in "$@"; do printf ' --- |'; done; echo
for row in "${rows[@]}"; do
  printf '| %s |' "${row%%|*}"
  for m in "$@"; do printf ' %s |' "$(wer "$m" "${row#*|}")"; done; echo
done
declare -A long
for m in "$@"; do
  report=$(python3 tools/make_long_recordings.py --out "$sets/long" --las "$las" --model "$m")
  for k in noise zeros "one by one"; do
    long[$m/$k]=$(awk -v k="$k" -F': ' '$1 ~ k"$" {split($2, f, " "); print f[2] " %"}' <<<"$report")
  done
done
for kind in "room-noise pauses/noise" "exact-zero pauses/zeros" "utterances one by one/one by one"; do
  printf '| AN4 dev, 60 s recordings, %s |' "${kind%%/*}"
  for m in "$@"; do printf ' %s |' "${long[$m/${kind#*/}]}"; done; echo
done
