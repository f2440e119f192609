#!/usr/bin/env bash
# Installs every Debian package Foundry needs to build, test and run its demo.
# Idempotent and non-interactive; run as root (CI and `make` call it when a
# package is missing). Usage: scripts/install-deps.sh [--check]
#   --check   only report missing packages; exit 1 if any are missing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  # libraries
  libboost-dev libboost-system-dev libboost-program-options-dev
  nlohmann-json3-dev libyaml-cpp-dev libsqlite3-dev libpq-dev
  libspdlog-dev libfmt-dev libcli11-dev libexpected-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev libre2-dev
  # tools the tests and demo drive
  sqlite3 curl openssl python3 procps iproute2 util-linux
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  [[ "${1:-}" == "--check" ]] || echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
if [[ "${1:-}" == "--check" ]]; then
  echo "install-deps: missing: ${missing[*]}" >&2
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run 'sudo scripts/install-deps.sh' (needs root for apt-get)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
