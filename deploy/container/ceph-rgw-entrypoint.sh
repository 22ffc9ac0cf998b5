#!/usr/bin/env bash
# Starts the single-node Ceph of deploy/container/ceph-rgw.Dockerfile (new or existing, in the
# volume), stops it cleanly on SIGTERM, and exits when one of its daemons dies.
set -euo pipefail
dir=/var/lib/pictor-ceph

/opt/ceph/ceph-up.sh "$dir" 7480
trap '/opt/ceph/ceph-down.sh "$dir"; exit 0' TERM INT
pids=$(cat "$dir"/run/*.pid)
# shellcheck disable=SC2086 # one pid per word
while kill -0 $pids 2>/dev/null; do
  sleep 5 &
  wait $! || true
done
echo "ceph-rgw: a Ceph daemon stopped; see $dir/log" >&2
exit 1
