#!/usr/bin/env bash
# The whole test suite: install dependencies, build, run every test with CTest, then each fuzz
# target for 30 s (in build-fuzz/, built with clang; README.md, "Fuzzing").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)")
tests/fuzz/run.sh 30
