#!/usr/bin/env bash
# Installs the Debian packages for a single-node Ceph with the S3 gateway, unless present.
# No mgr: S3 does not need it. Nothing starts on install (no systemd; policy-rc.d blocks it).
set -euo pipefail
packages=(ceph-mon ceph-osd radosgw ceph-common)

command -v radosgw >/dev/null && command -v ceph-osd >/dev/null && command -v ceph-mon >/dev/null && exit 0
[[ $(id -u) == 0 ]] || { echo "ceph-install: Ceph is missing; as root run: apt-get install ${packages[*]}" >&2; exit 1; }
install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}"; }
# Stale or empty package lists make the first attempt fail; refresh once and retry.
install || { apt-get update -q && install; }
