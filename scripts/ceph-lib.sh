# Shared by ceph-up.sh and ceph-down.sh (sourced, not run). Expects $dir: the cluster directory.

# Daemon names as Ceph spells them; each writes $dir/run/<name>.pid.
mon=mon.a
osd=osd.0
rgw=client.rgw.a

# The pid of a daemon of THIS cluster, or nothing: a stale pid file may name a recycled pid, so
# the process must also have been started with this directory's ceph.conf.
daemon_pid() {
  local file=$dir/run/$1.pid pid
  [[ -s $file ]] || return 1
  pid=$(<"$file")
  [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/ceph.conf" || return 1
  echo "$pid"
}

daemon_alive() { daemon_pid "$1" >/dev/null; }
