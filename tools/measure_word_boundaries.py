#!/usr/bin/env python3
"""Median word-boundary error of `las transcribe --format json` against PocketSphinx's forced
alignment (tools/pocketsphinx_align.py) on AN4 utterances (issue 16's target: at most 50 ms).

Takes the first --count utterances of the given speakers in etc/an4_train.transcription order
(default: the 8 AN4 dev speakers of tools/prepare_an4.py), aligns each transcript with
PocketSphinx, transcribes the files with las in one run, and compares the two wherever las's
words equal the transcript's (a misrecognized utterance has no word-for-word counterpart; the
count left out is printed). Every word gives two boundaries, its start and its end; the figures
are over all of them: |las − PocketSphinx| in ms, median, mean, 90th percentile, and the share
within 50 ms. --details FILE writes both aligners' words per utterance as JSON lines.

Note that the bundled model was trained on every AN4 speaker, these included; the figures are
about where words are placed, not about recognition.

pip install pocketsphinx soundfile
python3 tools/measure_word_boundaries.py [--las .build/release/las] [--model M] [--count 100]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pocketsphinx_align  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEV_SPEAKERS = "fjam mdxs mfaa mmaf mmap mmkw mscg2 msjr"
LINE = re.compile(r"<s>\s*(.*?)\s*</s>\s*\((\S+)\)")


def utterances(an4, speakers, count):
    out = []
    with open(os.path.join(an4, "etc", "an4_train.transcription"), encoding="utf-8") as f:
        for line in f:
            m = LINE.match(line.strip())
            if not m:
                continue
            text, uid = m.group(1).upper(), m.group(2)
            speaker = uid.split("-")[1]
            if speaker in speakers:
                out.append((uid, text, os.path.join(an4, "wav", "an4_clstk", speaker, uid + ".wav")))
    return out[:count]


def las_words(las, model, beam, paths):
    command = [las, "transcribe", "--format", "json", "--beam", str(beam)] + (["--model", model] if model else [])
    result = subprocess.run(command + paths, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"measure_word_boundaries: las failed:\n{result.stderr}")
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {line["file"]: [(w["word"], w["start"], w["end"]) for w in line["words"]] for line in lines}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--an4", default=os.path.join(ROOT, "..", "shared", "data", "an4"))
    parser.add_argument("--speakers", default=DEV_SPEAKERS, help="space-separated AN4 speakers")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--las", default=os.path.join(ROOT, ".build", "release", "las"))
    parser.add_argument("--model", help="model file (default: the bundled one)")
    parser.add_argument("--beam", type=int, default=8)
    parser.add_argument("--details", help="write per-utterance words of both aligners to this JSONL file")
    args = parser.parse_args()

    chosen = utterances(os.path.abspath(args.an4), set(args.speakers.split()), args.count)
    reference = {}
    for uid, text, path in chosen:
        words = pocketsphinx_align.align(path, text)
        if words is None:
            print(f"measure_word_boundaries: {uid}: PocketSphinx cannot align it, left out", file=sys.stderr)
        else:
            reference[uid] = (path, words)
    hypotheses = las_words(args.las, args.model, args.beam, [path for path, _ in reference.values()])

    errors, starts, ends, compared, misrecognized = [], [], [], 0, 0
    details = open(args.details, "w", encoding="utf-8") if args.details else None
    for uid, (path, ref) in reference.items():
        hyp = hypotheses.get(path, [])
        if details:
            details.write(json.dumps({"id": uid, "pocketsphinx": ref, "las": hyp}) + "\n")
        if [w for w, _, _ in hyp] != [w for w, _, _ in ref]:
            misrecognized += 1
            continue
        compared += 1
        for (_, hs, he), (_, rs, re_) in zip(hyp, ref):
            starts.append(round(abs(hs - rs) * 1000, 1))  # rounded: 0.05 s − 0.01 s is not 40 ms in binary
            ends.append(round(abs(he - re_) * 1000, 1))
    errors = starts + ends
    if not errors:
        sys.exit("measure_word_boundaries: no utterance to compare")
    errors.sort()
    p90 = errors[min(len(errors) - 1, int(0.9 * len(errors)))]
    within = sum(e <= 50 for e in errors) / len(errors) * 100
    print(f"utterances: {len(chosen)} chosen, {len(reference)} aligned by PocketSphinx, {compared} compared "
          f"({misrecognized} misrecognized by las), {len(errors) // 2} words, {len(errors)} boundaries")
    print(f"boundary error ms: median {statistics.median(errors):.1f}, mean {statistics.mean(errors):.1f}, "
          f"90th percentile {p90:.1f}, within 50 ms {within:.1f} %")
    print(f"word starts: median {statistics.median(starts):.1f} ms; word ends: median {statistics.median(ends):.1f} ms")


if __name__ == "__main__":
    main()
