#!/usr/bin/env python3
"""Write JSONL manifests (train.jsonl, dev.jsonl, all.jsonl) for the Speech Commands subset.

Reads WORD/SPEAKER_nohash_N.wav; the transcript is the folder's word, upper-cased
(zero/2f813234_nohash_1.wav -> "ZERO"). Each line: {"audio_filepath", "text", "duration", "id",
"speaker"}. Dev = every fourth speaker id in sorted order (10 of 41 speakers, all their clips),
so dev measures voices and devices training never heard. Standard library only; a file whose
name or header is unusable is reported on stderr and left out (exit status 1).
"""
import argparse
import os
import re
import sys

from speaker_split import HEADER_ERRORS, REPO, wav_duration, write_splits

NAME = re.compile(r"([0-9a-f]{8})_nohash_([0-9]+)\.wav")


def main():
    parser = argparse.ArgumentParser(description="Write Speech Commands JSONL manifests (train/dev/all).")
    parser.add_argument("--speech-commands", default=os.path.join(REPO, "..", "shared", "data", "speech_commands"),
                        help="the folder of WORD/ subfolders (default: ../shared/data/speech_commands)")
    parser.add_argument("--output", default=os.path.join(REPO, "data", "speech_commands"),
                        help="folder for the manifests (default: data/speech_commands, gitignored)")
    args = parser.parse_args()
    root = os.path.abspath(args.speech_commands)
    rows, failures = [], 0
    for word in sorted(os.listdir(root)):
        folder = os.path.join(root, word)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            audio = os.path.join(folder, name)
            m = NAME.fullmatch(name)
            if not m:
                print(f"prepare_speech_commands: {audio}: name is not SPEAKER_nohash_N.wav", file=sys.stderr)
                failures += 1
                continue
            try:
                duration = wav_duration(audio)
            except HEADER_ERRORS as e:
                print(f"prepare_speech_commands: {audio}: cannot read WAV header ({e})", file=sys.stderr)
                failures += 1
                continue
            rows.append({"audio_filepath": audio, "text": word.upper(), "duration": duration,
                         "id": f"{word}-{name[:-len('.wav')]}", "speaker": m.group(1)})
    speakers = sorted({r["speaker"] for r in rows})
    write_splits(rows, set(speakers[::4]), args.output, "prepare_speech_commands", root, failures, "file(s)")


if __name__ == "__main__":
    main()
