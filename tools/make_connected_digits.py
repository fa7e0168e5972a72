#!/usr/bin/env python3
"""Connected digit strings spliced from isolated spoken digits, for training and for scoring.

Isolated-digit corpora (FSDD, Speech Commands) never let a model hear one digit run into the
next, and a user reading out a phone number does exactly that. Each string joins N recordings
of one speaker's digits (each speaker's own voice, device and room), with a gap between
neighbours that is, at random, either digital silence (exact zeros, as an editor or a VAD cut
leaves) or that speaker's own background (the quietest 50 ms of the digit before it, tiled).

  tools/make_connected_digits.py MANIFEST... --output DIR [--strings N] [--digits 2:7]
        [--gaps 0.05:0.6] [--silent-gaps 0.5] [--seed S]

writes DIR/<id>.wav (the source's sample rate, 16-bit) and DIR/manifest.jsonl (JSON lines with
audio_filepath, text, duration, id, speaker, as tools/prepare_fsdd.py). Only utterances whose
text is one digit word are used; a speaker with fewer than two of them is skipped.
--silent-gaps 1 gives zero gaps only, 0 background gaps only.
"""
import argparse
import json
import os
import random
import sys

import numpy as np
import soundfile as sf

DIGITS = {"ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE", "OH"}


def span(text):
    lo, hi = text.split(":")
    return float(lo), float(hi)


def quietest(x, rate):
    """The quietest 50 ms of x (the speaker's background between words)."""
    n = max(1, int(0.05 * rate))
    if len(x) <= n:
        return x
    hop = n // 2
    starts = range(0, len(x) - n + 1, hop)
    best = min(starts, key=lambda s: float(np.mean(x[s:s + n] ** 2)))
    return x[best:best + n]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("manifests", nargs="+")
    p.add_argument("--output", required=True)
    p.add_argument("--strings", type=int, default=200)
    p.add_argument("--digits", type=span, default=(2, 7))
    p.add_argument("--gaps", type=span, default=(0.05, 0.6), help="gap length range in seconds")
    p.add_argument("--silent-gaps", type=float, default=0.5, help="probability that a gap is exact zeros")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    by_speaker = {}
    for path in a.manifests:
        for line in open(path):
            if not line.strip():
                continue
            u = json.loads(line)
            if u["text"].strip().upper() in DIGITS and u.get("speaker"):
                by_speaker.setdefault(u["speaker"], []).append(u)
    speakers = sorted(s for s, us in by_speaker.items() if len(us) >= 2)
    if not speakers:
        sys.exit("make_connected_digits.py: no speaker has two single-digit utterances")
    os.makedirs(a.output, exist_ok=True)
    rng = random.Random(a.seed)
    out = []
    # A speaker is drawn in proportion to their digit recordings, as the isolated digits are.
    weights = [len(by_speaker[s]) for s in speakers]
    for k in range(a.strings):
        speaker = rng.choices(speakers, weights)[0]
        count = rng.randint(int(a.digits[0]), int(a.digits[1]))
        parts = [rng.choice(by_speaker[speaker]) for _ in range(count)]
        pieces, rate = [], None
        for j, u in enumerate(parts):
            x, r = sf.read(u["audio_filepath"], dtype="float32", always_2d=True)
            x = x.mean(axis=1)
            if rate is None:
                rate = r
            if r != rate:
                sys.exit(f"{u['audio_filepath']}: sample rate {r} differs from {rate} of the same speaker")
            if j > 0:
                gap = int(rng.uniform(*a.gaps) * rate)
                if rng.random() < a.silent_gaps:
                    pieces.append(np.zeros(gap, dtype=np.float32))
                else:
                    bed = quietest(pieces[-1], rate)
                    pieces.append(np.resize(bed, gap).astype(np.float32))
            pieces.append(x.astype(np.float32))
        audio = np.concatenate(pieces)
        uid = f"connected-{speaker}-{k:04d}"
        path = os.path.join(a.output, uid + ".wav")
        tmp = path + ".tmp"
        sf.write(tmp, audio, rate, subtype="PCM_16", format="WAV")
        os.replace(tmp, path)
        out.append({"audio_filepath": os.path.abspath(path), "text": " ".join(u["text"].strip().upper() for u in parts),
                    "duration": round(len(audio) / rate, 6), "id": uid, "speaker": speaker})
    manifest = os.path.join(a.output, "manifest.jsonl")
    with open(manifest + ".tmp", "w") as f:
        for u in out:
            f.write(json.dumps(u) + "\n")
    os.replace(manifest + ".tmp", manifest)
    minutes = sum(u["duration"] for u in out) / 60
    print(f"{manifest}: {len(out)} strings from {len(speakers)} speakers, {minutes:.1f} minutes")


if __name__ == "__main__":
    main()
