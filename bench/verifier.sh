#!/usr/bin/env bash
# Benchmark of the verifier against SPIN on the same models, in one run.
#
# Families (bench/models.sh): fanout-n (a hub sends to n workers, each answers, then each is
# told done) and pairs-n (n independent client/server pairs looping request/response, the
# client choosing to stop). For each size, the same system is checked by
#   - gtype verify --no-reduction --no-progress (safety only, every interleaving, as pan
#     -DNOREDUCE -DSAFETY checks), for states per second and bytes per state;
#   - gtype verify --no-reduction with every check, for the memory the progress checks add;
#   - pan built with -DNOREDUCE -DSAFETY from `gtype promela`, for states per second;
#   - end to end, as users run them: gtype verify (partial-order reduction, every check: safety
#     and fair progress) against spin -a + gcc + pan with SPIN's default partial-order reduction
#     (the model declares xr for each channel's reader), safety only; states stored by each
#     (columns reduced, spin_r) and the peak resident memory of gtype and of pan.
# Sizes grow until a step needs more than the time limit (the searches without reduction, in
# practice). The last lines compare the two at the largest size all finished, per family and
# overall (worst of the families):
#   states_per_s_ratio_vs_spin=     gtype states/s over pan -DNOREDUCE states/s (higher is better)
#   time_to_verdict_ratio_vs_spin=  gtype seconds over spin+gcc+pan seconds (lower is better)
#   bytes_per_state_ratio_vs_spin=  gtype bytes/state (states, parents, hash table) over pan's
#                                   (its states alone, without its hash table; lower is better)
#   peak_rss_ratio_vs_spin=         gtype's peak memory end to end over pan's (lower is better)
#   progress_rss_ratio=             gtype's peak memory with every check over safety alone, both
#                                   without reduction (lower is better; 1 is free)
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

# Like timed, and also the command's peak resident memory in KiB: "SECONDS KIB".
timed_rss() {
  local seconds
  seconds=$(timed /usr/bin/time -f %M -o "$work/rss" "$@") || return 1
  echo "$seconds $(tail -n 1 "$work/rss")"
}

declare -A best
printf "%-7s %3s | %10s %8s %12s %6s | %10s %8s %12s %6s | %8s %6s | %9s %9s %8s %8s\n" \
  model n gtype_states gtype_s gtype_st/s B/st spin_states spin_s spin_st/s B/st reduced spin_r gtype_e2e spin_e2e g_MiB pan_MiB
for family in fanout pairs; do
  case $family in fanout) n=6 ;; pairs) n=3 ;; esac
  while :; do
    model="$work/$family$n"
    "$here/models.sh" "$family" "$n" >"$model.gtype"
    # gtype, safety only, every interleaving: the rate of exploration, as pan -DNOREDUCE's.
    read -r _ g_safety_kib <<<"$(timed_rss "$gtype" verify --no-progress --no-reduction --json --max-states 400000000 "$model.gtype")" || break
    [ -n "$g_safety_kib" ] || break
    g_states=$(json_field states)
    g_seconds=$(json_field seconds)
    g_bytes=$(json_field bytes_per_state)
    # The progress checks' memory on top of safety, without reduction (their worst case).
    read -r _ g_all_kib <<<"$(timed_rss "$gtype" verify --no-reduction --json --max-states 400000000 "$model.gtype")" || break
    [ -n "$g_all_kib" ] || break
    # gtype end to end, every check, as a user runs it (partial-order reduction on).
    read -r g_e2e g_e2e_kib <<<"$(timed_rss "$gtype" verify --json "$model.gtype")" || break
    [ -n "$g_e2e_kib" ] || break
    g_reduced=$(json_field states)
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
    # SPIN end to end, with its default reduction (and the model's xr assertions); pan's peak
    # memory measured apart, as gtype's is.
    s_e2e=$(timed bash -c "cd '$work' && spin -a '$model.pml' >/dev/null && gcc -O2 -DSAFETY -DMEMLIM=16000 -o pan pan.c && ./pan -m10000000") || break
    s_reduced=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' "$work/out")
    read -r _ s_e2e_kib <<<"$(cd "$work" && timed_rss ./pan -m10000000)" || break
    g_rate=$(echo "$g_states / ($g_seconds + 0.000001)" | bc)
    s_rate=$(echo "$s_states / ($s_seconds + 0.01)" | bc)
    printf "%-7s %3d | %10d %8.3f %12d %6d | %10d %8.3f %12d %6d | %8d %6d | %9.3f %9.3f %8.1f %8.1f\n" \
      "$family" "$n" "$g_states" "$g_seconds" "$g_rate" "$g_bytes" "$s_states" "$s_seconds" "$s_rate" "$s_bytes" \
      "$g_reduced" "$s_reduced" "$g_e2e" "$s_e2e" "$(echo "$g_e2e_kib / 1024" | bc -l)" "$(echo "$s_e2e_kib / 1024" | bc -l)"
    best[$family]="$n $g_rate $s_rate $g_e2e $s_e2e $g_bytes $s_bytes $g_e2e_kib $s_e2e_kib $g_all_kib $g_safety_kib"
    n=$((n + 1))
  done
done

worst_rate="" worst_time="" worst_bytes="" worst_rss="" worst_progress=""
worse() { (($(echo "$1 $2 $3" | bc -l))); }  # worse A '>' B: whether A is worse than B
for family in fanout pairs; do
  [ -n "${best[$family]:-}" ] || { echo "$family: no size finished within ${limit}s"; continue; }
  read -r n g_rate s_rate g_e2e s_e2e g_bytes s_bytes g_e2e_kib s_e2e_kib g_all_kib g_safety_kib <<<"${best[$family]}"
  rate=$(ratio "$g_rate" "$s_rate")
  time=$(ratio "$g_e2e" "$s_e2e")
  bytes=$(ratio "$g_bytes" "$s_bytes")
  rss=$(ratio "$g_e2e_kib" "$s_e2e_kib")
  progress=$(ratio "$g_all_kib" "$g_safety_kib")
  echo "$family-$n: states_per_s_ratio_vs_spin=$rate time_to_verdict_ratio_vs_spin=$time" \
    "bytes_per_state_ratio_vs_spin=$bytes peak_rss_ratio_vs_spin=$rss progress_rss_ratio=$progress"
  if [ -z "$worst_rate" ] || worse "$rate" '<' "$worst_rate"; then worst_rate=$rate; fi
  if [ -z "$worst_time" ] || worse "$time" '>' "$worst_time"; then worst_time=$time; fi
  if [ -z "$worst_bytes" ] || worse "$bytes" '>' "$worst_bytes"; then worst_bytes=$bytes; fi
  if [ -z "$worst_rss" ] || worse "$rss" '>' "$worst_rss"; then worst_rss=$rss; fi
  if [ -z "$worst_progress" ] || worse "$progress" '>' "$worst_progress"; then worst_progress=$progress; fi
done
echo "peak_rss_ratio_vs_spin=$worst_rss"
echo "progress_rss_ratio=$worst_progress"
echo "bytes_per_state_ratio_vs_spin=$worst_bytes"
echo "states_per_s_ratio_vs_spin=$worst_rate"
echo "time_to_verdict_ratio_vs_spin=$worst_time"
