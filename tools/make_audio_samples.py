#!/work/venv/bin/python
"""Fills audio-samples/ with a few short real recordings and their transcripts.

Three AN4 utterances as 16 kHz 16-bit WAV, one AN4 utterance converted losslessly to FLAC
(soundfile, 16-bit PCM, checked to decode to the same samples), and one 8 kHz FSDD digit.
All speakers are ones the project holds out for development (AN4 fjam, mdxs, mmaf, mmap;
FSDD lucas). Transcripts go to audio-samples/transcripts.txt, Kaldi style
`<file name without extension> TEXT`, from AN4's etc/an4_train.transcription and the FSDD
file name's digit. Licenses and attribution: audio-samples/README.md.

Run: /work/venv/bin/python tools/make_audio_samples.py
"""
import os
import re
import shutil

import numpy as np
import soundfile as sf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
OUT = os.path.join(ROOT, "audio-samples")
AN4_WAV = ["cen3-fjam-b", "cen2-mdxs-b", "an52-mmaf-b"]
AN4_FLAC = ["cen3-mmap-b"]
FSDD = ["7_lucas_0"]
DIGITS = "ZERO ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE".split()


def an4_path(utterance):
    speaker = utterance.split("-")[1]
    return os.path.join(DATA, "an4", "wav", "an4_clstk", speaker, utterance + ".wav")


def an4_transcripts():
    texts = {}
    with open(os.path.join(DATA, "an4", "etc", "an4_train.transcription")) as f:
        for line in f:
            match = re.match(r"<s> (.*) </s> \((.*)\)", line.strip())
            if match:
                texts[match.group(2)] = match.group(1).upper()
    return texts


def main():
    os.makedirs(OUT, exist_ok=True)
    texts = an4_transcripts()
    lines = []
    for utterance in AN4_WAV:
        target = os.path.join(OUT, utterance + ".wav")
        shutil.copyfile(an4_path(utterance), target)
        os.chmod(target, 0o644)
        lines.append(f"{utterance} {texts[utterance]}")
    for utterance in AN4_FLAC:
        samples, rate = sf.read(an4_path(utterance), dtype="int16")
        target = os.path.join(OUT, utterance + ".flac")
        sf.write(target, samples, rate, format="FLAC", subtype="PCM_16")
        assert np.array_equal(sf.read(target, dtype="int16")[0], samples), "FLAC is not lossless"
        lines.append(f"{utterance} {texts[utterance]}")
    for name in FSDD:
        target = os.path.join(OUT, name + ".wav")
        shutil.copyfile(os.path.join(DATA, "fsdd", "recordings", name + ".wav"), target)
        os.chmod(target, 0o644)
        lines.append(f"{name} {DIGITS[int(name.split('_')[0])]}")
    with open(os.path.join(OUT, "transcripts.txt"), "w") as f:
        f.write("\n".join(sorted(lines)) + "\n")
    for line in sorted(lines):
        print(line)


if __name__ == "__main__":
    main()
