#!/work/venv/bin/python
"""Reference log-mel features from kaldi-native-fbank for LASKitTests' KaldiReferenceTests.

Writes Tests/LASKitTests/Fixtures/fbank/<case>.npy (float32, frames x 80) and manifest.json.
The tests decode the same audio with AudioFile and compare LogMelFilterbank's output.

Configuration: kaldi-native-fbank FbankOptions with dither 0, snip_edges as listed per case,
80 mel bins, low_freq 20, high_freq 0 (Nyquist), the rest at their defaults (25 ms / 10 ms
frames, remove_dc_offset, preemph 0.97, povey window, power spectrum, log with FLT_EPSILON
floor, no energy). Samples are float32 in [-1, 1] (libsndfile's scaling, via soundfile)
multiplied by 32768, the 16-bit range Kaldi works in.

The audio is real speech committed under Tests/Fixtures/speech (tools/make_test_speech.sh):
three 16 kHz AN4 utterances of different speakers fed to kaldi-native-fbank as they are, one of them again with snip_edges false, and one 8 kHz FSDD recording. The 8 kHz
file must first be resampled to 16 kHz exactly as the Swift reader does, or the comparison
would measure two resamplers instead of two filterbanks. So the script calls the system
libsamplerate (the library the Swift package links) through ctypes with the same converter
(SRC_SINC_BEST_QUALITY), the same call (src_simple) and the same output capacity, then clips
to [-1, 1] as AudioFile does (tools/libsamplerate.py). The PyPI `samplerate` package was not
used: it bundles its own copy of libsamplerate, whose version need not match the system one.

It also writes melbank-warp-<factor>.npy: kaldi-native-fbank's MelBanks matrix (80 x 257) for
the same options with a VTLN warp factor, Kaldi's default cut-offs (vtln_low 100 Hz, vtln_high
500 Hz below Nyquist), for MelBankTests' vocal tract length perturbation check.

Run from anywhere: /work/venv/bin/python tools/make_fbank_fixtures.py
"""
import json
import os
import sys

import kaldi_native_fbank as knf
import numpy as np
import soundfile as sf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from libsamplerate import resample  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "LASKitTests", "Fixtures", "fbank")
AN4 = "Tests/Fixtures/speech/an4/wav/an4_clstk"
CASES = [
    # name, audio path relative to the repository root, snip_edges
    ("an78-fjam-b", f"{AN4}/fjam/an78-fjam-b.wav", True),
    ("cen3-mfaa-b", f"{AN4}/mfaa/cen3-mfaa-b.wav", True),
    ("an355-msjr-b", f"{AN4}/msjr/an355-msjr-b.wav", True),
    ("cen3-mfaa-b-no-snip-edges", f"{AN4}/mfaa/cen3-mfaa-b.wav", False),
    ("3_lucas_7-resampled", "Tests/Fixtures/speech/fsdd/recordings/3_lucas_7.wav", True),
]
SAMPLE_RATE = 16000
NUM_MEL_BINS = 80
WARP_FACTORS = (0.9, 1.1)


def fbank(samples, snip_edges):
    opts = knf.FbankOptions()
    opts.frame_opts.samp_freq = SAMPLE_RATE
    opts.frame_opts.dither = 0.0
    opts.frame_opts.snip_edges = snip_edges
    opts.mel_opts.num_bins = NUM_MEL_BINS
    opts.mel_opts.low_freq = 20.0
    opts.mel_opts.high_freq = 0.0
    computer = knf.OnlineFbank(opts)
    computer.accept_waveform(SAMPLE_RATE, (samples * np.float32(32768)).tolist())
    computer.input_finished()
    frames = [computer.get_frame(i) for i in range(computer.num_frames_ready)]
    return np.asarray(frames, dtype=np.float32).reshape(-1, NUM_MEL_BINS)


def warped_mel_bank(factor):
    opts = knf.MelBanksOptions()
    opts.num_bins = NUM_MEL_BINS
    opts.low_freq = 20.0
    opts.high_freq = 0.0
    frame_opts = knf.FrameExtractionOptions()
    frame_opts.samp_freq = SAMPLE_RATE
    return np.asarray(knf.MelBanks(opts, frame_opts, factor).get_matrix(), dtype=np.float32)


def load(path):
    samples, rate = sf.read(path, dtype="float32", always_2d=True)
    mono = samples.mean(axis=1, dtype=np.float32) if samples.shape[1] > 1 else samples[:, 0]
    if rate != SAMPLE_RATE:
        mono = np.clip(resample(mono, rate, SAMPLE_RATE), -1.0, 1.0)
    return mono, rate


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = {
        "generator": "tools/make_fbank_fixtures.py",
        "kaldi_native_fbank": knf.__version__ if hasattr(knf, "__version__") else "unknown",
        "tolerance": {"max_abs": 2e-3},
        "cases": [],
    }
    for name, audio, snip_edges in CASES:
        samples, rate = load(os.path.join(ROOT, audio))
        features = fbank(samples, snip_edges)
        np.save(os.path.join(OUT, name + ".npy"), features)
        manifest["cases"].append({
            "name": name, "audio": audio, "original_sample_rate": rate, "snip_edges": snip_edges,
            "samples": int(len(samples)), "frames": int(features.shape[0]),
        })
        print(f"{name}: {features.shape[0]} frames from {audio} ({rate} Hz)")
    for factor in WARP_FACTORS:
        matrix = warped_mel_bank(factor)
        np.save(os.path.join(OUT, f"melbank-warp-{factor}.npy"), matrix)
        print(f"melbank-warp-{factor}: {matrix.shape[0]} x {matrix.shape[1]}")
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
