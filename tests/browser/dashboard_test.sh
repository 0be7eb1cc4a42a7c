#!/usr/bin/env bash
# The dashboard in a browser (issue 13, item 5): `c12s up` (4 nodes, CURVE), a topology of 3
# of them formed with `c12s mutate -f`, `c12s dashboard`, and headless Chromium loading the
# page. Once the page shows node-2 alive, node-2's daemon (a child of `c12s up`) is killed,
# and the page's DOM must show it dead (data-node="node-2" data-health="dead") within its lease
# (plus one poll of the page and one page load). Then a screenshot of the page:
# OUT_DIR/dashboard.png, kept as a CI artefact (README's docs/dashboard.png is a copy of it).
#
# Usage: dashboard_test.sh C12S_BINARY TOPOLOGY_FILE OUT_DIR
# Exit: 0 passed, 1 failed, 77 skipped: only where Chromium cannot run (not installed, or it
# cannot load a trivial page). Every wait is bounded; every process it starts is stopped on
# every way out (trap). The whole run takes about 30 s.
set -u

c12s=$1
topology=$2
out_dir=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/c12s_browser.XXXXXX")
up_pid=""
dashboard_pid=""

# Stops a process we started: SIGINT, up to 10 s, then SIGKILL.
stop() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -INT "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}
cleanup() {
  stop "$dashboard_pid"
  stop "$up_pid"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

skip() {
  echo "SKIPPED: $*"
  exit 77
}
fail() {
  echo "FAILED: $*"
  for log in "$work"/up.log "$work"/dashboard.log "$work"/chromium.log; do
    [ -f "$log" ] && { echo "--- $(basename "$log") (last lines)"; tail -n 15 "$log"; }
  done
  exit 1
}

# Headless Chromium, at most 30 s a run, its profile in the work folder.
browser=$(command -v chromium || command -v chromium-browser) ||
  skip "Chromium is not installed (Debian: apt-get install chromium)"
chrome() {
  timeout 30 "$browser" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --hide-scrollbars --user-data-dir="$work/profile" "$@" 2>>"$work/chromium.log"
}
chrome --dump-dom 'data:text/html,<p id="probe">ok</p>' | grep -q '<p id="probe">ok</p>' ||
  skip "Chromium ($browser) cannot load a trivial page here: $(tail -n 2 "$work/chromium.log" 2>/dev/null)"

# Waits until FILE has a line matching REGEX, at most SECONDS; false otherwise.
wait_for_line() {
  local file=$1 regex=$2 seconds=$3
  for _ in $(seq $((seconds * 5))); do
    grep -Eq "$regex" "$file" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

# The system: ports below the ephemeral range, from the pid (as the C++ tests' base_port).
port=$((20000 + ($$ * 41 % 390) * 30))
"$c12s" up --nodes 4 --data "$work/data" --port "$port" >"$work/up.log" 2>&1 &
up_pid=$!
wait_for_line "$work/up.log" 'Ctrl-C stops everything' 60 || fail "c12s up did not come up within 60 s"
system="$work/data/system.yaml"
timeout 60 "$c12s" mutate -f "$topology" --system "$system" >"$work/mutate.log" 2>&1 ||
  fail "c12s mutate: $(cat "$work/mutate.log")"
grep -q 'formed' "$work/mutate.log" || fail "c12s mutate did not form the topology: $(cat "$work/mutate.log")"

"$c12s" dashboard --listen 127.0.0.1:0 --system "$system" >"$work/dashboard.log" 2>&1 &
dashboard_pid=$!
wait_for_line "$work/dashboard.log" 'serving http://127\.0\.0\.1:[0-9]+/' 10 || fail "c12s dashboard did not start"
url=$(grep -Eo 'http://127\.0\.0\.1:[0-9]+/' "$work/dashboard.log" | head -n 1)

# The page's DOM once its first polls have come back (fetches stop virtual time).
dom() { chrome --virtual-time-budget=2500 --dump-dom "$url"; }
# Loads the page until its DOM matches REGEX, at most SECONDS; prints the seconds it took.
page_shows() {
  local regex=$1 seconds=$2 start=$SECONDS
  while [ $((SECONDS - start)) -lt "$seconds" ]; do
    dom >"$work/dom.html"
    grep -Eq "$regex" "$work/dom.html" && { echo $((SECONDS - start)); return 0; }
    sleep 0.5
  done
  return 1
}

page_shows 'data-node="node-2" data-health="alive"' 20 >/dev/null ||
  fail "the page does not show node-2 alive: $(grep -Eo 'data-node="[^"]*" data-health="[^"]*"' "$work/dom.html" | tr '\n' ' ')"

# The lease: the system's, when its map or node-2's configuration names one (`lease:`), else
# the services' default (6 s: StateOptions::lease, docs/control-plane.md).
lease=$(grep -hEo 'lease: *[0-9]+' "$system" "$work/data/nodes/node-2.yaml" 2>/dev/null | grep -Eo '[0-9]+' | head -n 1)
lease=${lease:-6}

# node-2's daemon: the child of `c12s up` running with its configuration.
daemon=$(ps -o pid=,args= --ppid "$up_pid" | awk '/ daemon / && /nodes\/node-2\.yaml/ {print $1}')
[ -n "$daemon" ] || fail "no daemon of node-2 among the children of c12s up ($up_pid)"
kill -KILL "$daemon"
slack=4  # one poll of the page (1 s) and one page load in Chromium
took=$(page_shows 'data-node="node-2" data-health="dead"' $((lease + slack))) ||
  fail "the page does not show node-2 dead $((lease + slack)) s after its daemon was killed (lease ${lease} s): \
$(grep -Eo 'data-node="[^"]*" data-health="[^"]*"' "$work/dom.html" | tr '\n' ' ')"
echo "node-2 killed: the page showed it dead after at most ${took} s (lease ${lease} s)"

mkdir -p "$out_dir"
rm -f "$out_dir/dashboard.png"
chrome --virtual-time-budget=2500 --window-size=1280,900 --screenshot="$out_dir/dashboard.png" "$url" >/dev/null
[ -s "$out_dir/dashboard.png" ] || fail "Chromium made no screenshot"
echo "screenshot: $out_dir/dashboard.png"
