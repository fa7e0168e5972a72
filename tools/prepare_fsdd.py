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
import os
import re
import sys

from speaker_split import HEADER_ERRORS, REPO, wav_duration, write_splits

DEV_SPEAKERS = {"lucas"}
WORDS = ["ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"]
NAME = re.compile(r"([0-9])_([A-Za-z0-9]+)_([0-9]+)\.wav")


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
        except HEADER_ERRORS as e:
            print(f"prepare_fsdd: {audio}: cannot read WAV header ({e})", file=sys.stderr)
            failures += 1
            continue
        rows.append({"audio_filepath": audio, "text": WORDS[digit], "duration": duration,
                     "id": name[:-len(".wav")], "speaker": speaker})

    write_splits(rows, DEV_SPEAKERS, args.output, "prepare_fsdd", recordings, failures, "file(s)")

if __name__ == "__main__":
    main()
