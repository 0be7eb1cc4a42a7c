#!/usr/bin/env bash
# Benchmark of the runtime and the generated API against raw cppzmq, and of CURVE against
# plaintext, in one run.
#
# (a) Round trips of BenchPingPong (bench/runtime/ping_pong.gtype: the client pings, the server
#     pongs the same int, until bye) over tcp://127.0.0.1 and ipc://, client and server in
#     separate processes, through the generated API and through the same exchange written with
#     raw cppzmq: same ROUTER/DEALER layout with routing ids, same socket options, the same
#     envelope bytes, every field checked on arrival (see the head of
#     bench/runtime/ping_pong.cpp). Both run in the same `runtime_bench ping-pong`, interleaved in
#     blocks of tens of milliseconds, gen and raw taking turns to go first, so that load
#     elsewhere on the machine hits both alike; a ratio is the median over the pairs of blocks.
#       latency:     one session, back-to-back round trips, each timed: p50 and p99 (b2b rt/s:
#                    the back-to-back rate of the same run);
#       throughput:  round trips per second with a pipelined window of W sessions, each with one
#                    ping in flight (a session's pings are sequential: the protocol alternates);
#                    the client answers every pong with that session's next ping (generated
#                    client: W session objects in serve(); raw client: frames in arrival order).
#     Warm-up round trips are not measured. Each is run REPS times, idle and loaded; the figures
#     below are medians over the runs.
#       idle:        nothing else of this script runs;
#       loaded:      this script keeps a busy loop running on the machine's last CPU (pinned with
#                    taskset where there is one; bounded by `timeout`, killed when the loaded runs
#                    of a rep are over and on exit), so that the benchmark's threads share the
#                    other core(s) and wake up next to a CPU that is never idle.
# (b) Complete HealthCheck sessions per second (protocols/health_check.gtype) over TCP: nodes,
#     state and log serve every session, K node processes open sessions back to back; a session
#     counts once every role it involves has reached its end (median of REPS runs).
# (c) What CURVE costs (tcp only): the generated API over CURVE against the generated API over
#     plaintext, measured as (a) is (`runtime_bench curve`: two servers, one client of each in
#     the same process, interleaved in blocks, taking turns to go first; a ratio is the median
#     over the pairs of blocks), for latency (p50 and p99) and pipelined throughput. The
#     connections, and their handshakes, are made in the warm-up: these are steady-state costs
#     per frame. The handshake is a cost per connection, measured apart (in the latency run):
#       connect:     a fresh session, including its connection setup: a new transport and
#                    endpoint, then the session's first round trip (the server connects back to
#                    answer, so CURVE makes two handshakes), timed until its pong is in; CURVE
#                    and plaintext take turns, C pairs (at most 10 s of them) after a warm-up
#                    pair; the ratio is the median over the pairs.
#     Both CURVE parties admit the other's public key only (bench/runtime/curve.cpp).
#
# On a virtual machine, round trips are much slower when the machine is otherwise idle (waking an
# idle virtual CPU costs tens of microseconds) than when other work keeps the CPUs busy; the
# fixed costs of either side weigh less then, and the ratios move towards 1.
#
# The last eight lines (the first three: the worst of the four cases tcp and ipc, idle and
# loaded, each a median of the REPS runs; the last four: medians of the REPS runs, tcp, idle):
#   rtt_p50_ratio=               generated p50 round trip over raw p50 (lower is better)
#   throughput_ratio=            generated pipelined round trips/s over raw (higher is better)
#   rtt_p99_ratio=               generated p99 round trip over raw p99 (lower is better)
#   healthcheck_sessions_per_s=  complete HealthCheck sessions per second
#   curve_rtt_p50_ratio=         CURVE p50 round trip over plaintext p50 (lower is better)
#   curve_rtt_p99_ratio=         CURVE p99 round trip over plaintext p99 (lower is better)
#   curve_throughput_ratio=      CURVE pipelined round trips/s over plaintext (higher is better)
#   curve_connect_ratio=         a fresh CURVE session until its first pong, over plaintext
#                                (lower is better)
#
# A quick run: --reps 1 --rounds 2000 --tput-rounds 20000 --connects 20 --hc-sessions 2000.
# --load-s bounds each busy loop's life (the loaded runs of one rep must fit in it).
#
# Usage: bench/runtime.sh [--bin PATH] [--reps N] [--rounds N] [--tput-rounds N] [--window W]
#                         [--connects C] [--hc-sessions N] [--hc-nodes K] [--load-s S]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin="$here/../build/bin/runtime_bench"
reps=5
rounds=10000        # timed round trips per side per latency run, in blocks of 500
tput_rounds=60000   # round trips per side per throughput run, in blocks of 5000
window=16
connects=50         # fresh sessions per side per CURVE latency run
hc_sessions=10000
hc_nodes=4
load_s=120          # at most this long per busy loop (one per rep)
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --tput-rounds) tput_rounds=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --connects) connects=$2; shift 2 ;;
    --hc-sessions) hc_sessions=$2; shift 2 ;;
    --hc-nodes) hc_nodes=$2; shift 2 ;;
    --load-s) load_s=$2; shift 2 ;;
    *) echo "usage: $0 [--bin PATH] [--reps N] [--rounds N] [--tput-rounds N] [--window W] [--connects C] [--hc-sessions N] [--hc-nodes K] [--load-s S]" >&2
       exit 2 ;;
  esac
done
[ "$connects" -ge 1 ] 2>/dev/null || { echo "runtime.sh: --connects needs at least 1" >&2; exit 2; }
[ -x "$bin" ] || { echo "runtime.sh: $bin not found (build the project: target runtime_bench)" >&2; exit 2; }

work=$(mktemp -d)
load_pid=""
# The busy loop of the loaded runs: on the last CPU, pinned when taskset is there.
load_cpu=$(($(nproc) - 1))
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c "$load_cpu"); fi
start_load() {
  timeout "$load_s" "${pin[@]}" bash -c 'while :; do :; done' &
  load_pid=$!
  sleep 0.2  # scheduled and spinning before the first measured block
}
stop_load() {
  [ -n "$load_pid" ] || return 0
  kill "$load_pid" 2>/dev/null || true
  wait "$load_pid" 2>/dev/null || true
  load_pid=""
}
trap 'stop_load; rm -rf "$work"' EXIT

# field NAME LINE: the value of NAME=... in a line of key=value pairs.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }
# The median of the numbers in file $1 (column $2, default 1).
median() {
  awk -v c="${2:-1}" '{ print $c }' "$1" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
run() {
  local out
  if ! out=$("$bin" "$@" 2>"$work/err"); then
    echo "runtime.sh: runtime_bench $* failed:" >&2
    cat "$work/err" >&2
    exit 1
  fi
  echo "$out"
}

echo "runtime.sh: $reps runs of each (ping-pong idle and loaded); latency: $rounds round trips per side, one session;" \
  "throughput: $tput_rounds round trips per side, window $window; CURVE: the same, and $connects fresh sessions per side;" \
  "HealthCheck: $hc_sessions sessions, $hc_nodes node processes"
start=$(date +%s)
# ping_pong LOAD: one latency and one throughput run of each transport, into $work/*.LOAD.*
ping_pong() {
  local transport line f
  for transport in tcp ipc; do
    line=$(run ping-pong --transport "$transport" --rounds "$rounds")
    for f in gen_p50_us gen_p99_us gen_rt_per_s raw_p50_us raw_p99_us raw_rt_per_s rtt_p50_ratio throughput_ratio \
      rtt_p99_ratio; do
      printf "%s " "$(field $f "$line")"
    done >>"$work/lat.$1.$transport"
    echo >>"$work/lat.$1.$transport"
    line=$(run ping-pong --transport "$transport" --rounds "$tput_rounds" --window "$window")
    echo "$(field gen_rt_per_s "$line") $(field raw_rt_per_s "$line") $(field throughput_ratio "$line")" \
      >>"$work/tput.$1.$transport"
  done
}
for rep in $(seq 1 "$reps"); do
  ping_pong idle
  start_load
  ping_pong loaded
  stop_load
  line=$(run curve --transport tcp --rounds "$rounds" --connects "$connects")
  for f in curve_p50_us curve_p99_us curve_rt_per_s plain_p50_us plain_p99_us plain_rt_per_s \
    curve_rtt_p50_ratio curve_rtt_p99_ratio curve_throughput_ratio curve_connect_us plain_connect_us curve_connect_ratio; do
    printf "%s " "$(field $f "$line")"
  done >>"$work/curve.lat"
  echo >>"$work/curve.lat"
  line=$(run curve --transport tcp --rounds "$tput_rounds" --window "$window")
  echo "$(field curve_rt_per_s "$line") $(field plain_rt_per_s "$line") $(field curve_throughput_ratio "$line")" >>"$work/curve.tput"
  line=$(run health-check --nodes "$hc_nodes" --sessions "$hc_sessions")
  field sessions_per_s "$line" >>"$work/hc"
done

# lat.*'s columns: gen p50, p99, b2b rt/s; the same for raw; the ratios of p50, b2b rt/s, p99.
# tput.*'s: gen, raw rt/s; ratio.
printf "\n%-23s| %-40s | %-40s\n" "medians of $reps runs" idle "loaded (busy loop on CPU $load_cpu)"
printf "%-23s" ""
for load in idle loaded; do printf "| %8s %8s %9s %12s " p50_us p99_us b2b_rt/s "rt/s (W=$window)"; done
echo
worst_rtt="" worst_tput="" worst_p99=""
worse() {  # worse CURRENT VALUE max|min: the worse of the two
  if [ -z "$1" ] || awk -v a="$2" -v b="$1" -v m="$3" 'BEGIN { exit !(m == "max" ? a > b : a < b) }'; then echo "$2"; else echo "$1"; fi
}
for transport in tcp ipc; do
  for side in gen:0 raw:3; do
    name=${side%:*} at=${side#*:}
    printf "%-5s %-17s" "$transport" "$name"
    for load in idle loaded; do
      lat="$work/lat.$load.$transport" tput="$work/tput.$load.$transport"
      printf "| %8.2f %8.2f %9.0f %12.0f " "$(median "$lat" $((at + 1)))" "$(median "$lat" $((at + 2)))" \
        "$(median "$lat" $((at + 3)))" "$(median "$tput" $((at == 0 ? 1 : 2)))"
    done
    echo
  done
  printf "%-5s %-17s" "$transport" "gen/raw (paired)"
  for load in idle loaded; do
    lat="$work/lat.$load.$transport" tput="$work/tput.$load.$transport"
    rtt=$(median "$lat" 7) p99=$(median "$lat" 9) tput_ratio=$(median "$tput" 3)
    printf "| %8.3f %8.3f %9.3f %12.3f " "$rtt" "$p99" "$(median "$lat" 8)" "$tput_ratio"
    worst_rtt=$(worse "$worst_rtt" "$rtt" max)
    worst_p99=$(worse "$worst_p99" "$p99" max)
    worst_tput=$(worse "$worst_tput" "$tput_ratio" min)
  done
  echo
done
for transport in tcp ipc; do
  for load in idle loaded; do
    lat="$work/lat.$load.$transport" tput="$work/tput.$load.$transport"
    printf "  runs, %s %-6s: p50 %s| p99 %s| throughput %s\n" "$transport" "$load" \
      "$(awk '{ printf "%.2f ", $7 }' "$lat")" "$(awk '{ printf "%.2f ", $9 }' "$lat")" \
      "$(awk '{ printf "%.2f ", $3 }' "$tput")"
  done
done
# curve.lat's columns: curve p50, p99, b2b rt/s; the same for plain; the ratios of p50, p99 and
# b2b rt/s; curve and plain connect_us; connect ratio. curve.tput's: curve, plain rt/s; ratio.
lat="$work/curve.lat" tput="$work/curve.tput"
printf "\n%-27s| %8s %8s %9s | %12s | %10s\n" "CURVE, generated API" p50_us p99_us b2b_rt/s "rt/s (W=$window)" connect_us
for side in curve:0 plain:3; do
  name=${side%:*} at=${side#*:}
  printf "%-5s %-21s| %8.2f %8.2f %9.0f | %12.0f | %10.1f\n" tcp "$name" "$(median "$lat" $((at + 1)))" \
    "$(median "$lat" $((at + 2)))" "$(median "$lat" $((at + 3)))" "$(median "$tput" $((at == 0 ? 1 : 2)))" \
    "$(median "$lat" $((at == 0 ? 10 : 11)))"
done
curve_rtt=$(median "$lat" 7) curve_p99=$(median "$lat" 8) curve_tput=$(median "$tput" 3) curve_connect=$(median "$lat" 12)
printf "%-5s %-21s| %8.3f %8.3f %9.3f | %12.3f | %10.3f\n" tcp "curve/plain (paired)" \
  "$curve_rtt" "$curve_p99" "$(median "$lat" 9)" "$curve_tput" "$curve_connect"
echo "  runs: p50 $(awk '{ printf "%.2f ", $7 }' "$lat")| p99 $(awk '{ printf "%.2f ", $8 }' "$lat")|" \
  "throughput $(awk '{ printf "%.2f ", $3 }' "$tput")| connect $(awk '{ printf "%.2f ", $12 }' "$lat")"
hc=$(median "$work/hc")
echo "HealthCheck over tcp, $hc_nodes node processes, $hc_sessions sessions a run: $(tr '\n' ' ' <"$work/hc")sessions/s"
echo "($(($(date +%s) - start)) s)"
printf "rtt_p50_ratio=%.3f\n" "$worst_rtt"
printf "throughput_ratio=%.3f\n" "$worst_tput"
printf "rtt_p99_ratio=%.3f\n" "$worst_p99"
printf "healthcheck_sessions_per_s=%.0f\n" "$hc"
printf "curve_rtt_p50_ratio=%.3f\n" "$curve_rtt"
printf "curve_rtt_p99_ratio=%.3f\n" "$curve_p99"
printf "curve_throughput_ratio=%.3f\n" "$curve_tput"
printf "curve_connect_ratio=%.3f\n" "$curve_connect"
