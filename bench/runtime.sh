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
#     Warm-up round trips are not measured. Each is run REPS times; the figures below are medians
#     over the runs.
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
# The last seven lines (the first two: the worse of tcp and ipc; the last four: medians of the
# REPS runs, tcp):
#   rtt_p50_ratio=               generated p50 round trip over raw p50 (lower is better)
#   throughput_ratio=            generated pipelined round trips/s over raw (higher is better)
#   healthcheck_sessions_per_s=  complete HealthCheck sessions per second
#   curve_rtt_p50_ratio=         CURVE p50 round trip over plaintext p50 (lower is better)
#   curve_rtt_p99_ratio=         CURVE p99 round trip over plaintext p99 (lower is better)
#   curve_throughput_ratio=      CURVE pipelined round trips/s over plaintext (higher is better)
#   curve_connect_ratio=         a fresh CURVE session until its first pong, over plaintext
#                                (lower is better)
#
# A quick run: --reps 1 --rounds 2000 --tput-rounds 20000 --connects 20 --hc-sessions 2000.
#
# Usage: bench/runtime.sh [--bin PATH] [--reps N] [--rounds N] [--tput-rounds N] [--window W]
#                         [--connects C] [--hc-sessions N] [--hc-nodes K]
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
    *) echo "usage: $0 [--bin PATH] [--reps N] [--rounds N] [--tput-rounds N] [--window W] [--connects C] [--hc-sessions N] [--hc-nodes K]" >&2
       exit 2 ;;
  esac
done
[ "$connects" -ge 1 ] 2>/dev/null || { echo "runtime.sh: --connects needs at least 1" >&2; exit 2; }
[ -x "$bin" ] || { echo "runtime.sh: $bin not found (build the project: target runtime_bench)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

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

echo "runtime.sh: $reps runs of each; latency: $rounds round trips per side, one session;" \
  "throughput: $tput_rounds round trips per side, window $window; CURVE: the same, and $connects fresh sessions per side;" \
  "HealthCheck: $hc_sessions sessions, $hc_nodes node processes"
start=$(date +%s)
for rep in $(seq 1 "$reps"); do
  for transport in tcp ipc; do
    line=$(run ping-pong --transport "$transport" --rounds "$rounds")
    for f in gen_p50_us gen_p99_us gen_rt_per_s raw_p50_us raw_p99_us raw_rt_per_s rtt_p50_ratio throughput_ratio; do
      printf "%s " "$(field $f "$line")"
    done >>"$work/lat.$transport"
    echo >>"$work/lat.$transport"
    line=$(run ping-pong --transport "$transport" --rounds "$tput_rounds" --window "$window")
    echo "$(field gen_rt_per_s "$line") $(field raw_rt_per_s "$line") $(field throughput_ratio "$line")" >>"$work/tput.$transport"
  done
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

printf "\nmedians of %d runs       | %8s %8s %9s | %12s\n" "$reps" p50_us p99_us b2b_rt/s "rt/s (W=$window)"
worst_rtt="" worst_tput=""
for transport in tcp ipc; do
  lat="$work/lat.$transport" tput="$work/tput.$transport"
  printf "%-5s gen               | %8.2f %8.2f %9.0f | %12.0f\n" "$transport" \
    "$(median "$lat" 1)" "$(median "$lat" 2)" "$(median "$lat" 3)" "$(median "$tput" 1)"
  printf "%-5s raw               | %8.2f %8.2f %9.0f | %12.0f\n" "$transport" \
    "$(median "$lat" 4)" "$(median "$lat" 5)" "$(median "$lat" 6)" "$(median "$tput" 2)"
  rtt=$(median "$lat" 7)
  tput_ratio=$(median "$tput" 3)
  printf "%-5s gen/raw (paired)  | %8.3f %8s %9.3f | %12.3f   runs: p50 %s| throughput %s\n" "$transport" \
    "$rtt" "" "$(median "$lat" 8)" "$tput_ratio" "$(awk '{ printf "%.2f ", $7 }' "$lat")" "$(awk '{ printf "%.2f ", $3 }' "$tput")"
  if [ -z "$worst_rtt" ] || awk -v a="$rtt" -v b="$worst_rtt" 'BEGIN { exit !(a > b) }'; then worst_rtt=$rtt; fi
  if [ -z "$worst_tput" ] || awk -v a="$tput_ratio" -v b="$worst_tput" 'BEGIN { exit !(a < b) }'; then worst_tput=$tput_ratio; fi
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
printf "healthcheck_sessions_per_s=%.0f\n" "$hc"
printf "curve_rtt_p50_ratio=%.3f\n" "$curve_rtt"
printf "curve_rtt_p99_ratio=%.3f\n" "$curve_p99"
printf "curve_throughput_ratio=%.3f\n" "$curve_tput"
printf "curve_connect_ratio=%.3f\n" "$curve_connect"
