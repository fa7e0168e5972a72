#!/usr/bin/env python3
"""Set the CMVN silence level of a model file (issue 16), in place, atomically.

  tools/set_silence_level.py MODEL [LEVEL]

Frames whose mean log-mel value is at most LEVEL are left out of the utterance mean (see
CMVN.silenceLevel). For a model whose features have no noise floor (feature_config without
noiseFloorDither, e.g. the bundled model trained before it existed), exact-zero samples give
ln(FLT_EPSILON) = -15.94 in every filter, so the default LEVEL is 1 nat above that. The weights
are not touched. This is how models/default.safetensors got its silence level.
"""
import json, math, os, struct, sys

path = sys.argv[1]
level = float(sys.argv[2]) if len(sys.argv) > 2 else math.log(1.1920929e-07) + 1
with open(path, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    rest = f.read()
cmvn = json.loads(header["__metadata__"]["cmvn"])
cmvn["silenceLevel"] = level
header["__metadata__"]["cmvn"] = json.dumps(cmvn, separators=(",", ":"))
data = json.dumps(header, separators=(",", ":")).encode()
data += b" " * ((8 - len(data) % 8) % 8)
tmp = f"{path}.tmp-{os.getpid()}"
with open(tmp, "wb") as f:
    f.write(struct.pack("<Q", len(data)) + data + rest)
    f.flush(); os.fsync(f.fileno())
os.replace(tmp, path)
print(f"{path}: silenceLevel {level:.4f}")
