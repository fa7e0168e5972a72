#!/usr/bin/env python3
"""Safetensors interop fixtures between the reference Python library and LASKit's Safetensors.

Writing (default): the `safetensors` package writes
    Tests/LASKitTests/Fixtures/safetensors/python_mixed.safetensors
holding REFERENCE_TENSORS (F32 and F16, a scalar, an empty tensor) and METADATA. The Swift test
SafetensorsTests.testReadsFileWrittenByPythonSafetensors reads it and recomputes every value from
the same formulas.

Verifying (--verify PATH): opens a Swift-written file with `safetensors.safe_open` and checks it
holds exactly the same tensors, dtypes, shapes, values and metadata. The committed
    Tests/LASKitTests/Fixtures/safetensors/swift_written.safetensors
is LASKit's encoding of the same content (SafetensorsTests.testWriterOutputMatchesCommittedSwiftFixture
keeps it byte-identical to what the writer produces today), so run
    /work/venv/bin/python tools/make_safetensors_fixture.py --verify \
        Tests/LASKitTests/Fixtures/safetensors/swift_written.safetensors
after changing the writer (the venv needs numpy and safetensors).
"""
import argparse
import os
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Tests", "LASKitTests", "Fixtures", "safetensors")

# name -> (dtype, shape, value of element i as an exact Double computation). The Swift test uses the
# same formulas; F16 values are rounded once, Double -> half (numpy's astype, round to nearest even).
REFERENCE_TENSORS = {
    "encoder.weight": ("F32", (3, 4), lambda i: (i - 5) * 0.375),
    "encoder.bias": ("F32", (4,), lambda i: ((i * 7) % 13 - 6) / 3.0),
    "decoder.embedding": ("F16", (2, 3, 2), lambda i: (i - 6) / 7.0),
    "decoder.scale": ("F32", (), lambda i: 42.5),
    "decoder.unused": ("F32", (0, 3), lambda i: 0.0),
}
METADATA = {"format": "las-fixture", "note": "ünïcode ✓ \"quoted\" \\ back", "sample_rate": "16000"}


def expected_array(dtype, shape, value, via_float32):
    count = int(np.prod(shape)) if shape else 1
    doubles = np.array([value(i) for i in range(count)], dtype=np.float64).reshape(shape)
    if dtype == "F32":
        return doubles.astype(np.float32)
    # LASKit's writer takes Float, so a Swift-written F16 was rounded Double -> Float -> half.
    return (doubles.astype(np.float32) if via_float32 else doubles).astype(np.float16)


def write(path):
    tensors = {name: expected_array(d, s, v, via_float32=False) for name, (d, s, v) in REFERENCE_TENSORS.items()}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    save_file(tensors, path, metadata=METADATA)
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes, {len(tensors)} tensors)")


def verify(path):
    errors = []
    with safe_open(path, framework="numpy") as f:
        if f.metadata() != METADATA:
            errors.append(f"metadata {f.metadata()!r} != {METADATA!r}")
        if sorted(f.keys()) != sorted(REFERENCE_TENSORS):
            errors.append(f"tensor names {sorted(f.keys())} != {sorted(REFERENCE_TENSORS)}")
        for name, (dtype, shape, value) in REFERENCE_TENSORS.items():
            if name not in f.keys():
                continue
            got = f.get_tensor(name)
            want = expected_array(dtype, shape, value, via_float32=True)
            if got.dtype != want.dtype or got.shape != want.shape or not np.array_equal(got, want):
                errors.append(f"{name}: got {got.dtype} {got.shape} {got.ravel()[:6]}, "
                              f"want {want.dtype} {want.shape} {want.ravel()[:6]}")
    for e in errors:
        print(f"{path}: {e}", file=sys.stderr)
    if errors:
        sys.exit(1)
    print(f"{path}: safe_open reads all {len(REFERENCE_TENSORS)} tensors and the metadata as expected")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=os.path.join(FIXTURES, "python_mixed.safetensors"),
                        help="file to write (default: the committed fixture)")
    parser.add_argument("--verify", metavar="PATH", help="check a Swift-written file instead of writing")
    args = parser.parse_args()
    if args.verify:
        verify(args.verify)
    else:
        write(os.path.normpath(args.output))


if __name__ == "__main__":
    main()
