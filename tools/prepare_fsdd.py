#!/usr/bin/env python3
"""Write JSONL manifests (train.jsonl, dev.jsonl, all.jsonl) for the Free Spoken Digit Dataset.

Reads recordings/{digit}_{speaker}_{index}.wav; the transcript is the digit's English word,
upper-cased (7_jackson_3.wav -> "SEVEN"). Each line written:
    {"audio_filepath": "/abs/.../7_jackson_3.wav", "text": "SEVEN", "duration": 0.43,
     "id": "7_jackson_3", "speaker": "jackson"}
duration comes from the WAV header. Order: speaker, digit, index.

Dev = speaker lucas (as the dataset's README suggests); train = the other speakers; all = every
speaker. Standard library only. A file whose name does not follow the pattern or whose WAV
header cannot be read is reported on stderr and left out; the exit status is then 1 (the
manifests are still written).
"""
import argparse
import json
import os
import re
import sys
import wave

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEV_SPEAKERS = {"lucas"}
WORDS = ["ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"]
NAME = re.compile(r"([0-9])_([A-Za-z0-9]+)_([0-9]+)\.wav")


def wav_duration(path):
    with wave.open(path, "rb") as w:
        return w.getnframes() / w.getframerate()


def write_jsonl(path, rows):
    """Atomically: a temporary file in the same folder, then rename."""
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def summary(name, rows):
    speakers = {r["speaker"] for r in rows}
    hours = sum(r["duration"] for r in rows) / 3600
    return f"{name}: {len(rows)} utterances, {len(speakers)} speakers, {hours:.3f} hours"


def main():
    parser = argparse.ArgumentParser(description="Write FSDD JSONL manifests (train/dev/all).")
    parser.add_argument("--fsdd", default=os.path.join(REPO, "..", "shared", "data", "fsdd"),
                        help="FSDD folder with recordings/ (default: ../shared/data/fsdd beside the repo)")
    parser.add_argument("--output", default=os.path.join(REPO, "data", "fsdd"),
                        help="folder for the manifests (default: data/fsdd in the repo, gitignored)")
    args = parser.parse_args()
    recordings = os.path.join(os.path.abspath(args.fsdd), "recordings")

    try:
        names = os.listdir(recordings)
    except OSError as e:
        sys.exit(f"prepare_fsdd: {recordings}: cannot list ({e.strerror})")
    found, failures = [], 0
    for name in names:
        m = NAME.fullmatch(name)
        if not m:
            print(f"prepare_fsdd: {os.path.join(recordings, name)}: name is not {{digit}}_{{speaker}}_{{index}}.wav",
                  file=sys.stderr)
            failures += 1
            continue
        found.append((m.group(2), int(m.group(1)), int(m.group(3)), name))

    rows = []
    for speaker, digit, index, name in sorted(found):
        audio = os.path.join(recordings, name)
        try:
            duration = wav_duration(audio)
        except (OSError, EOFError, wave.Error) as e:
            print(f"prepare_fsdd: {audio}: cannot read WAV header ({e})", file=sys.stderr)
            failures += 1
            continue
        rows.append({"audio_filepath": audio, "text": WORDS[digit], "duration": duration,
                     "id": name[:-len(".wav")], "speaker": speaker})

    missing = DEV_SPEAKERS - {r["speaker"] for r in rows}
    if missing:
        sys.exit(f"prepare_fsdd: {recordings}: dev speakers not found: {' '.join(sorted(missing))}")
    splits = {
        "train": [r for r in rows if r["speaker"] not in DEV_SPEAKERS],
        "dev": [r for r in rows if r["speaker"] in DEV_SPEAKERS],
        "all": rows,
    }
    os.makedirs(args.output, exist_ok=True)
    for name, split in splits.items():
        path = os.path.join(args.output, name + ".jsonl")
        write_jsonl(path, split)
        print(f"{summary(name, split)} -> {path}")
    print("dev speakers:", " ".join(sorted(DEV_SPEAKERS)))
    if failures:
        print(f"prepare_fsdd: {failures} file(s) left out", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
