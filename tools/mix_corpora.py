#!/usr/bin/env python3
"""Writes one training manifest from several, each corpus weighted.

    python3 tools/mix_corpora.py OUT.jsonl A.jsonl[:WEIGHT] B.jsonl[:WEIGHT] ...

A weight of 1 (the default) takes a manifest as it is; 4 lists each utterance four times (the
copies get ids ending in ~2, ~3, ~4, so ids stay unique); 0.5 keeps every other utterance. Line i
appears floor((i+1)w) - floor(iw) times, so a fractional weight thins or repeats evenly along the
file. Repeating a small corpus is how a recipe keeps it from being outvoted by a large one: the
model sees its utterances as often as the weight says, each time with new augmentation draws
(speed perturbation, SpecAugment, multi-condition), since those are drawn per step.
"""
import json
import math
import os
import sys


def weighted(path, weight):
    with open(path) as f:
        lines = [line for line in f if line.strip()]
    for i, line in enumerate(lines):
        for copy in range(math.floor((i + 1) * weight) - math.floor(i * weight)):
            entry = json.loads(line)
            if copy > 0:
                entry["id"] = f"{entry['id']}~{copy + 1}"
            yield entry


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__.strip().splitlines()[2].strip().join(["usage: ", ""]))
    out, specs = argv[1], argv[2:]
    entries = []
    for spec in specs:
        path, _, weight = spec.rpartition(":") if ":" in spec else (spec, "", "1")
        try:
            w = float(weight)
        except ValueError:
            sys.exit(f"mix_corpora: {spec}: weight {weight!r} is not a number")
        if not w > 0:
            sys.exit(f"mix_corpora: {spec}: weight must be positive")
        entries.extend(weighted(path, w))
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        for entry in entries:
            f.write(json.dumps(entry) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, out)


if __name__ == "__main__":
    main(sys.argv)
