#!/work/venv/bin/python
"""Feature-extraction speed of `las` against kaldi-native-fbank and librosa, same files, same run.

Prints three JSON lines (las, kaldi-native-fbank, librosa), each with audio_seconds_per_second
(seconds of audio turned into 80-bin log-mel features per second of wall time), files,
audio_seconds, threads (1) and seconds timed. Every implementation gets the same decoded 16 kHz
float32 samples (decoding is not timed) and runs on one thread (OMP/MKL/OPENBLAS_NUM_THREADS=1)
until at least --min-seconds have passed.

  las                 `las bench features FILE...`: LogMelFilterbank, FFTW single precision.
  kaldi-native-fbank  OnlineFbank with the same options (dither 0, 80 bins, 20 Hz to Nyquist);
                      timed: accept_waveform + input_finished + get_frame of every frame, with
                      samples handed over as prepared Python lists.
  librosa             melspectrogram(n_fft=512, win_length=400, hop_length=160, n_mels=80,
                      fmin=20, fmax=8000, power=2, htk=True, center=False), then log with the
                      FLT_EPSILON floor.

Default files: every AN4 utterance of the development speakers fjam, mdxs, mfaa, mmaf, mmap,
mmkw, mscg2, msjr in ../shared/data/an4.

Usage: /work/venv/bin/python tools/bench_features.py [--las PATH] [--min-seconds S] [FILE...]
"""
import os

for _variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS",
                  "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEV_SPEAKERS = ["fjam", "mdxs", "mfaa", "mmaf", "mmap", "mmkw", "mscg2", "msjr"]
SAMPLE_RATE = 16000
EPSILON = float(np.finfo(np.float32).eps)


def default_files():
    an4 = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "an4", "wav", "an4_clstk"))
    return sorted(f for s in DEV_SPEAKERS for f in glob.glob(os.path.join(an4, s, "*.wav")))


def find_las():
    candidates = glob.glob(os.path.join(ROOT, ".build*", "release", "las"))
    if not candidates:
        sys.exit("bench_features: no built las; run `swift build -c release` or pass --las")
    return max(candidates, key=os.path.getmtime)


def decode(path):
    import soundfile as sf
    samples, rate = sf.read(path, dtype="float32", always_2d=True)
    mono = samples.mean(axis=1, dtype=np.float32) if samples.shape[1] > 1 else samples[:, 0].copy()
    if rate != SAMPLE_RATE:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from libsamplerate import resample
        mono = np.clip(resample(mono, rate, SAMPLE_RATE), -1, 1)
    return mono


def timed(run_once, min_seconds):
    run_once()  # warm-up: imports, caches, filter construction
    repetitions, start = 0, time.perf_counter()
    while True:
        run_once()
        repetitions += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return repetitions, elapsed


def report(name, signals, repetitions, elapsed, **extra):
    audio_seconds = sum(len(s) for s in signals) / SAMPLE_RATE
    line = {"benchmark": "features", "implementation": name, "files": len(signals),
            "audio_seconds": round(audio_seconds, 3), "repetitions": repetitions,
            "seconds": round(elapsed, 4), "threads": 1,
            "audio_seconds_per_second": round(audio_seconds * repetitions / elapsed, 1)}
    line.update(extra)
    print(json.dumps(line), flush=True)


def bench_kaldi_native_fbank(signals, min_seconds):
    import kaldi_native_fbank as knf
    opts = knf.FbankOptions()
    opts.frame_opts.samp_freq = SAMPLE_RATE
    opts.frame_opts.dither = 0.0
    opts.mel_opts.num_bins = 80
    opts.mel_opts.low_freq = 20.0
    opts.mel_opts.high_freq = 0.0
    scaled = [(s * np.float32(32768)).tolist() for s in signals]
    # kaldi-native-fbank prints a DEBUG line to C stdout on its first frame; keep stdout JSON only.
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
        try:
            first = knf.OnlineFbank(opts)
            first.accept_waveform(SAMPLE_RATE, scaled[0])
            first.input_finished()
        finally:
            os.dup2(saved, 1)
            os.close(saved)

    def run_once():
        for samples in scaled:
            fbank = knf.OnlineFbank(opts)
            fbank.accept_waveform(SAMPLE_RATE, samples)
            fbank.input_finished()
            for i in range(fbank.num_frames_ready):
                fbank.get_frame(i)

    repetitions, elapsed = timed(run_once, min_seconds)
    report("kaldi-native-fbank", signals, repetitions, elapsed, version=getattr(knf, "__version__", "unknown"))


def bench_librosa(signals, min_seconds):
    import librosa

    def run_once():
        for samples in signals:
            mel = librosa.feature.melspectrogram(y=samples, sr=SAMPLE_RATE, n_fft=512, win_length=400,
                                                 hop_length=160, n_mels=80, fmin=20, fmax=8000, power=2.0,
                                                 htk=True, center=False)
            np.log(np.maximum(mel, EPSILON))

    repetitions, elapsed = timed(run_once, min_seconds)
    report("librosa", signals, repetitions, elapsed, version=librosa.__version__)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--las", default=None, help="las executable (default: newest .build*/release/las)")
    parser.add_argument("--min-seconds", type=float, default=2.0)
    args = parser.parse_args()
    files = args.files or default_files()
    if not files:
        sys.exit("bench_features: no audio files")

    las = subprocess.run([args.las or find_las(), "bench", "features", *files, "--min-seconds", str(args.min_seconds)],
                         capture_output=True, text=True, env=os.environ)
    if las.returncode != 0:
        sys.exit("bench_features: las bench features failed:\n" + las.stderr)
    print(las.stdout.strip(), flush=True)

    signals = [decode(f) for f in files]
    bench_kaldi_native_fbank(signals, args.min_seconds)
    bench_librosa(signals, args.min_seconds)


if __name__ == "__main__":
    main()
