"""What the data-preparation scripts share: WAV durations, atomic JSONL writing, and the
speaker-disjoint train/dev/all split they write. Standard library only."""
import json
import os
import sys
import wave

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER_ERRORS = (OSError, EOFError, wave.Error)


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


def write_splits(rows, dev_speakers, output, program, source, failures, what):
    """Writes train.jsonl (every speaker but the dev ones), dev.jsonl and all.jsonl into `output`;
    exits non-zero if a dev speaker is absent or `failures` entries were left out."""
    missing = dev_speakers - {r["speaker"] for r in rows}
    if missing:
        sys.exit(f"{program}: {source}: dev speakers not found: {' '.join(sorted(missing))}")
    splits = {
        "train": [r for r in rows if r["speaker"] not in dev_speakers],
        "dev": [r for r in rows if r["speaker"] in dev_speakers],
        "all": rows,
    }
    os.makedirs(output, exist_ok=True)
    for name, split in splits.items():
        path = os.path.join(output, name + ".jsonl")
        write_jsonl(path, split)
        print(f"{summary(name, split)} -> {path}")
    print("dev speakers:", " ".join(sorted(dev_speakers)))
    if failures:
        print(f"{program}: {failures} {what} left out", file=sys.stderr)
        sys.exit(1)
