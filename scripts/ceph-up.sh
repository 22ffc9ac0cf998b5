#!/usr/bin/env bash
# Usage: scripts/ceph-up.sh DIR [RGW_PORT]
#
# A throwaway single-node Ceph on loopback for tests and benchmarks: one mon, one bluestore OSD on
# a sparse file, one RADOS Gateway answering S3 on http://127.0.0.1:RGW_PORT (default 7480) for
# access key `testkey`, secret `testsecret`. Installs the packages first if they are missing.
#
# Reruns are safe: an empty DIR gets a new cluster (11-18 s on 2 cores), daemons of DIR that
# stopped are started again (~7 s), running ones are left alone. Mon ports come from
# CEPH_MON_PORT (msgr v2, default 13300) and CEPH_MON_V1_PORT (default 16789); the OSD picks free
# ports in 6800-7300. A port that is already taken fails the script, naming the port. RGW listens
# on CEPH_RGW_ADDRESS (default 127.0.0.1; 0.0.0.0 in deploy/container/ceph-rgw.Dockerfile).
# Stop with scripts/ceph-down.sh DIR.
set -euo pipefail

dir=${1:?usage: ceph-up.sh DIR [RGW_PORT]}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
conf=$dir/ceph.conf
scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$scripts/ceph-lib.sh"

die() {
  echo "ceph-up: $1" >&2
  [[ -n ${2:-} && -f $dir/log/$2.log ]] && { echo "--- last lines of $dir/log/$2.log" >&2; tail -n 20 "$dir/log/$2.log" >&2; }
  exit 1
}

# wait_until SECONDS WHAT LOG COMMAND...: polls COMMAND until it succeeds.
wait_until() {
  local deadline=$((SECONDS + $1)) what=$2 log=$3
  shift 3
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "timed out waiting for $what" "$log"
    sleep 0.5
  done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Checked before anything starts, so a clash never leaves half a cluster running.
require_free_ports() {
  local fix="for a new DIR, set CEPH_MON_PORT/CEPH_MON_V1_PORT or pass another RGW_PORT"
  if ! daemon_alive "$mon"; then
    ! port_in_use "$mon_port" || die "mon port $mon_port is already in use on 127.0.0.1; $fix"
    ! port_in_use "$mon_v1_port" || die "mon port $mon_v1_port is already in use on 127.0.0.1; $fix"
  fi
  if ! daemon_alive "$rgw"; then
    ! port_in_use "$rgw_port" || die "RGW port $rgw_port is already in use on 127.0.0.1; $fix"
  fi
}

# Ports are fixed when the cluster is created; a rerun must not silently move them.
load_ports() {
  if [[ -d $dir/mon/store.db ]]; then
    source "$dir/ports.env"
    [[ -z $rgw_port_arg || $rgw_port_arg == "$rgw_port" ]] ||
      die "$dir was created with RGW port $rgw_port, not $rgw_port_arg; use a new DIR"
  else
    rgw_port=${rgw_port_arg:-7480} mon_port=${CEPH_MON_PORT:-13300} mon_v1_port=${CEPH_MON_V1_PORT:-16789}
    printf 'rgw_port=%s\nmon_port=%s\nmon_v1_port=%s\n' "$rgw_port" "$mon_port" "$mon_v1_port" >"$dir/ports.env"
  fi
  mon_addr="[v2:127.0.0.1:$mon_port,v1:127.0.0.1:$mon_v1_port]"
}

write_conf() {
  cat >"$conf" <<CONF
[global]
fsid = $1
mon host = $mon_addr
public addr = 127.0.0.1
cluster addr = 127.0.0.1
# No cephx: a loopback test cluster. With auth none the daemons' default mon client mode
# (secure) cannot be met and radosgw blocks for client_mount_timeout; crc can.
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
client mount timeout = 30
keyring = $dir/keyring
run dir = $dir/run
pid file = $dir/run/\$name.pid
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon data avail warn = 2
osd crush chooseleaf type = 0
# The mon batches map changes for up to 1 s; every pool RGW and this script create waits for one.
paxos propose interval = 0.1
[mon.a]
mon data = $dir/mon
[osd.0]
osd data = $dir/osd0
osd objectstore = bluestore
# Not <osd data>/block: bluestore makes that a symlink itself and mkfs then fails (EEXIST/ELOOP).
bluestore block path = $dir/osd0.block
bluestore block create = true
bluestore block size = 10737418240
bluestore fsck on mount = false
osd memory target = 1073741824
[client.rgw.a]
rgw frontends = beast endpoint=${CEPH_RGW_ADDRESS:-127.0.0.1}:$rgw_port
rgw data = $dir/rgw
rgw zone = default
CONF
}

create_mon() {
  local fsid
  fsid=$(cat /proc/sys/kernel/random/uuid)
  write_conf "$fsid"
  ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$dir/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "$mon_addr" "$dir/monmap" >/dev/null
  ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring" >>"$setup_log" 2>&1 ||
    die "mon mkfs failed" setup
}

create_osd() {
  local uuid id
  uuid=$(cat /proc/sys/kernel/random/uuid)
  id=$(ceph -c "$conf" osd new "$uuid" 2>>"$setup_log") || die "could not register the OSD" setup
  [[ $id == 0 ]] || die "expected OSD id 0, the mon gave $id"
  ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$uuid" >>"$setup_log" 2>&1 || die "osd mkfs failed" setup
}

# RGW creates its bucket pools lazily, which makes the first CreateBucket and first PutObject of a
# fresh cluster take ~2 s each; creating them up front keeps test timings honest.
create_pools() {
  local pool
  for pool in default.rgw.buckets.index default.rgw.buckets.data default.rgw.buckets.non-ec; do
    ceph -c "$conf" osd pool create "$pool" 8 >>"$setup_log" 2>&1 || die "could not create pool $pool" setup
    ceph -c "$conf" osd pool application enable "$pool" rgw >>"$setup_log" 2>&1 || die "could not tag pool $pool" setup
  done
  touch "$dir/pools-created"
}

create_user() {
  radosgw-admin -c "$conf" user create --uid=test --display-name=test \
    --access-key=testkey --secret-key=testsecret >>"$setup_log" 2>&1 || die "could not create the S3 user" setup
  touch "$dir/user-created"
}

start_mon() {
  daemon_alive "$mon" && return
  ceph-mon -c "$conf" -i a 2>>"$setup_log" || die "ceph-mon did not start" "$mon"
  wait_until 30 "the mon" "$mon" ceph -c "$conf" --connect-timeout 5 mon stat
}

start_osd() {
  daemon_alive "$osd" || ceph-osd -c "$conf" -i 0 2>>"$setup_log" || die "ceph-osd did not start" "$osd"
  wait_until 60 "the OSD to be up" "$osd" bash -c "ceph -c '$conf' osd stat | grep -q '1 up'"
}

start_rgw() {
  daemon_alive "$rgw" || radosgw -c "$conf" -n "$rgw" 2>>"$setup_log" || die "radosgw did not start" "$rgw"
}

wait_for_s3() {
  wait_until 60 "S3 on port $rgw_port" "$rgw" curl -s -o /dev/null "http://127.0.0.1:$rgw_port/"
}

rgw_port_arg=${2:-}
"$scripts/ceph-install.sh"
mkdir -p "$dir"/{mon,osd0,run,log,rgw}
setup_log=$dir/log/setup.log
load_ports
require_free_ports

[[ -d $dir/mon/store.db ]] || create_mon
start_mon
[[ -f $dir/osd0/whoami ]] || create_osd
start_osd
start_rgw
# RGW spends ~10 s creating its own pools before it answers; ours are created meanwhile.
[[ -f $dir/pools-created ]] || create_pools
wait_for_s3
[[ -f $dir/user-created ]] || create_user
echo "ceph-up: S3 at http://127.0.0.1:$rgw_port (testkey/testsecret), cluster in $dir"
