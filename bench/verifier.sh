#!/usr/bin/env bash
# Benchmark of the verifier against SPIN on the same models, in one run.
#
# Families (bench/models.sh): fanout-n (a hub sends to n workers, each answers, then each is
# told done) and pairs-n (n independent client/server pairs looping request/response, the
# client choosing to stop). For each size, the same system is checked by
#   - gtype verify (safety only, --no-progress, as pan -DSAFETY checks), for states per second,
#   - pan built with -DNOREDUCE -DSAFETY from `gtype promela`, for states per second,
#   - end to end: gtype verify with every check (safety and fair progress) against
#     spin -a + gcc + pan with SPIN's default partial-order reduction.
# Sizes grow until either tool needs more than the time limit. The last lines compare the two
# at the largest size both finished, per family and overall (worst of the families):
#   states_per_s_ratio_vs_spin=   gtype states/s over pan -DNOREDUCE states/s (higher is better)
#   time_to_verdict_ratio_vs_spin=  gtype seconds over spin+gcc+pan seconds (lower is better)
#   bytes_per_state_ratio_vs_spin=  gtype bytes/state (states, parents, hash table) over pan's
#                                   (its states alone, without its hash table; lower is better)
#
# Usage: bench/verifier.sh [--limit SECONDS] [--gtype PATH]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gtype="$here/../build/bin/gtype"
limit=60
while [ $# -gt 0 ]; do
  case "$1" in
    --limit) limit=$2; shift 2 ;;
    --gtype) gtype=$2; shift 2 ;;
    *) echo "usage: $0 [--limit SECONDS] [--gtype PATH]" >&2; exit 2 ;;
  esac
done
for tool in spin gcc "$gtype"; do
  command -v "$tool" >/dev/null || { echo "verifier.sh: $tool not found (run scripts/deps.sh and build)" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
# Runs a command under a time limit; prints its wall time, or fails when it ran out of time.
timed() {
  local start end
  start=$(now)
  timeout "$limit" "$@" >"$work/out" 2>"$work/err" || return 1
  end=$(now)
  echo "$end - $start" | bc -l
}
json_field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$work/out"; }
ratio() { echo "scale=3; $1 / $2" | bc -l | sed 's/^\./0./'; }

declare -A best
printf "%-7s %3s | %10s %8s %12s %6s | %10s %8s %12s %6s | %9s %9s\n" \
  model n gtype_states gtype_s gtype_st/s B/st spin_states spin_s spin_st/s B/st gtype_e2e spin_e2e
for family in fanout pairs; do
  case $family in fanout) n=6 ;; pairs) n=3 ;; esac
  while :; do
    model="$work/$family$n"
    "$here/models.sh" "$family" "$n" >"$model.gtype"
    # gtype, safety only: the rate of exploration.
    if ! timed "$gtype" verify --no-progress --json --max-states 400000000 "$model.gtype" >/dev/null; then break; fi
    g_states=$(json_field states)
    g_seconds=$(json_field seconds)
    g_bytes=$(json_field bytes_per_state)
    # gtype end to end, every check, as a user runs it.
    g_e2e=$(timed "$gtype" verify "$model.gtype") || break
    # SPIN: the same automata as Promela.
    "$gtype" promela "$model.gtype" --protocol "$(sed -n 's/^local system \([A-Za-z0-9_]*\).*/\1/p' "$model.gtype")" >"$model.pml"
    (cd "$work" && spin -a "$model.pml" >/dev/null && gcc -O2 -DNOREDUCE -DSAFETY -DMEMLIM=16000 -o pan_noreduce pan.c)
    timed "$work/pan_noreduce" -m10000000 >/dev/null || break
    s_states=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' "$work/out")
    s_seconds=$(sed -n 's/^pan: elapsed time \([0-9.e+-]*\) seconds.*/\1/p' "$work/out")
    # pan's memory for the states it stored, leaving out its hash table, which it sizes up front
    # (-w): a bound in gtype's favour would be unfair, so the comparison is against SPIN's best.
    s_memory=$(sed -n 's/^ *\([0-9.]*\)[[:space:]]*actual memory usage for states.*/\1/p' "$work/out")
    s_bytes=$(echo "$s_memory * 1048576 / $s_states" | bc)
    # SPIN end to end, with its default reduction.
    s_e2e=$(timed bash -c "cd '$work' && spin -a '$model.pml' >/dev/null && gcc -O2 -DSAFETY -DMEMLIM=16000 -o pan pan.c && ./pan -m10000000") || break
    g_rate=$(echo "$g_states / ($g_seconds + 0.000001)" | bc)
    s_rate=$(echo "$s_states / ($s_seconds + 0.01)" | bc)
    printf "%-7s %3d | %10d %8.3f %12d %6d | %10d %8.3f %12d %6d | %9.3f %9.3f\n" \
      "$family" "$n" "$g_states" "$g_seconds" "$g_rate" "$g_bytes" "$s_states" "$s_seconds" "$s_rate" "$s_bytes" "$g_e2e" "$s_e2e"
    best[$family]="$n $g_rate $s_rate $g_e2e $s_e2e $g_bytes $s_bytes"
    n=$((n + 1))
  done
done

worst_rate="" worst_time="" worst_bytes=""
for family in fanout pairs; do
  [ -n "${best[$family]:-}" ] || { echo "$family: no size finished within ${limit}s"; continue; }
  read -r n g_rate s_rate g_e2e s_e2e g_bytes s_bytes <<<"${best[$family]}"
  rate=$(ratio "$g_rate" "$s_rate")
  time=$(ratio "$g_e2e" "$s_e2e")
  bytes=$(ratio "$g_bytes" "$s_bytes")
  echo "$family-$n: states_per_s_ratio_vs_spin=$rate time_to_verdict_ratio_vs_spin=$time bytes_per_state_ratio_vs_spin=$bytes"
  if [ -z "$worst_rate" ] || (($(echo "$rate < $worst_rate" | bc -l))); then worst_rate=$rate; fi
  if [ -z "$worst_time" ] || (($(echo "$time > $worst_time" | bc -l))); then worst_time=$time; fi
  if [ -z "$worst_bytes" ] || (($(echo "$bytes > $worst_bytes" | bc -l))); then worst_bytes=$bytes; fi
done
echo "bytes_per_state_ratio_vs_spin=$worst_bytes"
echo "states_per_s_ratio_vs_spin=$worst_rate"
echo "time_to_verdict_ratio_vs_spin=$worst_time"
