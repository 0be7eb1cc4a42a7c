#!/usr/bin/env bash
# Builds the fuzz targets into build-fuzz/ (clang, -DGTYPE_FUZZ=ON: libFuzzer, ASan, UBSan) and
# runs each for SECONDS (default 30), one after the other, from its seeds and its corpus. Fails
# when a target crashes, leaks, times out (an input taking over 10 s) or runs out of memory
# (2 GiB), and leaves the input that did it under build-fuzz/fuzz/artifacts/<target>/.
#
# Usage: tests/fuzz/run.sh [SECONDS [TARGET...]]   targets: frontend tools frames payload monitor yaml
# Environment: FUZZ_BUILD, the build folder (default build-fuzz); FUZZ_FRONTEND_SECONDS, the
# front end's time when it differs; FUZZ_NO_BUILD=1 runs the targets as built, without building;
# FUZZ_BUILD_LOCK, see below.
set -euo pipefail
cd "$(dirname "$0")/../.."
source_dir=$PWD
seconds=${1:-30}
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")
((${#targets[@]} > 0)) || targets=(frontend tools frames payload monitor yaml)
build=${FUZZ_BUILD:-build-fuzz}

if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DGTYPE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  lock=()  # FUZZ_BUILD_LOCK: a lock file the build waits for, where builds share the machine
  [ -z "${FUZZ_BUILD_LOCK:-}" ] || lock=(flock "$FUZZ_BUILD_LOCK")
  "${lock[@]}" cmake --build "$build" --target fuzz_all -j "$(nproc)"
fi

work=$build/fuzz
# Seeds: the .gtype files of the repository, the YAML test data, and well-formed frames and
# payloads written by fuzz_make_seeds (so that they follow the current encodings).
rm -rf "$work/seeds"
mkdir -p "$work/seeds/frontend"
find protocols tests/golden tests/codegen tests/thesis tests/spin examples -name '*.gtype' -print0 |
  while IFS= read -r -d '' file; do cp "$file" "$work/seeds/frontend/$(echo "$file" | tr / _)"; done
"$build/bin/fuzz_make_seeds" "$work/seeds"
seeds_frontend=("$work/seeds/frontend")
seeds_tools=("$work/seeds/frontend")
seeds_frames=("$work/seeds/frames")
seeds_payload=("$work/seeds/payload")
seeds_monitor=("$work/seeds/monitor")
seeds_yaml=(tests/endpoints/model/data)
# Longer inputs find little that short ones do not, and slow every run down. For the front end,
# 4 KiB also keeps out what is slow only at size (thousands of protocols in a `do` chain).
max_len_frontend=4096
max_len_tools=4096
max_len_frames=2048
max_len_payload=4096
max_len_monitor=2048
max_len_yaml=4096

failed=()
for target in "${targets[@]}"; do
  program=$build/bin/fuzz_$target
  [ -x "$program" ] || { echo "run.sh: no fuzz target '$target'" >&2; exit 2; }
  time_limit=$seconds
  [ "$target" = frontend ] && time_limit=${FUZZ_FRONTEND_SECONDS:-$seconds}
  corpus=$work/corpus/$target  # grows from run to run; the first folder is the one libFuzzer writes
  artifacts=$work/artifacts/$target
  log=$work/$target.log
  mkdir -p "$corpus" "$artifacts" "tests/fuzz/corpus/$target"
  seeds_name=seeds_$target[@]
  max_len_name=max_len_$target
  status=0
  UBSAN_OPTIONS=print_stacktrace=1 "$program" -max_total_time="$time_limit" -timeout=10 -rss_limit_mb=2048 \
    -max_len="${!max_len_name}" -detect_leaks=1 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "$source_dir/tests/fuzz/corpus/$target" "${!seeds_name}" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$status" -eq 0 ]; then
    echo "fuzz_$target: ok, ${runs:-?} executions in ${time_limit} s"
  else
    echo "fuzz_$target: FAILED (exit $status) after ${runs:-?} executions; log $log, input in $artifacts/:"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*Assertion|.*terminate called|.*deadly signal|.*-timeout|.*out-of-memory)' \
      "$log" | head -5 || true
    failed+=("$target")
  fi
done
if ((${#failed[@]} > 0)); then
  echo "fuzzing failed: ${failed[*]}" >&2
  exit 1
fi
