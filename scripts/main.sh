#!/usr/bin/env bash
# The main job: install dependencies, build, check and verify every protocol in protocols/, then
# start the micro-cloud system on this machine (`c12s up`: 6 services, 12 node daemons) until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
gtype=build/bin/gtype

echo "== gtype check protocols/*.gtype"
"$gtype" check protocols/*.gtype
echo "all protocols are well-formed and projectable"
echo
echo "== gtype verify protocols/*.gtype"
"$gtype" verify protocols/*.gtype
echo
echo "== build/bin/c12s up --nodes 12   (in another terminal, in $(pwd): build/bin/c12s query|mutate|list|logs ...)"
exec build/bin/c12s up --nodes 12
