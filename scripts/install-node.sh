#!/usr/bin/env bash
# install-node.sh VERSION — installs the official Node.js VERSION binary (with its C headers) from
# the npm registry's `node-linux-<arch>` package into a cache directory, reused while it is there,
# and prints that directory (bin/node, include/node). Use it as PATH="$dir/bin:$PATH" and, for
# native modules built by node-gyp, npm_config_nodedir="$dir": ~/.npmrc on these machines sets
# nodedir=/usr (the machine's own Node headers), which would build better-sqlite3 for the wrong ABI.
#
# The npm registry is the one place a Node binary can come from here (no nodejs.org, no container
# registry). The `node` package itself only wraps this one in an install script that picks the
# platform package, so this script takes the platform package directly.
set -euo pipefail

version=${1:?usage: install-node.sh VERSION (e.g. 24.22.3)}
cache=${PICTOR_NODE_CACHE:-$HOME/.cache/pictor-node}
dir=$cache/$version

case $(uname -m) in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "install-node.sh: no npm package of Node for $(uname -m)" >&2; exit 1 ;;
esac

if [[ $("$dir/bin/node" --version 2>/dev/null) != "v$version" || ! -f $dir/include/node/node.h ]]; then
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/.install.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "node-linux-$arch@$version" >/dev/null)
  mkdir "$work/node"
  tar -xzf "$work"/node-linux-"$arch"-*.tgz -C "$work/node" --strip-components=1
  [[ $("$work/node/bin/node" --version) == "v$version" ]] || { echo "install-node.sh: the package did not hold Node $version" >&2; exit 1; }
  rm -rf "$dir"
  mv "$work/node" "$dir"
fi
echo "$dir"
