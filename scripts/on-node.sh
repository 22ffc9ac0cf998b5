#!/usr/bin/env bash
# on-node.sh VERSION COMMAND... — runs COMMAND (e.g. `npm test`, `npx vitest run test/unit`) on
# Node.js VERSION from the npm registry, in a copy of this checkout with its own node_modules, so
# that native modules built for that Node (better-sqlite3) never clobber the ones in the checkout.
#
# The copy is made fresh under $TMPDIR (or PICTOR_NODE_COPY, kept then) from the working tree,
# uncommitted changes included. Its node_modules come from `npm ci` run on that Node, kept under
# ~/.cache/pictor-node/modules/ by Node version and package-lock.json hash, so the next run with
# the same lock file copies them instead of compiling better-sqlite3 again.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:?usage: on-node.sh VERSION COMMAND...}
shift
(($#)) || { echo "on-node.sh: no command given" >&2; exit 2; }

node_dir=$(scripts/install-node.sh "$version")
cache=${PICTOR_NODE_CACHE:-$HOME/.cache/pictor-node}
export PATH=$node_dir/bin:$PATH npm_config_nodedir=$node_dir

copy=${PICTOR_NODE_COPY:-}
if [[ -z $copy ]]; then
  copy=$(mktemp -d "${TMPDIR:-/tmp}/pictor-node$version.XXXXXX")
  trap 'rm -rf "$copy"' EXIT
fi
rsync -a --delete --exclude /node_modules --exclude /dist --exclude /.git ./ "$copy/"
cd "$copy"

key=$version-$(sha256sum package-lock.json | cut -c1-16)
modules=$cache/modules/$key
if [[ $(cat node_modules/.pictor-modules-key 2>/dev/null) == "$key" ]]; then
  : # a kept copy (PICTOR_NODE_COPY) already has them
elif [[ -d $modules ]]; then
  rm -rf node_modules
  cp -a "$modules" node_modules
else
  # better-sqlite3 compiles from source against $node_dir/include/node (1-3 min).
  npm ci --no-audit --no-fund
  echo "$key" >node_modules/.pictor-modules-key
  mkdir -p "$cache/modules"
  cp -a node_modules "$modules.tmp.$$"
  mv -T "$modules.tmp.$$" "$modules" 2>/dev/null || rm -rf "$modules.tmp.$$"
fi

echo "[on-node] $(node --version) in $copy: $*"
"$@"
