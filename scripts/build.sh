#!/usr/bin/env bash
# Builds Tandem: the browser bundle (frontend → WASM → wasm-bindgen) into site/, the style
# sheet and public files beside it, and the server binary.
#   scripts/build.sh [--release]   all of it
#   scripts/build.sh --site-only   the browser side only (`make test` gets the binary from
#                                  `cargo test`, which builds it with the tests' feature set)
set -euo pipefail
cd "$(dirname "$0")/.."

profile_flag=""
profile_dir="debug"
site_only=0
case "${1:-}" in
  --release) profile_flag="--release"; profile_dir="release" ;;
  --site-only) site_only=1 ;;
  "") ;;
  *) echo "usage: scripts/build.sh [--release | --site-only]"; exit 2 ;;
esac
target_dir="${CARGO_TARGET_DIR:-target}"
site="${TANDEM_SITE_ROOT:-site}"

cargo build -p frontend --target wasm32-unknown-unknown $profile_flag
rm -rf "$site/pkg"
mkdir -p "$site/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$site/pkg" --out-name tandem \
  "$target_dir/wasm32-unknown-unknown/$profile_dir/frontend.wasm"
cp style/tandem.css "$site/tandem.css"
cp -r public/. "$site/"
if [ $site_only = 1 ]; then
  echo "built: $site/"
  exit 0
fi
cargo build -p server $profile_flag
echo "built: $target_dir/$profile_dir/tandem and $site/"
