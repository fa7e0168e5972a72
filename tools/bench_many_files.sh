#!/bin/sh
# Wall time and peak memory of one `las transcribe` call on many short files: COUNT (default
# 2,000) links to the five short recordings of audio-samples/, about 50 minutes of audio. Features are
# computed a bounded window ahead of the decoder, so the peak should not grow with COUNT; the
# target is at most 150 MB for 2,000 files.
#   tools/bench_many_files.sh              # prints the `time -v` figures and the file count
#   COUNT=200 tools/bench_many_files.sh    # the same with fewer files, to see the peak stay
set -eu
cd "$(dirname "$0")/.."
COUNT=${COUNT:-2000}
LAS=${LAS:-.build/release/las}
OUT=${OUT:-/tmp/las-bench-many}
rm -rf "$OUT/files"; mkdir -p "$OUT/files"
set -- $(ls audio-samples/*.wav audio-samples/*.flac | grep -v long-)
i=0
while [ "$i" -lt "$COUNT" ]; do
  for f in "$@"; do
    [ "$i" -lt "$COUNT" ] || break
    ln -s "$PWD/$f" "$OUT/files/$(printf %05d "$i")-$(basename "$f")"
    i=$((i + 1))
  done
done
/usr/bin/time -v "$LAS" transcribe "$OUT/files" > "$OUT/transcripts.txt" 2> "$OUT/time.txt"
grep -E "Elapsed|Maximum resident" "$OUT/time.txt"
echo "files: $COUNT, transcripts: $(grep -c . "$OUT/transcripts.txt")"
