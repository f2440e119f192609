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
cmake --build build-fuzz -j"${JOBS:-2}" --target fuzzers
fixtures=$(cd .. && pwd)/shared/fixtures
# Copies up to 200 small files of one extension from a fixture tree into a
# seed folder under build-fuzz, and prints that folder.
fixture_seeds() {
  local ext=$1 src=$2 out=build-fuzz/fixture-seeds/$1
  if [[ ! -d $out ]]; then
    mkdir -p "$out"
    find "$src" -type f -name "*.$ext" -size -64k | head -200 | while read -r f; do
      cp "$f" "$out/$(echo "$f" | sha1sum | cut -c1-16)"
    done
  fi
  echo "$out"
}
status=0
for target in build-fuzz/fuzz/*_fuzz build-fuzz/fuzz/*_fuzzer; do
  [[ -x "$target" ]] || continue
  name=$(basename "$target")
  corpus=build-fuzz/corpus/$name
  mkdir -p "$corpus"
  seeds=()
  base=${name%_fuzzer}; base=${base%_fuzz}
  [[ -d fuzz/${base}_corpus ]] && seeds+=("fuzz/${base}_corpus")
  # Fixture seeds: real captured inputs for the parsers that read them.
  if [[ -d "$fixtures" ]]; then
    case "$name" in
      api_*) [[ -d "$fixtures/redfish" ]] && seeds+=("$(fixture_seeds json "$fixtures/redfish")") ;;
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
