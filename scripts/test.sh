#!/usr/bin/env bash
# The whole test suite: install dependencies, build, run every test with CTest, then each fuzz
# target for C12S_FUZZ_SECONDS when set (in build-fuzz/, built with clang; README.md, "Fuzzing").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)")
# The Debian packages: built, installed with dpkg, run as their units say, purged. Run here (CI
# is a throwaway Debian 12 container, as root) but not by a plain ctest, since it changes the
# machine; it skips, saying why, when not root on Debian or when c12s is installed already.
(cd build && ctest -C package -L package --output-on-failure -V)
# libFuzzer sessions (a clang build of their own, then each target for C12S_FUZZ_SECONDS) only
# when asked: they would double the suite's time. CTest replays every fuzz corpus already.
fuzz_seconds=${C12S_FUZZ_SECONDS:-0}
if ((fuzz_seconds > 0)); then
  tests/fuzz/run.sh "$fuzz_seconds"
else
  echo "fuzzing skipped (C12S_FUZZ_SECONDS=30 bash scripts/test.sh runs each target 30 s)"
fi
