#!/usr/bin/env bash
# The main job: install dependencies, build, then check and project every protocol in protocols/.
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
for file in protocols/*.gtype; do
  # sorts.gtype and other declaration-only files have no protocol to project.
  grep -q "global protocol" "$file" || continue
  echo
  echo "== gtype project $file"
  "$gtype" project "$file"
done
