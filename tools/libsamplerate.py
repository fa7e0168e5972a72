"""libsamplerate (the system library the Swift side links) through ctypes, called exactly as
Sources/LASKit/Audio/Resampler.swift calls it: src_simple, SRC_SINC_BEST_QUALITY, one channel,
output capacity ceil(n * ratio) + 16. Same library, same converter, same float32 input: the same
samples, bit for bit, which the PyPI `samplerate` package (its own bundled copy) cannot promise."""
import ctypes
import ctypes.util
import math

import numpy as np

SRC_SINC_BEST_QUALITY = 0
SRC_SINC_MEDIUM_QUALITY = 1


class _SRCData(ctypes.Structure):
    _fields_ = [
        ("data_in", ctypes.POINTER(ctypes.c_float)),
        ("data_out", ctypes.POINTER(ctypes.c_float)),
        ("input_frames", ctypes.c_long),
        ("output_frames", ctypes.c_long),
        ("input_frames_used", ctypes.c_long),
        ("output_frames_gen", ctypes.c_long),
        ("end_of_input", ctypes.c_int),
        ("src_ratio", ctypes.c_double),
    ]


_lib = ctypes.CDLL(ctypes.util.find_library("samplerate") or "libsamplerate.so.0")
_lib.src_strerror.restype = ctypes.c_char_p


def resample(samples, source_rate, target_rate, converter=SRC_SINC_BEST_QUALITY):
    """Mono float32 `samples` at `source_rate` Hz converted to `target_rate` Hz."""
    x = np.ascontiguousarray(samples, dtype=np.float32)
    if source_rate == target_rate or len(x) == 0:
        return x.copy()
    ratio = target_rate / source_rate
    capacity = math.ceil(len(x) * ratio) + 16
    out = np.zeros(capacity, dtype=np.float32)
    data = _SRCData(
        x.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
        out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
        len(x), capacity, 0, 0, 1, ratio)
    status = _lib.src_simple(ctypes.byref(data), converter, 1)
    if status != 0:
        raise RuntimeError("libsamplerate: " + _lib.src_strerror(status).decode())
    return out[:data.output_frames_gen].copy()
