#!/bin/sh
# Wall time and peak memory of `las transcribe` on a one-hour recording: the audio-samples
# recordings tiled with 1-3 s pauses of quiet noise until the file lasts MINUTES (default 60).
# The target is a peak RSS of at most 150 MB, whatever the length (audio is read in blocks).
#   tools/bench_long_file.sh            # prints the `time -v` figures and the segment count
#   MINUTES=10 tools/bench_long_file.sh
set -eu
cd "$(dirname "$0")/.."
MINUTES=${MINUTES:-60}
LAS=${LAS:-.build/release/las}
OUT=${OUT:-/tmp/las-bench-long}
mkdir -p "$OUT"
python3 - "$OUT/long.wav" "$MINUTES" <<'PY'
import glob, random, sys
import numpy as np, soundfile as sf
path, minutes = sys.argv[1], float(sys.argv[2])
rate, rng = 16000, random.Random(0)
clips = []
for f in sorted(glob.glob("audio-samples/*.wav") + glob.glob("audio-samples/*.flac")):
    x, r = sf.read(f, dtype="float32")
    if r == rate and sf.info(f).duration < 10:
        clips.append(x)
with sf.SoundFile(path, "w", rate, 1, subtype="PCM_16") as out:
    written, noise = 0, np.random.default_rng(0)
    while written < minutes * 60 * rate:
        pause = noise.normal(0, 3e-4, int(rng.uniform(1, 3) * rate)).astype(np.float32)
        clip = clips[rng.randrange(len(clips))]
        out.write(pause); out.write(clip)
        written += len(pause) + len(clip)
print(f"{path}: {written / rate / 60:.1f} min")
PY
/usr/bin/time -v "$LAS" transcribe --format json "$OUT/long.wav" > "$OUT/long.json" 2> "$OUT/time.txt"
grep -E "Elapsed|Maximum resident" "$OUT/time.txt"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('segments:', len(d['segments']), ' words:', len(d['words']), ' audio s:', d['duration'])" "$OUT/long.json"
