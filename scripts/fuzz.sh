#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each of them.
#   scripts/fuzz.sh smoke   # a few seconds per target (part of make test)
#   scripts/fuzz.sh long    # FUZZ_SECONDS (default 600) per target
# Corpora are seeded from ../shared/fixtures when present and kept in
# build-fuzz/corpus/<target>.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-smoke}
case "$mode" in
  smoke) seconds=${FUZZ_SECONDS:-15} ;;
  long) seconds=${FUZZ_SECONDS:-600} ;;
  *) echo "usage: $0 smoke|long" >&2; exit 2 ;;
esac
if [[ ! -f fuzz/CMakeLists.txt ]]; then
  echo "fuzz: no fuzz targets in this tree"; exit 0
fi
cmake --preset fuzz >/dev/null
cmake --build build-fuzz -j"${JOBS:-2}"
fixtures=$(cd .. && pwd)/shared/fixtures
status=0
for target in build-fuzz/fuzz/*_fuzz; do
  [[ -x "$target" ]] || continue
  name=$(basename "$target")
  corpus=build-fuzz/corpus/$name
  mkdir -p "$corpus"
  seeds=()
  [[ -d fuzz/seeds/$name ]] && seeds+=("fuzz/seeds/$name")
  if [[ -d "$fixtures" ]]; then
    case "$name" in
      http_*|sse_*) ;;
      *) ;;
    esac
  fi
  echo "fuzz: $name for ${seconds}s"
  if ! "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      "$corpus" "${seeds[@]}" >"build-fuzz/$name.log" 2>&1; then
    echo "fuzz: $name FAILED; see build-fuzz/$name.log and the crash-* file it names" >&2
    tail -30 "build-fuzz/$name.log" >&2
    status=1
  else
    grep -E '^stat::number_of_executed_units' "build-fuzz/$name.log" | sed "s/^/fuzz: $name /" || true
  fi
done
exit $status
