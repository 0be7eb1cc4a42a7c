#!/usr/bin/env bash
# The control plane at scale (issue 14, item 5): for each N of NODES, a fresh plaintext system
# on 127.0.0.1 (`c12s up --nodes 0`: every service, as up starts them, no real daemon), then
# `c12s bench-nodes` with N simulated daemons health-checking it every INTERVAL_MS through the
# HealthCheck protocol, measured over WINDOW seconds after WARMUP. Prints one line per N and a
# table, then `nodes_sustained_at_1s=N`: the largest N with no lease missed, no check failed and
# a p99 lag under the interval (0 when none). About 40 s per N.
#
# Run it alone: flock /tmp/c12s-bench.lock bash bench/nodes.sh
# Environment: C12S (the binary; default build/bin/c12s), NODES ("1000 5000 10000"), WARMUP (8),
# WINDOW (20), PROCESSES (4), TRANSPORTS (25 per process), SEED (1), PORT (27400).
set -euo pipefail
cd "$(dirname "$0")/.."
C12S=${C12S:-build/bin/c12s}
NODES=${NODES:-"1000 5000 10000"}
WARMUP=${WARMUP:-8}
WINDOW=${WINDOW:-20}
PROCESSES=${PROCESSES:-4}
TRANSPORTS=${TRANSPORTS:-25}
SEED=${SEED:-1}
PORT=${PORT:-27400}
INTERVAL_MS=1000

[ -x "$C12S" ] || { echo "bench/nodes.sh: no $C12S (build the c12s target)" >&2; exit 2; }
C12S=$(realpath "$C12S")
# The nodes service keeps a link per peer address, and each costs a few descriptors.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

work=$(mktemp -d /tmp/c12s-bench-nodes.XXXXXX)
up_pid=""
stop_system() {
  if [ -n "$up_pid" ] && kill -0 "$up_pid" 2>/dev/null; then
    kill -TERM "$up_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$up_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$up_pid" 2>/dev/null || true
  fi
  up_pid=""
}
trap 'stop_system; rm -rf "$work"' EXIT

# The pid of up's child running `c12s service NAME`.
service_pid() {
  ps -o pid=,args= --ppid "$up_pid" | awk -v name="$1" '$3 == "service" && $4 == name { print $1; exit }'
}

results=()
for n in $NODES; do
  data="$work/data-$n"
  "$C12S" up --plaintext --nodes 0 --data "$data" --port "$PORT" >"$work/up-$n.log" 2>&1 &
  up_pid=$!
  ready=""
  for _ in $(seq 200); do  # at most 20 s for the services to answer
    if [ -f "$data/system.yaml" ] && "$C12S" nodes --system "$data/system.yaml" --json --timeout 1000 >/dev/null 2>&1; then
      ready=yes
      break
    fi
    kill -0 "$up_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$ready" ]; then
    echo "bench/nodes.sh: the system for N=$n did not start:" >&2
    cat "$work/up-$n.log" >&2
    exit 1
  fi
  pids=()
  for service in nodes state log; do pids+=(--pid "$service=$(service_pid "$service")"); done
  line=$("$C12S" bench-nodes --system "$data/system.yaml" --nodes "$n" --processes "$PROCESSES" \
    --transports "$TRANSPORTS" --interval-ms "$INTERVAL_MS" --warmup "$WARMUP" --window "$WINDOW" \
    --seed "$SEED" "${pids[@]}")
  echo "$line"
  results+=("$line")
  stop_system
done

field() { tr ' ' '\n' <<<"$1" | awk -F= -v key="$2" '$1 == key { print $2 }'; }
echo
printf '%7s %10s %7s %8s %8s %7s %9s %9s %9s %9s %9s %9s\n' nodes checks/s failed p50_ms p99_ms missed \
  nodes_cpu nodes_mb state_cpu log_cpu log_mb sim_cpu
sustained=0
for line in "${results[@]}"; do
  printf '%7s %10s %7s %8s %8s %7s %8s%% %9s %8s%% %8s%% %9s %8s%%\n' "$(field "$line" nodes)" \
    "$(field "$line" checks_per_s)" "$(field "$line" failed_checks)" "$(field "$line" lag_p50_ms)" \
    "$(field "$line" lag_p99_ms)" "$(field "$line" missed_leases)" "$(field "$line" nodes_cpu_pct)" \
    "$(field "$line" nodes_rss_mb)" "$(field "$line" state_cpu_pct)" "$(field "$line" log_cpu_pct)" \
    "$(field "$line" log_rss_mb)" "$(field "$line" sim_cpu_pct)"
  n=$(field "$line" nodes)
  p99=$(field "$line" lag_p99_ms)
  if [ "$(field "$line" missed_leases)" = 0 ] && [ "$(field "$line" failed_checks)" = 0 ] &&
    [ "$p99" -ge 0 ] && [ "$p99" -lt "$INTERVAL_MS" ] && [ "$n" -gt "$sustained" ]; then
    sustained=$n
  fi
done
echo "nodes_sustained_at_1s=$sustained"
