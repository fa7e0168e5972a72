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
import os
import re
import sys

from speaker_split import HEADER_ERRORS, REPO, wav_duration, write_splits

DEV_SPEAKERS = {"fjam", "mdxs", "mfaa", "mmaf", "mmap", "mmkw", "mscg2", "msjr"}
LINE = re.compile(r"<s>\s*(.*?)\s*</s>\s*\((\S+)\)")


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
        except HEADER_ERRORS as e:
            print(f"prepare_an4: {audio}: cannot read WAV header ({e})", file=sys.stderr)
            failures += 1
            continue
        rows.append({"audio_filepath": audio, "text": text, "duration": duration, "id": uid, "speaker": speaker})

    write_splits(rows, DEV_SPEAKERS, args.output, "prepare_an4", transcription, failures, "utterance(s)")

if __name__ == "__main__":
    main()
