#!/work/venv/bin/python
"""Why Resampler uses SRC_SINC_BEST_QUALITY rather than SRC_SINC_MEDIUM_QUALITY.

For each converter: speed (seconds of audio resampled per second, 10 s of noise, one call of
src_simple through the system libsamplerate, as the Swift side calls it), and what it does to
the 80 Kaldi log-mel bins of white noise resampled from 44.1 and 48 kHz to 16 kHz, relative to
white noise generated at 16 kHz (mean log-mel per bin; a flat offset of about -1 is expected,
the noise's power being spread over a wider band before resampling; what matters is how the
top bins fall off).

Run: /work/venv/bin/python tools/measure_resampler.py
"""
import os
import sys
import time

import kaldi_native_fbank as knf
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from libsamplerate import SRC_SINC_BEST_QUALITY, SRC_SINC_MEDIUM_QUALITY, resample  # noqa: E402

CONVERTERS = [("SRC_SINC_BEST_QUALITY", SRC_SINC_BEST_QUALITY), ("SRC_SINC_MEDIUM_QUALITY", SRC_SINC_MEDIUM_QUALITY)]


def mean_log_mel(samples):
    opts = knf.FbankOptions()
    opts.frame_opts.dither = 0.0
    opts.mel_opts.num_bins = 80
    fbank = knf.OnlineFbank(opts)
    fbank.accept_waveform(16000, (samples * np.float32(32768)).tolist())
    fbank.input_finished()
    return np.mean([fbank.get_frame(i) for i in range(fbank.num_frames_ready)], axis=0)


def main():
    rng = np.random.default_rng(0)
    for rate in (8000, 44100, 48000):
        x = (rng.standard_normal(rate * 10) * 0.1).astype(np.float32)
        for name, converter in CONVERTERS:
            start = time.perf_counter()
            resample(x, rate, 16000, converter)
            print(f"{rate} Hz -> 16 kHz, {name}: {10 / (time.perf_counter() - start):.0f}x real time")
    reference = mean_log_mel((rng.standard_normal(16000 * 5) * 0.1).astype(np.float32))
    for rate in (44100, 48000):
        x = (rng.standard_normal(rate * 5) * 0.1).astype(np.float32)
        for name, converter in CONVERTERS:
            difference = mean_log_mel(resample(x, rate, 16000, converter)) - reference
            print(f"{rate} Hz, {name}: log-mel change of the top 8 bins {np.round(difference[-8:], 2)}, "
                  f"bins 0-69 mean {difference[:70].mean():.2f}")


if __name__ == "__main__":
    main()
