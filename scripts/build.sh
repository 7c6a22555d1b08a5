#!/usr/bin/env bash
# Builds Tandem: the browser bundle (frontend → WASM → wasm-bindgen) into site/, the style
# sheet and public files beside it, and the server binary. Usage: scripts/build.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."

profile_flag=""
profile_dir="debug"
if [ "${1:-}" = "--release" ]; then
  profile_flag="--release"
  profile_dir="release"
fi
target_dir="${CARGO_TARGET_DIR:-target}"
site="${TANDEM_SITE_ROOT:-site}"

cargo build -p frontend --target wasm32-unknown-unknown $profile_flag
rm -rf "$site/pkg"
mkdir -p "$site/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$site/pkg" --out-name tandem \
  "$target_dir/wasm32-unknown-unknown/$profile_dir/frontend.wasm"
cp style/tandem.css "$site/tandem.css"
cp -r public/. "$site/"
cargo build -p server $profile_flag
echo "built: $target_dir/$profile_dir/tandem and $site/"
