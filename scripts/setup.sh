#!/usr/bin/env bash
# Installs what building and testing Tandem needs, only where it is missing, from the package
# registries alone (rustup's wasm target, crates.io, Debian, npm). Safe to run again.
#   scripts/setup.sh          what `make run` needs
#   scripts/setup.sh --test   plus what `make test` needs (Chromium, Playwright, haproxy, Kea 2.2,
#                             perfdhcp, Kea's example configurations; the Kea 3 root is
#                             scripts/kea3-root.sh's)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root to run: $*"; exit 1
  fi
}

apt_updated=0
apt_install() {
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The browser bundle is Rust compiled to WASM.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly. It installs without
# --locked: its own lock file pins a crate version the registry no longer has.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found: ${have:-none}); about 4 minutes"
  cargo install wasm-bindgen-cli --version "$want"
fi

# npm's binaryen shrinks the bundle (Debian's wasm-opt breaks hydration: TOOLCHAIN.md). It is
# kept with the build caches, outside the clone.
if ! command -v npm >/dev/null; then
  say "installing node and npm"
  apt_install nodejs npm
fi
tools="${TANDEM_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tandem/tools}"
# Installs npm package $1 at version $2 into $tools/$1 (once; again when the version changes).
npm_tool() {
  local installed
  installed=$(awk -F'"' '/"version"/ { print $4; exit }' \
    "$tools/$1/node_modules/$1/package.json" 2>/dev/null || true)
  if [ "$installed" != "$2" ]; then
    say "installing $1 $2 from npm into $tools/$1"
    mkdir -p "$tools/$1"
    echo '{"private": true}' >"$tools/$1/package.json"
    (cd "$tools/$1" && npm install --no-audit --no-fund --loglevel=error "$1@$2")
  fi
}
npm_tool binaryen 132.0.0
# npm's esbuild minifies the bundle's scripts (the wasm-bindgen glue and the pieces' loader).
npm_tool esbuild 0.25.12

if [ "${1:-}" = "--test" ]; then
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium for the browser tests"
    apt_install chromium
  fi
  # A real Kea DHCPv4 pair runs in the tests (as the user, on loopback).
  # perfdhcp (in kea-admin) is the DHCP client of the service-continuity test.
  if [ ! -x /usr/sbin/kea-dhcp4 ] || [ ! -x /usr/sbin/kea-ctrl-agent ] || [ ! -x /usr/sbin/perfdhcp ]; then
    say "installing ISC Kea 2.2 (kea-dhcp4-server, kea-ctrl-agent, kea-admin) for the Kea tests"
    apt_install kea-dhcp4-server kea-ctrl-agent kea-admin
  fi
  # Kea's own example configurations, the corpus of the fidelity suite (backend/tests/kea_fidelity.rs).
  if [ ! -f /usr/share/doc/kea/examples/kea4/single-subnet.json ]; then
    say "installing kea-doc (Kea's example configurations) for the fidelity suite"
    apt_install kea-doc
  fi
  # The load balancer in front of two instances in the cluster test (end2end/cluster.spec.ts).
  if [ ! -x /usr/sbin/haproxy ]; then
    say "installing haproxy for the two-instance test"
    apt_install haproxy
  fi
  # Network namespaces for the continuity test.
  if ! command -v ip >/dev/null; then
    apt_install iproute2
  fi
  # Playwright drives Debian's Chromium; it never downloads a browser of its own.
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "installing the browser-test packages"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
