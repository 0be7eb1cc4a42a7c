#!/usr/bin/env bash
# The multi-host test (issue 12, item 5): the control services in one Linux network namespace,
# 12 node daemons in three others (4 each, as if on three machines), the c12s command in a
# fifth, all over CURVE, joined by a bridge in a namespace of its own (the machine's own network is
# never touched: every address, link and process is in namespaces this script creates and
# deletes). Steps, each failing the test with its name and why:
#
#   1. the thesis's section 5.3 experiment across hosts: 12 nodes register, queries find them
#      (9 Raspberry Pis, 3 BeagleBones), a mutate forms 4 clusters of 3, `list` and
#      `list --detail` show them, the same topology again changes nothing;
#   2. a 13th daemon whose key was made but never registered is refused, the nodes service logs
#      the refusal ("refused", with that key), and the node never appears (query, logs, registry);
#   3. a process without node-5's key cannot report health for node-5: node-5's daemon killed
#      (declared dead), a daemon configured as node-5 with node-6's key (registered, as node-6) is
#      refused ("may report health for itself only"), node-5 stays dead and its registered
#      address stays its own; the real node-5 started again is alive again;
#   4. a second user (bob) cannot list or mutate the first user's (alice's) topology, nor read
#      its task's log; the refusal says why and is logged; alice's topology is unchanged;
#   5. cutting one host's link (ip link set eth0 down in its namespace) makes its 4 nodes dead
#      within their lease, and nobody else; with the link back they are alive again.
#
# Usage: multihost_test.sh C12S_BINARY [WORK_DIR]
# WORK_DIR (default ./multihost-run) is emptied, then holds the system's data and keys, and
# logs/, one file per process (services/, host-a/, host-b/, host-c/, cli.log: every command and
# its output). On failure the relevant logs are printed. Exit status 0: passed; 1: failed; 77:
# skipped (not root, no `ip`, or the machine refuses network namespaces), as CTest's
# SKIP_RETURN_CODE says. Every wait is bounded; the whole run gives up after DEADLINE seconds.
set -uo pipefail

C12S=${1:?usage: multihost_test.sh C12S_BINARY [WORK_DIR]}
WORK=${2:-$PWD/multihost-run}
DEADLINE=${C12S_MULTIHOST_DEADLINE:-200}  # below the CTest TIMEOUT (240 s), so cleanup runs
# The deadline: the script runs again under `timeout`, which sends it TERM after DEADLINE s (the
# TERM trap reports the step and cleans up; the longest command it may wait for first takes 20 s)
# and signals nothing else, ever.
if [ -z "${C12S_MULTIHOST_UNDER_TIMEOUT:-}" ]; then
  C12S_MULTIHOST_UNDER_TIMEOUT=1 exec timeout --kill-after=40 "$DEADLINE" bash "$0" "$@"
fi

skip() {
  echo "SKIP: multihost test: $*"
  exit 77
}

[ -x "$C12S" ] || { echo "FAIL: multihost test: no c12s binary at $C12S" >&2; exit 1; }
C12S=$(realpath "$C12S")
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces: ip netns add); run as root to test across hosts"
command -v ip >/dev/null || skip "needs the ip command (Debian: iproute2)"

# ------------------------------------------------------------------ names and addresses
# Everything is named after this run's pid, so that runs never collide and a run that was killed
# (its namespaces left behind) is recognised and cleaned up by the next one.
ID=$$
PREFIX=c12s-mh
NS_SW=$PREFIX-$ID-switch    # the bridge: the LAN between the hosts
NS_CTL=$PREFIX-$ID-control  # the control services
NS_CLI=$PREFIX-$ID-client   # the c12s command (a user's machine)
HOSTS=(a b c)               # the node hosts: node-1..4 on a, node-5..8 on b, node-9..12 on c
declare -A NS_HOST IP_HOST
for h in "${HOSTS[@]}"; do NS_HOST[$h]=$PREFIX-$ID-host-$h; done
NAMESPACES=("$NS_SW" "$NS_CTL" "$NS_CLI" "${NS_HOST[a]}" "${NS_HOST[b]}" "${NS_HOST[c]}")
SUBNET=10.77.0
CTL_IP=$SUBNET.1
CLI_IP=$SUBNET.100
IP_HOST[a]=$SUBNET.11
IP_HOST[b]=$SUBNET.12
IP_HOST[c]=$SUBNET.13
BASE_PORT=7400    # the services' ports (BASE ... BASE+22), in the control namespace
NODE_PORT=7500    # node-i takes formations at NODE_PORT + 3(i-1), SWIM at the next two
LEASE=6           # the nodes and state services' lease (s): NodesOptions/StateOptions::lease

DATA=$WORK/data      # the control plane's data: system.yaml, keys/, the services' databases
LOGS=$WORK/logs
SYSTEM=$DATA/system.yaml
ADMIN_KEY=$WORK/client/alice.key  # the test's user, an admin (c12s user add alice --admin)
USER2_KEY=$WORK/client/bob.key    # a second, plain user (c12s user add bob)

# ------------------------------------------------------------------ processes and cleanup
declare -A PID       # name -> pid of every process this script started in a namespace
declare -A PROC_LOG  # name -> its log
STEP=setup
STEP_NAME="namespaces, keys and services"
RELEVANT=()  # logs to print should the current step fail

stop_processes() {
  local name pid
  for name in "${!PID[@]}"; do kill -TERM "${PID[$name]}" 2>/dev/null; done
  for _ in $(seq 50); do
    local alive=0
    for name in "${!PID[@]}"; do kill -0 "${PID[$name]}" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  for name in "${!PID[@]}"; do kill -KILL "${PID[$name]}" 2>/dev/null; done
  for name in "${!PID[@]}"; do { wait "${PID[$name]}"; } 2>/dev/null; done
  PID=()
}

# Deletes the namespaces of run `id` (this one, or one killed before its cleanup), first ending
# what still runs in them, by pid: only processes such a run started live there.
delete_namespaces() {
  local id=$1 ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$PREFIX-$id-"); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_processes
  delete_namespaces "$ID"
  if grep -q "^$PREFIX-$ID-" <<<"$(ip netns list 2>/dev/null)"; then
    echo "warning: namespaces left behind: $(ip netns list | grep "^$PREFIX-$ID-" | tr '\n' ' ')" >&2
  fi
  echo "logs: $LOGS"
  exit $status
}
trap cleanup EXIT
trap 'echo "FAIL: step $STEP ($STEP_NAME): interrupted" >&2; show_logs; exit 1' INT
trap 'echo "FAIL: step $STEP ($STEP_NAME): the test did not end within ${DEADLINE} s" >&2; show_logs; exit 1' TERM

# Prints the last lines of the logs relevant to the current step, and the services'.
show_logs() {
  local file
  local -A shown=()
  for file in "${RELEVANT[@]}" "$LOGS/services/nodes.log" "$LOGS/services/state.log" "$LOGS/cli.log"; do
    [ -n "${shown[$file]:-}" ] && continue
    shown[$file]=1
    [ -f "$file" ] || continue
    echo "----- ${file#"$WORK"/} (last 40 lines)" >&2
    tail -n 40 "$file" >&2
  done
  echo "----- every process's log is in $LOGS" >&2
}

fail() {
  echo "FAIL: step $STEP ($STEP_NAME): $*" >&2
  show_logs
  exit 1
}

step() {
  STEP=$1
  STEP_NAME=$2
  RELEVANT=()
  STEP_STARTED=$SECONDS
  echo "=== step $STEP: $STEP_NAME"
}

pass() { echo "PASS: step $STEP ($STEP_NAME)${1:+: $1} [$((SECONDS - STEP_STARTED)) s]"; }

# Starts `name` in namespace `ns` in the background (args: the command), its output in `log`.
# It dies with this script (PR_SET_PDEATHSIG) should the script be killed without cleanup.
start() {
  local name=$1 ns=$2 log=$3
  shift 3
  mkdir -p "$(dirname "$log")"
  ip netns exec "$ns" setpriv --pdeathsig TERM "$@" >>"$log" 2>&1 &
  PID[$name]=$!
  PROC_LOG[$name]=$log
}

stop() {  # name [signal]
  local name=$1 signal=${2:-TERM}
  kill -"$signal" "${PID[$name]}" 2>/dev/null
  for _ in $(seq 50); do
    kill -0 "${PID[$name]}" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "${PID[$name]}" 2>/dev/null
  { wait "${PID[$name]}"; } 2>/dev/null  # and no "Killed" line from bash
  unset "PID[$name]"
}

# Polls `command...` every half second until it succeeds or `seconds` have passed; 1 on timeout.
wait_until() {
  local seconds=$1
  shift
  local until=$((SECONDS + seconds))
  while true; do
    "$@" && return 0
    [ $SECONDS -ge $until ] && return 1
    sleep 0.5
  done
}

# ------------------------------------------------------------------ the command, as a user
# Runs `c12s ARGS` in namespace CLI_NS (the client's, see setup) with `key`: OUT its standard
# output, ERR its standard error, RC its status; everything also goes to logs/cli.log.
c12s_as() {
  local key=$1
  shift
  OUT=$(ip netns exec "$CLI_NS" timeout 20 "$C12S" "$@" --system "$SYSTEM" --key "$key" 2>"$WORK/cli.err")
  RC=$?
  ERR=$(cat "$WORK/cli.err")
  {
    echo "\$ c12s $* (key ${key##*/}, exit $RC)"
    [ -n "$OUT" ] && echo "$OUT"
    [ -n "$ERR" ] && echo "stderr: $ERR"
  } >>"$LOGS/cli.log"
  return 0
}
c12s_admin() { c12s_as "$ADMIN_KEY" "$@"; }

# The ids in the first column of a table (the header left out), sorted, space-separated.
first_column() { echo "$1" | tail -n +2 | awk '{print $1}' | sort | tr '\n' ' ' | sed 's/ $//'; }

# ------------------------------------------------------------------ the network
# A bridge in a namespace of its own (the LAN), one veth pair per "machine": eth0 in the
# machine's namespace, v-NAME on the bridge. Created directly in their namespaces, so nothing
# appears in the machine's own network namespace, whose firewall is thus never in the way.
make_network() {
  local ns err
  # A run killed before its cleanup leaves its namespaces: end them (their pid is not running).
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$PREFIX-[0-9]*-" || true); do
    local other=${ns#"$PREFIX"-}
    other=${other%%-*}
    [ "$other" != "$ID" ] && ! kill -0 "$other" 2>/dev/null && delete_namespaces "$other"
  done
  if ! err=$(ip netns add "$NS_SW" 2>&1); then
    skip "this machine refuses network namespaces (ip netns add: $err)"
  fi
  for ns in "${NAMESPACES[@]:1}"; do ip netns add "$ns" || fail "ip netns add $ns"; done
  for ns in "${NAMESPACES[@]}"; do ip -n "$ns" link set lo up || fail "lo up in $ns"; done
  ip -n "$NS_SW" link add br0 type bridge || fail "cannot make a bridge"
  ip -n "$NS_SW" link set br0 up || fail "bridge up"
  plug() {  # namespace, name on the bridge, address
    ip link add eth0 netns "$1" type veth peer name "v-$2" netns "$NS_SW" || fail "veth for $2"
    ip -n "$NS_SW" link set "v-$2" master br0 up || fail "v-$2 on the bridge"
    ip -n "$1" addr add "$3/24" dev eth0 || fail "address $3"
    ip -n "$1" link set eth0 up || fail "eth0 up in $1"
  }
  plug "$NS_CTL" control "$CTL_IP"
  plug "$NS_CLI" client "$CLI_IP"
  for h in "${HOSTS[@]}"; do plug "${NS_HOST[$h]}" "host-$h" "${IP_HOST[$h]}"; done
}

# ------------------------------------------------------------------ keys and the system map
# The system map, keyed: `c12s up --nodes 0` in the control namespace writes it (on 127.0.0.1)
# with the services' key pairs (keys/service-NAME.key) and the admitted-keys file, and is
# stopped at once; its addresses are then moved to the control namespace's address.
make_system_map() {
  start up "$NS_CTL" "$LOGS/up.log" "$C12S" up --data "$DATA" --nodes 0 --port "$BASE_PORT"
  RELEVANT=("$LOGS/up.log")
  wait_until 30 grep -qs "c12s is up" "$LOGS/up.log" || fail "c12s up --nodes 0 did not come up in 30 s"
  stop up
  grep -q '#' "$SYSTEM" || fail "the system map of c12s up is not keyed (no CURVE): $SYSTEM"
  sed -i "s#tcp://127\.0\.0\.1:#tcp://$CTL_IP:#" "$SYSTEM"
  grep -q "tcp://127\." "$SYSTEM" && fail "the system map still names 127.x addresses"
  NODES_ADDRESS=$(awk '$1 == "HealthCheck/nodes:" {print $2}' "$SYSTEM")
  [ -n "$NODES_ADDRESS" ] || fail "no HealthCheck/nodes address in $SYSTEM"
  # The system's entry, where a daemon joins (when the map has one), else the nodes service's.
  ENTRY_ADDRESS=$(awk '$1 == "Join/entry:" {print $2}' "$SYSTEM")
}

# The daemon configuration of `id` (listing 5.2) with the labels `c12s up` gives node i: every
# fourth node a BeagleBone, the others Raspberry Pis.
node_config() {  # id, i, file
  local labels
  if [ $(($2 % 4)) -eq 0 ]; then
    labels="os: linux, arch: arm, model: beaglebone, memory: 512MB, storage: 4GB, cpu: 1GHz, cores: '1'"
  else
    labels="os: linux, arch: arm, model: rpi, memory: 4GB, storage: 32GB, cpu: 1.5GHz, cores: '4'"
  fi
  cat >"$3" <<EOF
# The daemon of $1 (listing 5.2), written by the multi-host test.
star:
  version: v1
  nodeid: $1
  name: $1
  flusher: '${ENTRY_ADDRESS:-$NODES_ADDRESS}'
  healthcheck:
    address: '$NODES_ADDRESS'
    topic: health
    interval: 1s
  labels: {$labels}
EOF
}

host_of() { echo "${HOSTS[$((($1 - 1) / 4))]}"; }  # node i -> its host

# On each host, its nodes' key pairs (c12s key new, there); on the control host, each public key
# registered (c12s node add) and the two users added. node-13's key is made and never registered.
make_keys() {
  local i h dir
  for i in $(seq 13); do
    h=$(host_of $((i > 12 ? 12 : i)))
    dir=$WORK/host-$h
    mkdir -p "$dir"
    ip netns exec "${NS_HOST[$h]}" "$C12S" key new "$dir/node-$i.key" >>"$LOGS/keys.log" 2>&1 ||
      fail "c12s key new $dir/node-$i.key (see logs/keys.log)"
    [ "$i" -eq 13 ] && continue
    ip netns exec "$NS_CTL" "$C12S" node add "node-$i" --key "$dir/node-$i.key.pub" --system "$SYSTEM" \
      >>"$LOGS/keys.log" 2>&1 || fail "c12s node add node-$i (see logs/keys.log)"
  done
  mkdir -p "$WORK/client"
  ip netns exec "$NS_CTL" "$C12S" user add alice --admin --out "$ADMIN_KEY" --system "$SYSTEM" \
    >>"$LOGS/keys.log" 2>&1 || fail "c12s user add alice --admin (see logs/keys.log)"
  ip netns exec "$NS_CTL" "$C12S" user add bob --out "$USER2_KEY" --system "$SYSTEM" \
    >>"$LOGS/keys.log" 2>&1 || fail "c12s user add bob (see logs/keys.log)"
}

# ------------------------------------------------------------------ services and daemons
SERVICES=(log nodes state queue push scheduler)  # start order: each after those it calls
# Where the services listen: every interface, as a real control host would; each service then
# advertises its map addresses' host, its session-starting roles included.
SERVICE_BIND=${C12S_MULTIHOST_BIND:-tcp://0.0.0.0}

start_services() {
  local s
  for s in "${SERVICES[@]}"; do
    start "$s" "$NS_CTL" "$LOGS/services/$s.log" "$C12S" service "$s" --system "$SYSTEM" --bind "$SERVICE_BIND"
  done
}

# How a daemon on another host joins the system: the one place to change.
#   system: with a copy of the system map (--system; the namespaces share this file system, so
#           the same file), as today;
#   entry:  with only the system's entry address and its key (--join, the map's Join/entry), as
#           a host of its own does (the default).
DAEMON_JOIN=${C12S_MULTIHOST_JOIN:-entry}
daemon_join_args() {
  case $DAEMON_JOIN in
    system) JOIN_ARGS=(--system "$SYSTEM") ;;
    entry)
      [ -n "$ENTRY_ADDRESS" ] || fail "the system map has no Join/entry address to join with: $SYSTEM"
      JOIN_ARGS=(--join "$ENTRY_ADDRESS")
      ;;
    *) fail "C12S_MULTIHOST_JOIN is system or entry, not '$DAEMON_JOIN'" ;;
  esac
}

# Starts daemon `name` as node `id` of config `i`'s labels on host `h`, at port `port`, with `key`.
start_daemon() {  # name id i h port key
  local name=$1 id=$2 i=$3 h=$4 port=$5 key=$6
  local dir=$WORK/host-$h
  node_config "$id" "$i" "$dir/$name.yaml"
  daemon_join_args
  start "$name" "${NS_HOST[$h]}" "$LOGS/host-$h/$name.log" "$C12S" daemon --config "$dir/$name.yaml" \
    "${JOIN_ARGS[@]}" --listen "tcp://0.0.0.0:$port" --advertise "tcp://${IP_HOST[$h]}" --key "$key" \
    --formation-file "$dir/$name.formation"
}
node_port() { echo $((NODE_PORT + 3 * ($1 - 1))); }
start_node() { start_daemon "node-$1" "node-$1" "$1" "$(host_of "$1")" "$(node_port "$1")" "$WORK/host-$(host_of "$1")/node-$1.key"; }

# The registry's view of node `id` (the nodes service's database, read-only): its address, or "".
registry_address() {
  sqlite3 -readonly -cmd '.timeout 2000' "$DATA/nodes/nodes.db" "SELECT address FROM nodes WHERE id = '$1'" 2>/dev/null
}
HAVE_SQLITE=0
command -v sqlite3 >/dev/null && HAVE_SQLITE=1

# Checks that a process is still running; fails naming it with its log otherwise.
expect_running() {
  local name
  for name in "$@"; do
    if ! kill -0 "${PID[$name]}" 2>/dev/null; then
      RELEVANT+=("${PROC_LOG[$name]}")
      fail "$name exited (see ${PROC_LOG[$name]#"$WORK"/})"
    fi
  done
}

# ================================================================== setup
rm -rf "$WORK"
mkdir -p "$WORK" "$LOGS"
chmod 700 "$WORK"
echo "=== setup: namespaces $PREFIX-$ID-*, control $CTL_IP, client $CLI_IP, hosts a ${IP_HOST[a]}, b ${IP_HOST[b]}, c ${IP_HOST[c]}; work in $WORK"
make_network
# The LAN works: the client reaches the control host's address (bash's /dev/tcp to a closed
# port: "Connection refused" is the control host's answer).
lan_works() { [[ "$(ip netns exec "$NS_CLI" timeout 2 bash -c "exec 3<>/dev/tcp/$CTL_IP/9" 2>&1)" == *refused* ]]; }
wait_until 10 lan_works || fail "the client namespace cannot reach $CTL_IP over the bridge within 10 s"
make_system_map
make_keys
start_services
RELEVANT=("$LOGS"/services/*.log)
# The services answer the command on the control host.
CLI_NS=$NS_CTL
wait_until 20 eval 'c12s_admin list; [ "$RC" -eq 0 ]' ||
  fail "c12s list on the control host does not answer within 20 s: $OUT $ERR"
expect_running "${SERVICES[@]}"
echo "setup: 6 services up in $NS_CTL at $SERVICE_BIND (system map $SYSTEM) [$SECONDS s]"
# And from the client host, a machine of its own, where every step below runs it: the command
# listens for answers on the interface its requests leave from (system::command_network).
CLI_NS=$NS_CLI
c12s_admin list
[ "$RC" -eq 0 ] || fail "c12s list from the client host $CLI_IP fails (exit $RC): $ERR"
echo "setup: the command works from the client host $CLI_IP: the steps run it there"

# ================================================================== step 1
step 1 "the thesis's section 5.3 experiment across hosts"
for i in $(seq 12); do start_node "$i"; done
# The 13th daemon (step 2) starts with them: a key made on host c, never registered.
start_daemon node-13 node-13 13 c "$(node_port 13)" "$WORK/host-c/node-13.key"
RELEVANT=("$LOGS/host-a/node-1.log" "$LOGS/host-b/node-5.log" "$LOGS/host-c/node-9.log")
registered() {
  c12s_admin query --selector os=linux --subset
  [ "$RC" -eq 0 ] && [ "$(first_column "$OUT" | wc -w)" -ge 12 ]
}
wait_until 30 registered || fail "12 nodes did not register within 30 s; the query says: $OUT $ERR"
expect_running node-{1..12}
# 9 Raspberry Pis and 3 BeagleBones, on the three hosts.
RPI=os=linux,arch=arm,model=rpi,memory=2GB,storage=16GB,cpu=1GHz,cores=2
BEAGLEBONE=os=linux,arch=arm,model=beaglebone,memory=256MB,storage=2GB,cpu=1GHz,cores=1
c12s_admin query --selector "$RPI"
[ "$RC" -eq 0 ] || fail "query --selector $RPI: exit $RC: $ERR"
[ "$(first_column "$OUT")" = "node-1 node-10 node-11 node-2 node-3 node-5 node-6 node-7 node-9" ] ||
  fail "the Raspberry Pi query found $(first_column "$OUT"), not the 9 Raspberry Pis: $OUT"
c12s_admin query --selector "$BEAGLEBONE"
[ "$(first_column "$OUT")" = "node-12 node-4 node-8" ] ||
  fail "the BeagleBone query found $(first_column "$OUT"), not node-4, node-8 and node-12: $OUT $ERR"
# Each registered at its own host's address, keyed with its own key.
if [ $HAVE_SQLITE -eq 1 ]; then
  for i in 1 5 9; do
    address=$(registry_address "node-$i")
    expected="tcp://${IP_HOST[$(host_of $i)]}:$(node_port $i)#$(cat "$WORK/host-$(host_of $i)/node-$i.key.pub")"
    [ "$address" = "$expected" ] || fail "node-$i is registered at '$address', not at its host's $expected"
  done
fi

# The experiment's topologies, as the scenario test has them (tests/data/experiment/).
cp "$(dirname "$0")/../data/experiment/"{four,reordered,three}.yaml "$WORK/client/" ||
  fail "cannot copy the experiment's topologies"
RELEVANT+=("$LOGS/services/push.log" "$LOGS/services/scheduler.log" "$LOGS/host-a/node-4.log")
c12s_admin mutate -f "$WORK/client/four.yaml"
[ "$RC" -eq 0 ] && [[ "$OUT" =~ task\ ([0-9a-f]{16}):\ topology\ experiment\ formed ]] ||
  fail "mutate four.yaml (4 clusters of 3) did not form the topology (exit $RC): $OUT $ERR"
TASK=${BASH_REMATCH[1]}
c12s_admin list
row=$(echo "$OUT" | awk '$1 == "experiment" {print $2, $3, $4, $5, $6}')
[ "$RC" -eq 0 ] && [ "$row" = "2 4 12 100 os=linux" ] ||
  fail "list does not show experiment with 2 regions, 4 clusters, 12 nodes, 100% alive, os=linux: $OUT $ERR"
c12s_admin list --detail
expected_detail="experiment/region1/cluster1 node-1 node-2 node-3
experiment/region1/cluster2 node-4 node-5 node-6
experiment/region2/cluster3 node-7 node-8 node-9
experiment/region2/cluster4 node-10 node-11 node-12"
detail=$(echo "$OUT" | awk '/^[^ ]/ {if (line) print line; line = $1; next}
                           /^  / && $1 != "ID" {line = line " " $1; if ($3 != "used") line = line "(" $3 ")"}
                           END {if (line) print line}')
[ "$detail" = "$expected_detail" ] ||
  fail "list --detail does not show the 4 clusters of 3 used nodes; it shows:
$OUT $ERR"
c12s_admin logs get "$TASK"
[[ "$OUT" == *state=CREATED* ]] || fail "the log of task $TASK has no state=CREATED: $OUT $ERR"
c12s_admin mutate -f "$WORK/client/reordered.yaml"
[ "$RC" -eq 0 ] && [[ "$OUT" == *"topology experiment already exists: nothing to do"* ]] ||
  fail "the same topology again (reordered) was not 'already exists: nothing to do' (exit $RC): $OUT $ERR"
c12s_admin list --detail
[ "$(grep -c '^experiment/' <<<"$OUT")" -eq 4 ] || fail "after the same topology again, list --detail shows: $OUT"
for i in 1 5 12; do
  [ -s "$WORK/host-$(host_of $i)/node-$i.formation" ] || fail "node-$i on host $(host_of $i) kept no formation"
done
pass "12 nodes on 3 hosts registered; 9 + 3 found; task $TASK formed 4 clusters of 3; the same again changed nothing"

# ================================================================== step 2
step 2 "a daemon with an unregistered key is refused and logged"
KEY13=$(cat "$WORK/host-c/node-13.key.pub")
RELEVANT=("$LOGS/host-c/node-13.log" "$LOGS/services/nodes.log")
refusal_logged() { grep -F "refused" "$LOGS/services/nodes.log" | grep -F "$KEY13" >/dev/null; }
wait_until 10 refusal_logged ||
  fail "the nodes service's log has no refusal naming node-13's key $KEY13 within 10 s"
refusal=$(grep -F "refused" "$LOGS/services/nodes.log" | grep -F "$KEY13" | head -n 1)
[[ "$refusal" == *"${IP_HOST[c]}"* ]] || fail "the refusal does not name node-13's host ${IP_HOST[c]}: $refusal"
# The daemon is told: its operator sees why it is not in the system.
grep -q "not admitted" "$LOGS/host-c/node-13.log" ||
  fail "node-13's daemon does not say that its key is not admitted (logs/host-c/node-13.log)"
expect_running node-13  # refused, it goes on trying: the operator may register it yet
c12s_admin query --selector os=linux --subset
[ "$RC" -eq 0 ] || fail "query: exit $RC: $ERR"
[[ "$OUT" == *node-13* ]] && fail "query offers node-13: $OUT"
c12s_admin logs list --selector node=node-13 --limit 0
[ "$RC" -eq 0 ] && [ -z "$OUT" ] || fail "the log has records of node-13 (exit $RC): $OUT $ERR"
c12s_admin list --detail
[[ "$OUT" == *node-13* ]] && fail "list --detail shows node-13: $OUT"
if [ $HAVE_SQLITE -eq 1 ] && [ -n "$(registry_address node-13)" ]; then
  fail "the registry has node-13, at $(registry_address node-13)"
fi
stop node-13
pass "nodes service: ${refusal:0:200}"

# ================================================================== step 3
step 3 "a process without node-5's key cannot report health for node-5"
RELEVANT=("$LOGS/host-b/impostor.log" "$LOGS/host-b/node-5.log" "$LOGS/services/nodes.log")
NODE5_ADDRESS=
[ $HAVE_SQLITE -eq 1 ] && NODE5_ADDRESS=$(registry_address node-5)
# node-5's daemon dies: the state service declares it dead within its lease.
stop node-5 KILL
node_is() {  # id, dead|alive: the state service has logged it so
  c12s_admin logs list --selector "service=state,node=$1,health=$2" --limit 0
  [ "$RC" -eq 0 ] && [[ "$OUT" == *"node $1 is $2"* ]]
}
wait_until 15 node_is node-5 dead || fail "node-5, killed, was not declared dead within 15 s"
# A process on host b configured as node-5, holding node-6's key (admitted, as node-6).
# It has the system map (a map is no secret: it holds public keys only), so that it gets as far
# as health checks whichever way the daemons join.
DAEMON_JOIN_WAS=$DAEMON_JOIN
DAEMON_JOIN=system
start_daemon impostor node-5 5 b 7590 "$WORK/host-b/node-6.key"
DAEMON_JOIN=$DAEMON_JOIN_WAS
impostor_refused() {
  grep -q "may report health for itself only" "$LOGS/host-b/impostor.log" &&
    grep -q "refused node:node-6: a health check for node node-5" "$LOGS/services/nodes.log"
}
wait_until 10 impostor_refused ||
  fail "the impostor's health checks for node-5 were not refused within 10 s (its log should say 'may report health for itself only', the nodes service's 'refused node:node-6: a health check for node node-5')"
sleep 3  # three more of its health checks
expect_running impostor node-6
node_is node-5 alive && fail "node-5 is alive again, with only node-6's key: $OUT"
c12s_admin list
grep -q "^experiment .* 91.6667 " <<<"$OUT" || fail "list does not show node-5 dead (91.6667% alive): $OUT"
if [ $HAVE_SQLITE -eq 1 ]; then
  address=$(registry_address node-5)
  [ "$address" = "$NODE5_ADDRESS" ] ||
    fail "node-5's registered address moved from $NODE5_ADDRESS to $address (the impostor's is tcp://${IP_HOST[b]}:7590)"
fi
refusals=$(grep -c "refused node:node-6: a health check for node node-5" "$LOGS/services/nodes.log")
stop impostor
if [ "$DAEMON_JOIN" = entry ]; then
  # Joining through the entry as node-5 with node-6's key is refused too.
  RELEVANT+=("$LOGS/host-b/impostor-join.log")
  start_daemon impostor-join node-5 5 b 7593 "$WORK/host-b/node-6.key"
  wait_until 10 grep -q "itself only" "$LOGS/host-b/impostor-join.log" ||
    fail "a daemon joining as node-5 with node-6's key was not refused within 10 s (logs/host-b/impostor-join.log)"
  stop impostor-join
fi
# The real node-5, started again with its key and kept formation, is alive again.
start_node 5
wait_until 15 node_is node-5 alive || fail "node-5, started again with its own key, is not alive again within 15 s"
wait_until 5 eval 'c12s_admin list; grep -q "^experiment .* 100 " <<<"$OUT"' ||
  fail "list does not show every node alive again: $OUT"
pass "$refusals health checks for node-5 with node-6's key refused; node-5 stayed dead${NODE5_ADDRESS:+ and registered at its own address}; the real node-5 is back"

# ================================================================== step 4
step 4 "a second user cannot list or mutate the first user's topology"
RELEVANT=("$LOGS/services/state.log")
# bob (c12s user add bob, not an admin) against alice's topology (alice: an admin, who formed it).
c12s_as "$USER2_KEY" list
# His own topologies, which are none: alice's is not among them.
[ "$RC" -eq 0 ] || fail "bob's list failed (exit $RC), where it should list his own topologies (none): $ERR"
[[ "$OUT" == *experiment* ]] && fail "bob lists alice's topology: $OUT"
c12s_as "$USER2_KEY" list --detail
[ "$RC" -eq 0 ] || fail "bob's list --detail failed (exit $RC), where it should list his own clusters (none): $ERR"
[[ "$OUT" == *experiment* || "$OUT" == *node-* ]] && fail "bob lists alice's clusters: $OUT"
c12s_as "$USER2_KEY" logs get "$TASK"
[[ "$OUT" == *state=* ]] && fail "bob reads the log of alice's task $TASK: $OUT"
# Replacing alice's 4 clusters of 3 by 3 clusters of 4: refused, saying why, logged by the
# service that refused it (who, what, when), and nothing changes.
c12s_as "$USER2_KEY" mutate -f "$WORK/client/three.yaml"
refusal="$OUT $ERR"
[ "$RC" -ne 0 ] || fail "bob's mutate of alice's topology exited 0: $refusal"
[[ "$OUT" == *formed* ]] && fail "bob's mutate formed alice's topology again: $refusal"
[ -n "$ERR" ] || fail "bob's mutate was refused without a message: $refusal"
grep -q "refused user:bob" "$LOGS"/services/*.log ||
  fail "no service logged the refusal of user:bob's mutate ('refused user:bob' in logs/services/)"
c12s_admin list --detail
[ "$(grep -c '^experiment/' <<<"$OUT")" -eq 4 ] ||
  fail "after bob's refused mutate, alice's topology is no longer 4 clusters: $OUT"
c12s_admin logs get "$TASK"
[[ "$OUT" == *state=CREATED* ]] || fail "alice cannot read her task's log: $OUT $ERR"
pass "bob lists no topology, reads nothing of task $TASK, and his mutate is refused: ${refusal## }"

# ================================================================== step 5
step 5 "cutting host a's link makes its 4 nodes dead within their lease, and back"
RELEVANT=("$LOGS/services/state.log" "$LOGS/host-a/node-1.log" "$LOGS/host-a/node-4.log")
# Nobody on hosts b and c was declared dead before (node-5 once, in step 3).
count_dead() {
  c12s_admin logs list --selector service=state,health=dead --limit 0
  [ "$RC" -eq 0 ] || fail "logs list --selector service=state,health=dead: exit $RC: $ERR"
  DEAD=$(grep -c "is dead" <<<"$OUT")
}
count_dead
dead_before=$DEAD
ip -n "${NS_HOST[a]}" link set eth0 down || fail "ip link set eth0 down in ${NS_HOST[a]}"
cut=$SECONDS
host_a_dead() { for i in 1 2 3 4; do node_is "node-$i" dead || return 1; done; }
wait_until $((LEASE + 9)) host_a_dead || fail "host a's nodes were not all declared dead within $((LEASE + 9)) s of the cut"
took=$((SECONDS - cut))
[ $took -le $((LEASE + 4)) ] || fail "host a's nodes were declared dead $took s after the cut (lease ${LEASE} s)"
c12s_admin list
grep -q "^experiment .* 66.6667 " <<<"$OUT" || fail "list does not show 8 of 12 nodes alive (66.6667): $OUT"
count_dead
dead_during=$DEAD
[ "$dead_during" -eq $((dead_before + 4)) ] ||
  fail "$((dead_during - dead_before)) nodes were declared dead during the cut, not host a's 4: $OUT"
ip -n "${NS_HOST[a]}" link set eth0 up || fail "ip link set eth0 up in ${NS_HOST[a]}"
restored=$SECONDS
host_a_alive() { for i in 1 2 3 4; do node_is "node-$i" alive || return 1; done; }
wait_until 20 host_a_alive || fail "host a's nodes were not all alive again within 20 s of the link coming back"
back=$((SECONDS - restored))
wait_until 5 eval 'c12s_admin list; grep -q "^experiment .* 100 " <<<"$OUT"' ||
  fail "list does not show every node alive again: $OUT"
expect_running node-{1..12} "${SERVICES[@]}"
pass "dead $took s after the cut (lease ${LEASE} s), alive again $back s after the link came back"

echo "PASS: multihost test (${SECONDS} s)"
exit 0
