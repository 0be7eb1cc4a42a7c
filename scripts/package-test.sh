#!/usr/bin/env bash
# The Debian packages on this machine as on a clean one (CTest: package_test, label `package`;
# docs/deploying.md, "Packages and units"). Usage: scripts/package-test.sh [BUILD_DIR]
#   1. cpack -G DEB from BUILD_DIR (default build/), as built: this script does not build;
#   2. what each package holds; dpkg -i of all four (missing dependencies named);
#   3. the installed files, conffiles, the user c12s, /var/lib/c12s 0700, which units are enabled,
#      that c12s.target starts the services `c12s service --help` names, in order;
#      systemd-analyze verify and security of the units, where that tool exists; the bash
#      completions (sourced, one completion tried) and manual pages (man -l) of both commands;
#      gtype, and find_package(gtype) from /usr;
#   4. the units' ExecStart= lines run by hand, since a container has no systemd: as their User=,
#      with their UMask=, WorkingDirectory= and EnvironmentFile=; the services, then the daemon;
#      the system answers query (the daemon's node), mutate (forms a topology on it), list, logs;
#   5. SIGTERM stops each with status 0; everything in /var/lib/c12s is the user's, 0600 or 0700;
#   6. dpkg --remove keeps the data and conffiles; dpkg --purge leaves no file, unit link or data.
#      The user c12s stays, as Debian packages leave system users; this script deletes it after
#      if it created it.
# Needs root on Debian with dpkg; otherwise it exits 77 (CTest: skipped), saying why. It also
# skips a machine where c12s or gtype is installed already: it would purge them. Every wait has
# a timeout; a run takes well under a minute.
set -euo pipefail

skip() { echo "package-test: skipped: $*"; exit 77; }
fail() { echo "package-test: FAILED: $*" >&2; exit 1; }
step() { echo "== $*"; }
ok() { echo "   ok: $*"; }

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}

[ "$(id -u)" -eq 0 ] || skip "needs root: it installs, runs and purges the packages"
{ [ -f /etc/debian_version ] && command -v dpkg >/dev/null; } || skip "needs a Debian system with dpkg"
for tool in cpack setpriv timeout getent adduser userdel; do
  command -v "$tool" >/dev/null || skip "needs $tool"
done
[ -f "$build/CPackConfig.cmake" ] || fail "$build/CPackConfig.cmake is missing: configure and build first"

packages=(c12s-daemon c12s-control c12s-common gtype)  # dependants first, for dpkg --remove
for package in "${packages[@]}"; do
  state=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ -z "$state" ] || [ "$state" = not-installed ] ||
    skip "$package is on this machine already ($state); this test would purge it"
done
for path in /usr/bin/c12s /usr/bin/gtype /etc/c12s /var/lib/c12s /etc/default/c12s; do
  [ ! -e "$path" ] || skip "$path exists already; this test would overwrite or purge it"
done

work=$(mktemp -d /tmp/c12s-package-test.XXXXXX)
chmod 0755 "$work"  # the services read the system map from here, as c12s
created_user=0
getent passwd c12s >/dev/null || created_user=1
installed=0
declare -A pids=()

# Whatever happens: stop what we started, purge what we installed, delete the user we made.
cleanup() {
  local status=$?
  for name in "${!pids[@]}"; do
    kill -KILL "${pids[$name]}" 2>/dev/null || true
    { wait "${pids[$name]}"; } 2>/dev/null || true  # quietly: bash would report each killed job
  done
  if [ "$installed" = 1 ]; then
    DEBIAN_FRONTEND=noninteractive timeout 120 dpkg --purge "${packages[@]}" >"$work/cleanup.log" 2>&1 ||
      echo "package-test: cleanup: dpkg --purge failed, see $work/cleanup.log" >&2
  fi
  if [ "$created_user" = 1 ] && getent passwd c12s >/dev/null; then userdel c12s || true; fi
  if [ "$created_user" = 1 ] && getent group c12s >/dev/null; then groupdel c12s || true; fi
  if [ "$status" = 0 ]; then rm -rf "$work"; else echo "package-test: logs kept in $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT  # a timeout's kill cleans up too

# ---------------------------------------------------------------------------------------- 1.
step "cpack -G DEB ($build)"
timeout 300 cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/packages" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
debs=()
for package in "${packages[@]}"; do
  found=("$work/packages/${package}"_*.deb)
  [ -f "${found[0]}" ] && [ "${#found[@]}" = 1 ] || fail "cpack made no single ${package}_*.deb"
  debs+=("${found[0]}")
done
ok "$(cd "$work/packages" && echo *.deb)"

# ---------------------------------------------------------------------------------------- 2.
step "package contents"
declare -A must_hold=(
  [c12s-common]="./usr/bin/c12s ./etc/c12s/system.yaml ./etc/default/c12s ./usr/share/bash-completion/completions/c12s ./usr/share/man/man1/c12s.1.gz"
  [c12s-daemon]="./lib/systemd/system/c12s-daemon.service ./etc/c12s/daemon.yaml"
  [c12s-control]="./lib/systemd/system/c12s-service@.service ./lib/systemd/system/c12s.target"
  [gtype]="./usr/bin/gtype ./usr/lib/cmake/gtype/gtypeConfig.cmake ./usr/lib/libgtype_runtime.a ./usr/include/gtype/rt/endpoint.h ./usr/share/bash-completion/completions/gtype ./usr/share/man/man1/gtype.1.gz"
)
for deb in "${debs[@]}"; do
  package=$(dpkg-deb -f "$deb" Package)
  dpkg-deb -c "$deb" | awk '{print $6}' >"$work/$package.files"
  for path in ${must_hold[$package]}; do
    grep -qxF "$path" "$work/$package.files" || fail "$package lacks $path"
  done
  echo "   $package $(dpkg-deb -f "$deb" Version): $(grep -cv '/$' "$work/$package.files") files; Depends: $(dpkg-deb -f "$deb" Depends)"
done

step "dpkg -i"
installed=1
if ! DEBIAN_FRONTEND=noninteractive timeout 120 dpkg -i "${debs[@]}" >"$work/dpkg-i.log" 2>&1; then
  cat "$work/dpkg-i.log"
  missing=$(sed -n 's/^ *Package \([^ ]*\) is not installed\.$/\1/p' "$work/dpkg-i.log" | sort -u | tr '\n' ' ')
  [ -z "$missing" ] || fail "dpkg -i: missing dependencies: $missing(apt-get install them first)"
  fail "dpkg -i failed"
fi
for package in "${packages[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$package")" = installed ] || fail "$package is not installed"
done
ok "installed: ${packages[*]}"

# ---------------------------------------------------------------------------------------- 3.
step "installed files, conffiles, user, modes, units"
mode() { stat -c '%U:%G %a' "$1"; }
expect_mode() {
  [ -e "$1" ] || fail "$1 is missing"
  [ "$(mode "$1")" = "$2" ] || fail "$1 is $(mode "$1"), not $2"
}
expect_mode /usr/bin/c12s "root:root 755"
expect_mode /usr/bin/gtype "root:root 755"
expect_mode /etc/c12s/system.yaml "root:root 644"
expect_mode /etc/c12s/daemon.yaml "root:root 644"
expect_mode /etc/default/c12s "root:root 644"
expect_mode /var/lib/c12s "c12s:c12s 700"
conffiles=$(dpkg-query -W -f='${Conffiles}\n' c12s-common c12s-daemon | awk '{print $1}' | sort | tr '\n' ' ')
[ "$conffiles" = "/etc/c12s/daemon.yaml /etc/c12s/system.yaml /etc/default/c12s " ] ||
  fail "conffiles are: $conffiles"
ok "modes; conffiles $conffiles"

IFS=: read -r _ _ uid _ _ home shell < <(getent passwd c12s) || fail "no user c12s"
[ "$uid" -lt 1000 ] && [ "$home" = /var/lib/c12s ] || fail "c12s: uid $uid, home $home: not a system user at /var/lib/c12s"
case "$shell" in */nologin | */false) ;; *) fail "c12s has a login shell: $shell" ;; esac
[ "$(id -gn c12s)" = c12s ] || fail "c12s's group is $(id -gn c12s), not c12s"
ok "system user c12s (uid $uid, home $home, shell $shell, group c12s)"

units=/lib/systemd/system
wants=/etc/systemd/system/multi-user.target.wants
[ "$(readlink "$wants/c12s.target" || true)" = "$units/c12s.target" ] || fail "c12s.target is not enabled"
[ ! -e "$wants/c12s-daemon.service" ] || fail "c12s-daemon.service is enabled before daemon.yaml names the node"
ok "c12s.target enabled; c12s-daemon.service not (daemon.yaml first)"

# The services c12s.target starts, and their order (drop-ins), against the command's own list.
services=$(sed -n 's/^Wants=//p' "$units/c12s.target" | tr ' ' '\n' | sed -n 's/^c12s-service@\(.*\)\.service$/\1/p' | tr '\n' ' ')
named=$(/usr/bin/c12s service --help | sed -n 's/^ *NAME .*REQUIRED *//p' | sed 's/, / /g; s/ or / /')
[ -n "$named" ] || fail "cannot read the services' names from c12s service --help"
[ "$services" = "$named " ] ||
  fail "c12s.target starts '$services', c12s service --help names '$named': update C12S_SERVICES in cmake/Packaging.cmake"
previous=""
for service in $services; do
  if [ -n "$previous" ]; then
    grep -qxF "After=c12s-service@$previous.service" "$units/c12s-service@$service.service.d/order.conf" ||
      fail "c12s-service@$service does not start after c12s-service@$previous"
  fi
  previous=$service
done
ok "c12s.target starts $services(each after the one before)"

if command -v systemd-analyze >/dev/null; then
  instances=()
  for service in $services; do instances+=("c12s-service@$service.service"); done
  timeout 60 systemd-analyze verify c12s.target c12s-daemon.service "${instances[@]}" >"$work/verify.log" 2>&1 ||
    { cat "$work/verify.log"; fail "systemd-analyze verify refuses the units"; }
  ok "systemd-analyze verify c12s.target c12s-daemon.service ${instances[*]}"
  # Exposure 0-10 as systemd rates it (threshold in tenths); 2.5 leaves room for what systemd
  # adds to its list, and fails when the units lose their hardening lines.
  for unit in c12s-daemon.service "${instances[0]}"; do
    timeout 60 systemd-analyze security --offline=yes --threshold=25 "$unit" >"$work/security.log" 2>&1 ||
      { cat "$work/security.log"; fail "$unit: exposure above 2.5"; }
    ok "$(grep -o 'Overall exposure level.*' "$work/security.log")"
  done
else
  echo "   (no systemd-analyze: units not verified)"
fi

# Each command's completion and manual page (generated at build time from its command line):
# bash takes the script and completes a command; man renders the page, which names the command.
for command in c12s gtype; do
  completion=/usr/share/bash-completion/completions/$command
  expect_mode "$completion" "root:root 644"
  expect_mode "/usr/share/man/man1/$command.1.gz" "root:root 644"
  registered=$(bash -c "source '$completion' && complete -p $command" 2>&1) ||
    fail "bash does not take $completion: $registered"
  offered=$(bash -c "source '$completion' && COMP_WORDS=($command --vers); COMP_CWORD=1; _$command; echo \"\${COMPREPLY[*]}\"" 2>&1)
  [ "$offered" = --version ] || fail "$completion completes '$command --vers' to '$offered', not '--version'"
  manual=$(MANWIDTH=80 timeout 60 man -l "/usr/share/man/man1/$command.1.gz" 2>&1 | col -b) ||
    fail "man -l /usr/share/man/man1/$command.1.gz failed: $manual"
  grep -Eq "^[[:space:]]*$command[[:space:]]+-[[:space:]]" <<<"$manual" || fail "man $command has no NAME line: $(head -5 <<<"$manual")"
  ok "$registered; man $command: $(grep -c . <<<"$manual") lines"
done

timeout 60 /usr/bin/gtype verify "$root/protocols/health_check.gtype" >"$work/gtype.log" 2>&1 ||
  { cat "$work/gtype.log"; fail "the installed gtype does not verify protocols/health_check.gtype"; }
ok "$(head -1 "$work/gtype.log")"
if command -v cmake >/dev/null && command -v c++ >/dev/null; then
  timeout 120 cmake -S "$root/examples/key_value" -B "$work/key_value" >"$work/key_value.log" 2>&1 ||
    { cat "$work/key_value.log"; fail "find_package(gtype) from /usr: examples/key_value does not configure"; }
  ok "examples/key_value configures with find_package(gtype) from /usr"
fi

# ---------------------------------------------------------------------------------------- 4.
step "the units' commands, by hand"
# The shipped map puts the services on 127.0.0.1:7400-7427 and the daemon on 7428-7430. If
# something here listens there, a copy moved to free ports is used instead.
listening() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
shift_ports() {  # adds $1 to every port of tcp://127.0.0.1:PORT on standard input
  awk -v d="$1" '{ out = ""
    while (match($0, /tcp:\/\/127\.0\.0\.1:[0-9]+/)) {
      out = out substr($0, 1, RSTART - 1) "tcp://127.0.0.1:" (substr($0, RSTART + 16, RLENGTH - 16) + d)
      $0 = substr($0, RSTART + RLENGTH) }
    print out $0 }'
}
offset=""
for base in 7400 17400 21400 25400; do
  busy=0
  for ((port = base; port <= base + 26; port++)); do
    if listening "$port"; then busy=1; break; fi
  done
  if [ "$busy" = 0 ]; then offset=$((base - 7400)); break; fi
done
[ -n "$offset" ] || fail "no free range of 27 ports at 7400, 17400, 21400 or 25400"
map=/etc/c12s/system.yaml
if [ "$offset" != 0 ]; then
  map=$work/system.yaml
  shift_ports "$offset" </etc/c12s/system.yaml >"$map"
  chmod 0644 "$map"
fi
ok "system map $map (ports from $((7400 + offset)))"

# The command line of unit file $1 with %i = $2, as systemd would run it: $VARs from its
# EnvironmentFile= (split into words, as systemd splits an unbraced $VAR), moved to our map.
command_of() {
  local line environment
  line=$(sed -n 's/^ExecStart=//p' "$1")
  line=${line//%i/$2}
  [[ "$line" != *%* ]] || fail "$1: a specifier this script does not expand: $line"
  environment=$(sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$1")
  (
    set -a
    # shellcheck disable=SC1090
    [ -z "$environment" ] || [ ! -f "$environment" ] || . "$environment"
    set +a
    eval "printf '%s\n' $line"
  ) | sed "s|^/etc/c12s/system.yaml\$|$map|" | shift_ports "$offset"
}
setting() { sed -n "s/^$2=//p" "$1" | tail -1; }
# Starts unit file $1 (instance $2) under the name $3: its User=, UMask=, WorkingDirectory=, and
# NoNewPrivileges, with an environment as empty as systemd's; output to $work/NAME.log.
start_unit() {
  local unit=$1 instance=$2 name=$3 user umask directory
  user=$(setting "$unit" User) umask=$(setting "$unit" UMask) directory=$(setting "$unit" WorkingDirectory)
  command_of "$unit" "$instance" >"$work/$name.argv"
  mapfile -t argv <"$work/$name.argv"
  echo "   $name: ${argv[*]} (User=$user UMask=$umask)"
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs -- \
    /bin/sh -c 'umask "$1" && cd "$2" && shift 2 && exec "$@"' sh "$umask" "$directory" "${argv[@]}" \
    >"$work/$name.log" 2>&1 &
  pids[$name]=$!
}
for service in $services; do start_unit "$units/c12s-service@.service" "$service" "$service"; done
start_unit "$units/c12s-daemon.service" "" daemon

alive() {
  for name in "${!pids[@]}"; do
    kill -0 "${pids[$name]}" 2>/dev/null || { cat "$work/$name.log"; fail "$name exited (log above)"; }
  done
}
ask() { timeout 60 /usr/bin/c12s "$@" --system "$map" --timeout 2000; }  # the user's command
node=$(sed -n 's/^ *nodeid: *\([^ #]*\).*/\1/p' /etc/c12s/daemon.yaml)
[ -n "$node" ] || fail "no nodeid in /etc/c12s/daemon.yaml"
deadline=$((SECONDS + 30))
until ask query --subset --selector os=linux --json >"$work/query.json" 2>&1 && grep -q "\"id\":\"$node\"" "$work/query.json"; do
  alive
  [ "$SECONDS" -lt "$deadline" ] || { cat "$work/query.json"; fail "node $node not among the free nodes within 30 s"; }
  sleep 0.5
done
ok "query: $(cat "$work/query.json")"

cat >"$work/topology.yaml" <<EOF
constellations:
  version: v1
  kind: Topology
  metadata: {taskName: package-test, queue: default}
  payload:
    name: package-test
    selector:
      labels: {os: linux}
    topology:
      region1:
        cluster1: {$node: }
EOF
ask mutate -f "$work/topology.yaml" --json >"$work/mutate.json" 2>&1 ||
  { cat "$work/mutate.json"; fail "c12s mutate failed"; }
grep -q '"state":"CREATED"' "$work/mutate.json" || { cat "$work/mutate.json"; fail "the topology was not formed"; }
ok "mutate: $(cat "$work/mutate.json")"
ask list --json >"$work/list.json" 2>&1 && grep -q '"topology":"package-test"' "$work/list.json" ||
  { cat "$work/list.json"; fail "c12s list does not show the topology"; }
ok "list: $(cat "$work/list.json")"
task=$(sed -n 's/.*"task":"\([0-9a-f]*\)".*/\1/p' "$work/mutate.json")
ask logs get "$task" --json >"$work/logs.json" 2>&1 && grep -q '"state":"PENDING"' "$work/logs.json" &&
  grep -q '"state":"CREATED"' "$work/logs.json" || { cat "$work/logs.json"; fail "c12s logs get $task: no PENDING, then CREATED"; }
ok "logs get $task: PENDING ... CREATED"
ask logs list --selector "service=nodes,node=$node" --json >"$work/logs.json" 2>&1 &&
  grep -q '"status":"free"' "$work/logs.json" || { cat "$work/logs.json"; fail "c12s logs list: $node never free"; }
ok "logs list --selector service=nodes,node=$node: registered free"
alive

# ---------------------------------------------------------------------------------------- 5.
step "SIGTERM, then the data's owner and modes"
for name in daemon $(echo "$services" | tr ' ' '\n' | tac); do  # the reverse of the start order
  kill -TERM "${pids[$name]}"
  for ((i = 0; i < 100; i++)); do kill -0 "${pids[$name]}" 2>/dev/null || break; sleep 0.1; done
  kill -0 "${pids[$name]}" 2>/dev/null && { cat "$work/$name.log"; fail "$name did not stop within 10 s of SIGTERM"; }
  status=0
  wait "${pids[$name]}" || status=$?
  unset "pids[$name]"
  [ "$status" = 0 ] || { cat "$work/$name.log"; fail "$name exited with status $status"; }
done
ok "every process stopped on SIGTERM, status 0"
[ -s /var/lib/c12s/daemon.formation ] || fail "the daemon kept no formation in /var/lib/c12s/daemon.formation"
loose=$(find /var/lib/c12s -mindepth 1 \( ! -user c12s -o ! -group c12s -o -perm /077 \) -printf '%M %u:%g %p\n')
[ -z "$loose" ] || fail "in /var/lib/c12s, not the user's alone: $loose"
ok "/var/lib/c12s: $(find /var/lib/c12s -mindepth 1 -type f | wc -l) files, all c12s's, 0600 (directories 0700)"

# ---------------------------------------------------------------------------------------- 6.
step "dpkg --remove, then --purge"
DEBIAN_FRONTEND=noninteractive timeout 120 dpkg --remove "${packages[@]}" >"$work/remove.log" 2>&1 ||
  { cat "$work/remove.log"; fail "dpkg --remove failed"; }
for path in /usr/bin/c12s /usr/bin/gtype "$units/c12s.target" "$units/c12s-daemon.service"; do
  [ ! -e "$path" ] || fail "$path is left after dpkg --remove"
done
[ -f /etc/c12s/system.yaml ] && [ -f /etc/c12s/daemon.yaml ] && [ -s /var/lib/c12s/nodes/nodes.db ] ||
  fail "dpkg --remove took conffiles or data, which only --purge may take"
ok "removed: programs and units gone; conffiles and /var/lib/c12s kept"
DEBIAN_FRONTEND=noninteractive timeout 120 dpkg --purge "${packages[@]}" >"$work/purge.log" 2>&1 ||
  { cat "$work/purge.log"; fail "dpkg --purge failed"; }
installed=0
for package in "${packages[@]}"; do
  state=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ -z "$state" ] || [ "$state" = not-installed ] || fail "$package is still $state"
done
left=$(ls -d /usr/bin/c12s /usr/bin/gtype /etc/c12s /etc/default/c12s /var/lib/c12s /usr/lib/cmake/gtype \
  /usr/share/bash-completion/completions/c12s /usr/share/bash-completion/completions/gtype \
  /usr/share/man/man1/c12s.1.gz /usr/share/man/man1/gtype.1.gz \
  /usr/include/gtype /usr/lib/libgtype_runtime.a $units/c12s* /etc/systemd/system/c12s* \
  $wants/c12s* 2>/dev/null || true)
left+=$(find /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked -name '*c12s*' 2>/dev/null || true)
left+=$(grep -rl c12s /var/lib/systemd/deb-systemd-helper-enabled 2>/dev/null || true)
[ -z "$left" ] || fail "left after dpkg --purge: $left"
getent passwd c12s >/dev/null || fail "the user c12s went with the purge; Debian packages keep system users"
ok "purged: no file, unit, enablement or data left; the user c12s stays$([ "$created_user" = 1 ] && echo " (deleted now: this test made it)")"
echo "package-test: passed"
