#!/usr/bin/env python3
"""Fills audio-samples/ with a few short real recordings and their transcripts.

Three AN4 utterances as 16 kHz 16-bit WAV, one AN4 utterance converted losslessly to FLAC
(soundfile, 16-bit PCM, checked to decode to the same samples), and one 8 kHz FSDD digit.
All speakers are ones the project holds out for development (AN4 fjam, mdxs, mmaf, mmap;
FSDD lucas). Transcripts go to audio-samples/transcripts.txt, Kaldi style
`<file name without extension> TEXT`, from AN4's etc/an4_train.transcription and the FSDD
file name's digit. Licenses and attribution: audio-samples/README.md.

One long recording, long-mmkw.flac: AN4 speaker mmkw's census utterances cen1..cen6 (another
development speaker) joined with 1.5 s pauses that alternate between digital silence (exact
zeros) and the speaker's own room noise (the quietest 200 ms of the utterance before, repeated),
so that both kinds of pause a real file has are in it. Its reference goes to
audio-samples/long-mmkw.txt, not transcripts.txt (which lists the samples the bundled model must
get exactly right), with the utterances' start and end seconds.

Run: python3 tools/make_audio_samples.py
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
LONG = ["cen1-mmkw-b", "cen2-mmkw-b", "cen3-mmkw-b", "cen4-mmkw-b", "cen5-mmkw-b", "cen6-mmkw-b"]
LONG_PAUSE_SECONDS = 1.5
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


def quietest_window(x, length):
    power = np.convolve(x.astype(np.float64) ** 2, np.ones(length), mode="valid")
    start = int(np.argmin(power))
    return x[start:start + length]


def make_long(texts):
    """long-mmkw.flac and long-mmkw.txt: `<start> <end> TEXT` per utterance, then the whole text."""
    parts, lines, at, rate = [], [], 0, 16_000
    pause = int(LONG_PAUSE_SECONDS * rate)
    for k, utterance in enumerate(LONG):
        x, r = sf.read(an4_path(utterance), dtype="int16")
        assert r == rate
        if k % 2 == 0:
            gap = np.zeros(pause, np.int16)
        else:
            gap = np.resize(quietest_window(x, rate // 5), pause)
        parts += [gap, x]
        lines.append(f"{(at + pause) / rate:.2f} {(at + pause + len(x)) / rate:.2f} {texts[utterance]}")
        at += pause + len(x)
    parts.append(np.zeros(pause, np.int16))
    samples = np.concatenate(parts)
    target = os.path.join(OUT, "long-mmkw.flac")
    sf.write(target, samples, rate, format="FLAC", subtype="PCM_16")
    with open(os.path.join(OUT, "long-mmkw.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"long-mmkw: {len(samples) / rate:.1f} s, {len(LONG)} utterances")


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
    make_long(texts)


if __name__ == "__main__":
    main()
