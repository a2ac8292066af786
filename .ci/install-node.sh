#!/usr/bin/env bash
# Prints the folder of a Node.js the helpdesk supports (22 or later), installing Node.js 24 (the
# current LTS) from the npm registry when the `node` on PATH is older. Nothing else is needed:
# the registry's `node-linux-<arch>` packages carry the official binaries, so this works on
# machines that reach only the package registries. Use it as
#   export PATH="$(bash .ci/install-node.sh):$PATH"
# npm itself is a script run by the first `node` on PATH, so it then runs on that Node.js too.
set -euo pipefail

major=24
current=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$current" -ge 22 ]; then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "install-node: no Node.js package for $(uname -m); install Node.js $major yourself" >&2; exit 1 ;;
esac

cache="${HELPDESK_CI_CACHE:-$HOME/.cache/helpdesk-ci}"
target="$cache/node-v$major-linux-$arch"
if [ ! -x "$target/bin/node" ]; then
  mkdir -p "$cache"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "node-linux-$arch@$major" >/dev/null)
  tar -xzf "$work"/node-linux-"$arch"-*.tgz -C "$work"
  rm -rf "$target"
  mv "$work/package" "$target"
fi
"$target/bin/node" --version >&2
echo "$target/bin"
