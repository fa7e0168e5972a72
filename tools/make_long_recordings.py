#!/usr/bin/env python3
"""Long recordings made of consecutive AN4 dev utterances, to measure long-file transcription.

The 105 utterances of the 8 dev speakers (fjam mdxs mfaa mmaf mmap mmkw mscg2 msjr, as
tools/prepare_an4.py), in the transcription's order, are joined into recordings of at least
60 s with pauses of 1.0-2.5 s (seeded) between them, twice:

  noise-NN.wav  pauses of quiet room noise: ../shared/data/noise/fridge.wav (its first
                channel), scaled to the RMS of the quietest 100 ms of the utterance before it,
                so a pause sounds like that utterance's own background;
  zeros-NN.wav  pauses of digital silence (exact zeros).

Writes into OUT: the WAVs (16 kHz, 16-bit), ref.txt (Kaldi `id text`, the recording's
utterances' transcripts joined), utterances.jsonl (the same utterances, one by one, for
`las evaluate`). With --las it also scores: `las transcribe` on each recording against ref.txt
with `las wer`, and `las evaluate` on utterances.jsonl, and prints the three WERs and the ratios.

Run: python3 tools/make_long_recordings.py --out /tmp/las-long --las .build/release/las
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys

import numpy as np
import soundfile as sf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
DEV_SPEAKERS = ["fjam", "mdxs", "mfaa", "mmaf", "mmap", "mmkw", "mscg2", "msjr"]
RATE = 16_000


def dev_utterances():
    out = []
    with open(os.path.join(DATA, "an4", "etc", "an4_train.transcription")) as f:
        for line in f:
            m = re.match(r"<s>\s*(.*?)\s*</s>\s*\((\S+)\)", line.strip())
            if m and m.group(2).split("-")[1] in DEV_SPEAKERS:
                uid = m.group(2)
                path = os.path.join(DATA, "an4", "wav", "an4_clstk", uid.split("-")[1], uid + ".wav")
                out.append((uid, m.group(1).upper(), path))
    return out


def quietest_rms(x):
    window = RATE // 10
    if len(x) <= window:
        return float(np.sqrt(np.mean(x ** 2)))
    power = np.convolve(x.astype(np.float64) ** 2, np.ones(window) / window, mode="valid")
    return float(np.sqrt(max(power.min(), 1e-12)))


def build(utterances, out, min_seconds, seed):
    noise, rate = sf.read(os.path.join(DATA, "noise", "fridge.wav"), dtype="float32")
    assert rate == RATE
    noise = noise[:, 0] if noise.ndim > 1 else noise
    noise = noise / np.sqrt(np.mean(noise.astype(np.float64) ** 2))
    rng = random.Random(seed)
    groups, current, seconds = [], [], 0.0
    for u in utterances:
        current.append(u)
        seconds += sf.info(u[2]).duration + 1.75
        if seconds >= min_seconds:
            groups.append(current)
            current, seconds = [], 0.0
    if current:
        groups[-1] += current  # the remainder joins the last recording, which stays >= min_seconds
    refs = []
    for k, group in enumerate(groups):
        pauses = [rng.uniform(1.0, 2.5) for _ in range(len(group) + 1)]
        for kind in ("noise", "zeros"):
            parts, offset = [], rng.randrange(0, len(noise) - 3 * RATE)
            for i, (uid, text, path) in enumerate(group):
                x, r = sf.read(path, dtype="float32")
                assert r == RATE, path
                level = quietest_rms(x)
                n = int(pauses[i] * RATE)
                parts.append(noise[offset:offset + n] * level if kind == "noise" else np.zeros(n, np.float32))
                parts.append(x)
            n = int(pauses[-1] * RATE)
            parts.append(noise[offset:offset + n] * level if kind == "noise" else np.zeros(n, np.float32))
            name = f"{kind}-{k:02d}"
            sf.write(os.path.join(out, name + ".wav"), np.concatenate(parts), RATE, subtype="PCM_16")
            refs.append(f"{name} {' '.join(t for _, t, _ in group)}")
    with open(os.path.join(out, "ref.txt"), "w") as f:
        f.write("\n".join(refs) + "\n")
    with open(os.path.join(out, "utterances.jsonl"), "w") as f:
        for group in groups:
            for uid, text, path in group:
                f.write(json.dumps({"audio_filepath": path, "text": text, "id": uid}) + "\n")
    return groups


def wer_line(output):
    return next((l for l in output.splitlines() if l.startswith("%WER")), output.strip())


def score(las, out, model):
    extra = ["--model", model] if model else []
    scores = {}
    for kind in ("noise", "zeros"):
        files = sorted(f for f in os.listdir(out) if f.startswith(kind) and f.endswith(".wav"))
        run = subprocess.run([las, "transcribe", *extra, *[os.path.join(out, f) for f in files]],
                             capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(run.stderr)
        hyp = os.path.join(out, f"hyp-{kind}.txt")
        with open(hyp, "w") as f:
            for line in run.stdout.splitlines():
                path, _, text = line.partition("\t")
                f.write(f"{os.path.splitext(os.path.basename(path))[0]} {text}\n")
        ref = os.path.join(out, f"ref-{kind}.txt")
        with open(os.path.join(out, "ref.txt")) as src, open(ref, "w") as dst:
            dst.writelines(l for l in src if l.startswith(kind))
        scores[kind] = wer_line(subprocess.run([las, "wer", ref, hyp], capture_output=True, text=True).stdout)
    scores["one by one"] = wer_line(subprocess.run([las, "evaluate", *extra, os.path.join(out, "utterances.jsonl")],
                                                   capture_output=True, text=True).stdout)
    base = float(scores["one by one"].split()[1])
    for name, line in scores.items():
        wer = float(line.split()[1])
        ratio = f"{wer / base:.2f}x" if base > 0 else "n/a"
        print(f"{name:>10}: {line}   ({ratio} the per-utterance WER)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="/tmp/las-long-recordings")
    parser.add_argument("--min-seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--las", help="las executable: also transcribe and score")
    parser.add_argument("--model", help="model for --las (default: the bundled one)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    groups = build(dev_utterances(), args.out, args.min_seconds, args.seed)
    print(f"{len(groups)} recordings per pause kind, {sum(map(len, groups))} utterances, in {args.out}")
    if args.las:
        score(args.las, args.out, args.model)


if __name__ == "__main__":
    main()
