"""Word boundaries from PocketSphinx's forced alignment, the independent reference for las's word
times (issue 16). PyPI `pocketsphinx` (5.x) with the en-us acoustic model and CMU dictionary it
bundles: `Decoder.set_align_text` restricts the search to the given words (optional silences
between them), so the segmentation is a Viterbi alignment of a GMM-HMM, a model that shares
nothing with las.

Audio is read with soundfile (any libsndfile format) and, when not 16 kHz, resampled with the
system libsamplerate exactly as las reads it (tools/libsamplerate.py), then given to the decoder
as 16-bit PCM. PocketSphinx frames are 10 ms; a segment's `end_frame` is its last frame, so a
word ends at (end_frame + 1) / 100 s, where the next segment starts.

pip install pocketsphinx soundfile
"""
import re

import numpy as np
import soundfile as sf
from pocketsphinx import Decoder

from libsamplerate import resample

RATE = 16000
FRAME_SECONDS = 0.01
_decoder = None


def read_16k(path):
    samples, rate = sf.read(path, dtype="float32", always_2d=True)
    mono = samples.mean(axis=1).astype(np.float32)
    if rate != RATE:
        mono = np.clip(resample(mono, rate, RATE), -1, 1)
    return mono


def align(path, text):
    """[(WORD, start seconds, end seconds)] for `text` (AN4 style upper case) in `path`, silences
    left out; None when PocketSphinx cannot align it (a word outside its dictionary, or no path)."""
    global _decoder
    if _decoder is None:
        _decoder = Decoder(samprate=RATE, loglevel="FATAL")
    words = text.lower().split()
    if any(_decoder.lookup_word(w) is None for w in words):
        return None
    pcm = (np.clip(read_16k(path), -1, 1 - 1 / 32768) * 32768).astype("<i2").tobytes()
    _decoder.set_align_text(" ".join(words))
    _decoder.start_utt()
    _decoder.process_raw(pcm, full_utt=True)
    _decoder.end_utt()
    if _decoder.hyp() is None:
        return None
    out = []
    for seg in _decoder.seg():
        word = re.sub(r"\(\d+\)$", "", seg.word)
        if word.startswith("<") or word.startswith("["):
            continue
        out.append((word.upper(), seg.start_frame * FRAME_SECONDS, (seg.end_frame + 1) * FRAME_SECONDS))
    if [w for w, _, _ in out] != text.upper().split():
        return None
    return out
