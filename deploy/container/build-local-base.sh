#!/usr/bin/env bash
# build-local-base.sh [TAG] — builds a stand-in for the official node:24-bookworm-slim image where
# no container registry is reachable: a Debian bookworm root file system from Debian's packages
# (debootstrap, minbase) plus the Node.js binary and headers from the npm registry
# (scripts/install-node.sh) and npm from the npm registry, laid out as the official image lays them
# out (/usr/local/bin/node, /usr/local/include/node, npm under /usr/local/lib/node_modules, user
# `node` with uid 1000). Then:
#   podman build --format docker --pull=never --build-arg NODE_IMAGE=localhost/pictor-node-base:24-bookworm-slim -t pictor .
# Needs root, debootstrap and podman (apt-get install -y debootstrap podman). Takes 2-5 minutes.
#
# The base trusts the certificate authorities of the machine that builds it (its
# /etc/ssl/certs/ca-certificates.crt, also given to npm), so that builds behind a TLS-intercepting
# proxy can reach the npm registry. It is for building and testing here, not for production:
# use the official image there.
set -euo pipefail
cd "$(dirname "$0")/../.."

tag=${1:-localhost/pictor-node-base:24-bookworm-slim}
node_version=${PICTOR_CONTAINER_NODE_VERSION:-$(<.node-version)}
npm_version=${PICTOR_CONTAINER_NPM_VERSION:-$(npm --version)}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

node_dir=$(scripts/install-node.sh "$node_version")
work=$(mktemp -d "${TMPDIR:-/tmp}/pictor-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs

debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" ||
  { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
SOURCES

install -D -m 755 "$node_dir/bin/node" "$rootfs/usr/local/bin/node"
cp -a "$node_dir/include" "$rootfs/usr/local/"
mkdir -p "$rootfs/usr/local/lib/node_modules/npm" "$rootfs/usr/local/etc"
(cd "$work" && npm pack --silent "npm@$npm_version" >/dev/null)
tar -xzf "$work/npm-$npm_version.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
echo 'cafile=/etc/ssl/certs/ca-certificates.crt' >"$rootfs/usr/local/etc/npmrc"

rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/log/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*

tar -C "$rootfs" --numeric-owner -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$node_version" \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
echo "$tag: Debian bookworm, Node $("$node_dir/bin/node" --version), npm $npm_version"
