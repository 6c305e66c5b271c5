#!/usr/bin/env bash
# Installs what is missing (Debian 12 packages) and builds spikeq in Release.
# Usage: scripts/setup.sh [BUILD_DIR] [extra cmake args...]
# Environment: SPIKEQ_JOBS (parallel build jobs, default: number of cores);
# SPIKEQ_BUILD_TARGETS (build only these targets).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build/release}
shift || true

packages=(
  build-essential cmake pkg-config
  libprotobuf-dev protobuf-compiler
  libhdf5-dev hdf5-tools
  libtbb-dev libboost-dev librandom123-dev
  libgtest-dev libcli11-dev libfmt-dev nlohmann-json3-dev libcairo2-dev
  python3-h5py python3-numpy
  zlib1g-dev dataset-fashion-mnist
  python3-websockets chromium
  clang libclang-rt-14-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup] installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

jobs=${SPIKEQ_JOBS:-$(nproc)}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
# SPIKEQ_BUILD_TARGETS: build only these (space-separated) instead of everything.
targets=()
for t in ${SPIKEQ_BUILD_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build_dir" -j "$jobs" "${targets[@]}"
