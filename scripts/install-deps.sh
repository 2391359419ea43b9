#!/usr/bin/env bash
# Installs the Debian packages genepool needs that are missing (as root), or names them (otherwise).
# Usage: scripts/install-deps.sh [build|test]   (test adds what the test suite needs)
set -euo pipefail

packages=(g++ make cmake pkg-config git openmpi-bin libopenmpi-dev libboost-mpi-dev libboost-serialization-dev
           libeigen3-dev libhdf5-dev hdf5-tools libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libssl-dev zlib1g-dev catch2 libbenchmark-dev)
if [[ "${1:-build}" == test ]]; then
  packages+=(python3 python3-h5py python3-numpy python3-pandas python3-matplotlib chromium slurm-wlm munge clang libclang-rt-14-dev)
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "genepool needs these Debian packages; install them as root:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
