#!/usr/bin/env bash
# Installs the Debian 12 packages the build and the tests need (as root), only if some are missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  antlr4 default-jre-headless libantlr4-runtime-dev
  libcli11-dev libboost-graph-dev
  libzmq3-dev cppzmq-dev libmsgpack-cxx-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev librapidcheck-dev
  libyaml-cpp-dev libsqlite3-dev libssl-dev
  libcpp-httplib-dev  # c12s dashboard: the HTTP server
  chromium  # the dashboard's browser test (headless)
  spin bc
  iproute2 sqlite3  # the multi-host test: network namespaces (ip netns), the nodes registry read
  clang libclang-rt-14-dev  # the fuzz targets: libFuzzer and the sanitizers
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  echo "Installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
