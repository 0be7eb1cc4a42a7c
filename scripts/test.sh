#!/usr/bin/env bash
# The whole test suite: install dependencies, build, run every test with CTest, then each fuzz
# target for 30 s (in build-fuzz/, built with clang; README.md, "Fuzzing").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)")
# The Debian packages: built, installed with dpkg, run as their units say, purged. Run here (CI
# is a throwaway Debian 12 container, as root) but not by a plain ctest, since it changes the
# machine; it skips, saying why, when not root on Debian or when c12s is installed already.
(cd build && ctest -C package -L package --output-on-failure -V)
tests/fuzz/run.sh 30
