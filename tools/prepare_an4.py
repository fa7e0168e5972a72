#!/usr/bin/env python3
"""Write JSONL manifests (train.jsonl, dev.jsonl, all.jsonl) for CMU AN4.

Reads etc/an4_train.transcription (`<s> U M N Y H SIX </s> (an255-fash-b)`) and the audio under
wav/an4_clstk/<speaker>/<id>.wav. Each line written:
    {"audio_filepath": "/abs/.../an255-fash-b.wav", "text": "U M N Y H SIX", "duration": 2.1,
     "id": "an255-fash-b", "speaker": "fash"}
duration comes from the WAV header. Utterances keep the transcription's order.

Dev = the 8 speakers of the PyTorch peer (shared/peers/torch_las/make_an4_manifest.py, which
draws random.Random(0).sample(sorted(speakers), 8)); train = the other 66; all = every speaker.
Standard library only. A transcription line that does not parse or an unreadable WAV is reported
on stderr and left out; the exit status is then 1 (the manifests are still written).
"""
import argparse
import json
import os
import re
import sys
import wave

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEV_SPEAKERS = {"fjam", "mdxs", "mfaa", "mmaf", "mmap", "mmkw", "mscg2", "msjr"}
LINE = re.compile(r"<s>\s*(.*?)\s*</s>\s*\((\S+)\)")


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
    parser = argparse.ArgumentParser(description="Write AN4 JSONL manifests (train/dev/all).")
    parser.add_argument("--an4", default=os.path.join(REPO, "..", "shared", "data", "an4"),
                        help="AN4 folder with etc/ and wav/ (default: ../shared/data/an4 beside the repo)")
    parser.add_argument("--output", default=os.path.join(REPO, "data", "an4"),
                        help="folder for the manifests (default: data/an4 in the repo, gitignored)")
    args = parser.parse_args()
    root = os.path.abspath(args.an4)
    transcription = os.path.join(root, "etc", "an4_train.transcription")

    rows, failures = [], 0
    try:
        lines = open(transcription, encoding="utf-8").read().splitlines()
    except OSError as e:
        sys.exit(f"prepare_an4: {transcription}: cannot read ({e.strerror})")
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        m = LINE.match(line.strip())
        if not m:
            print(f"prepare_an4: {transcription}:{number}: not '<s> WORDS </s> (id)'", file=sys.stderr)
            failures += 1
            continue
        text, uid = m.group(1), m.group(2)
        parts = uid.split("-")
        if len(parts) < 3:
            print(f"prepare_an4: {transcription}:{number}: id {uid} is not <n>-<speaker>-<session>", file=sys.stderr)
            failures += 1
            continue
        speaker = parts[1]
        audio = os.path.join(root, "wav", "an4_clstk", speaker, uid + ".wav")
        try:
            duration = wav_duration(audio)
        except (OSError, EOFError, wave.Error) as e:
            print(f"prepare_an4: {audio}: cannot read WAV header ({e})", file=sys.stderr)
            failures += 1
            continue
        rows.append({"audio_filepath": audio, "text": text, "duration": duration, "id": uid, "speaker": speaker})

    missing = DEV_SPEAKERS - {r["speaker"] for r in rows}
    if missing:
        sys.exit(f"prepare_an4: {transcription}: dev speakers not found: {' '.join(sorted(missing))}")
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
        print(f"prepare_an4: {failures} utterance(s) left out", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
