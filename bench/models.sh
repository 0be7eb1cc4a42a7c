#!/usr/bin/env bash
# Writes a benchmark model as a local system to stdout: fanout N or pairs N.
#   fanout-n: a hub sends a task to n workers, each answers, then each is told done.
#   pairs-n:  n independent client/server pairs, each looping request/response, with a choice
#             (at the client) to stop.
set -euo pipefail
family=$1
n=$2
case "$family" in
  fanout)
    hub="" results="" dones=""
    for i in $(seq 1 "$n"); do hub+="w$i!task()."; results+="w$i?result()."; dones+="w$i!done()."; done
    echo "local system Fanout$n {"
    echo "  hub : ${hub}${results}${dones}end;"
    for i in $(seq 1 "$n"); do echo "  w$i : hub?task().hub!result().hub?done().end;"; done
    echo "}"
    ;;
  pairs)
    echo "local system Pairs$n {"
    for i in $(seq 1 "$n"); do
      echo "  c$i : mu t.+{ s$i!req().s$i?resp().t ; s$i!stop().end };"
      echo "  s$i : mu t.+{ c$i?req().c$i!resp().t ; c$i?stop().end };"
    done
    echo "}"
    ;;
  *)
    echo "usage: models.sh fanout|pairs N" >&2
    exit 2
    ;;
esac
