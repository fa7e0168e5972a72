#!/usr/bin/env bash
# Installs the system libraries the package links (libsndfile, libsamplerate, FFTW, OpenBLAS, cairo)
# when any is missing, and Open MPI's mpirun, which multi-process training and its tests launch
# (las itself loads libmpi only under mpirun). Debian/Ubuntu; run as root or with sudo available.
set -euo pipefail
packages=(libsndfile1-dev libsamplerate0-dev libfftw3-dev libopenblas-dev libcairo2-dev pkg-config openmpi-bin)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    echo "setup: installing ${missing[*]}" >&2
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
