#!/work/venv/bin/python
"""How closely `las features` matches kaldi-native-fbank over a whole corpus.

Runs `las features FILE... --output-dir TMP` on every file (default: all 948 AN4 training
utterances in ../shared/data/an4), computes kaldi-native-fbank's features of the same samples
(dither 0, 80 bins, 20 Hz to Nyquist, samples x 32768) and prints one JSON line: files, median
and maximum of the per-file largest |difference|, files whose largest difference exceeds 2e-3,
and the largest difference among filters within 12 nats of their frame's strongest filter.
16 kHz files only (no resampling here).

Usage: /work/venv/bin/python tools/compare_fbank_corpus.py [--las PATH] [FILE...]
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import kaldi_native_fbank as knf
import numpy as np
import soundfile as sf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fbank(samples):
    opts = knf.FbankOptions()
    opts.frame_opts.dither = 0.0
    opts.mel_opts.num_bins = 80
    opts.mel_opts.low_freq = 20.0
    opts.mel_opts.high_freq = 0.0
    computer = knf.OnlineFbank(opts)
    computer.accept_waveform(16000, (samples * np.float32(32768)).tolist())
    computer.input_finished()
    return np.asarray([computer.get_frame(i) for i in range(computer.num_frames_ready)], dtype=np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--las", default=None)
    args = parser.parse_args()
    files = args.files or sorted(glob.glob(os.path.join(ROOT, "..", "shared", "data", "an4", "wav", "an4_clstk", "*", "*.wav")))
    las = args.las or max(glob.glob(os.path.join(ROOT, ".build*", "release", "las")), key=os.path.getmtime)
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run([las, "features", *files, "--output-dir", out], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(run.stderr)
        worst, loud_worst = [], 0.0
        for path in files:
            samples, rate = sf.read(path, dtype="float32")
            assert rate == 16000, path
            reference = fbank(samples)
            ours = np.load(os.path.join(out, os.path.splitext(os.path.basename(path))[0] + ".npy"))
            difference = np.abs(ours - reference)
            worst.append(float(difference.max()))
            loud = reference >= reference.max(axis=1, keepdims=True) - 12
            loud_worst = max(loud_worst, float(difference[loud].max()))
    print(json.dumps({"files": len(files), "median_file_max_abs": round(float(np.median(worst)), 6),
                      "max_abs": round(max(worst), 6), "files_over_2e-3": int(sum(w > 2e-3 for w in worst)),
                      "max_abs_within_12_nats_of_frame_peak": round(loud_worst, 6)}))


if __name__ == "__main__":
    main()
