#!/usr/bin/env bash
# Usage: scripts/ceph-down.sh DIR
# Stops the cluster that ceph-up.sh started in DIR, in the order rgw, osd, mon: radosgw hangs on
# SIGTERM once the mon is gone, so it goes first and is killed if it lingers. Leaves DIR in place
# (ceph-up.sh DIR restarts it); delete DIR to discard the data.
set -uo pipefail

dir=${1:?usage: ceph-down.sh DIR}
[[ -d $dir ]] || { echo "ceph-down: no such directory $dir" >&2; exit 1; }
dir=$(cd "$dir" && pwd)
source "$(dirname "${BASH_SOURCE[0]}")/ceph-lib.sh"

# stop NAME GRACE_SECONDS: SIGTERM, then SIGKILL if still there after the grace period.
stop() {
  local name=$1 grace=$2 pid deadline
  pid=$(daemon_pid "$name") || return 0
  kill -TERM "$pid" 2>/dev/null
  deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "ceph-down: $name (pid $pid) ignored SIGTERM for ${grace}s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null
      break
    fi
    sleep 0.2
  done
  rm -f "$dir/run/$name.pid"
}

stop "$rgw" 5
stop "$osd" 30
stop "$mon" 10
echo "ceph-down: stopped the cluster in $dir"
