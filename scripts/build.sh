#!/usr/bin/env bash
# Builds Tandem: the browser bundle into site/ and the server binary.
#   scripts/build.sh [--release]   all of it (the server binary in debug, or release)
#   scripts/build.sh --site-only   the browser side only (`make test` gets the binary from
#                                  `cargo test`, which builds it with the tests' feature set)
# The bundle is always the size-tuned one (profile wasm-release): frontend → WASM, cut into a
# main piece and a piece per page (tandem-bundle split), bound (wasm-bindgen), shrunk (npm's
# binaryen), then laid out with the style sheet under site/pkg/<hash>/, the scripts minified
# (npm's esbuild), with gzip and brotli copies (tandem-bundle pack), which fails when a page
# needs more than the size limit.
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
tools="${TANDEM_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tandem/tools}"
# KiB of JS and WASM (gzip) the heaviest page may need on a first visit: the build, and so CI,
# fails past it (the README's "Performance").
limit_kib="${TANDEM_BUNDLE_LIMIT_KIB:-400}"

cargo build -p frontend --target wasm32-unknown-unknown --profile wasm-release
cargo build -p tandem-bundle --release
bundle="$target_dir/release/tandem-bundle"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bundle" split "$target_dir/wasm32-unknown-unknown/wasm-release/frontend.wasm" "$work"
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
  --out-dir "$work" --out-name tandem "$work/tandem_split.wasm"
node scripts/wasm-opt.mjs "$tools/binaryen/node_modules/binaryen" "$work"
cp style/tandem.css "$work/tandem.css"
mkdir -p "$site"
"$bundle" pack "$work" "$site/pkg" --limit-kib "$limit_kib" \
  --minify-with "$tools/esbuild/node_modules/.bin/esbuild"
cp -r public/. "$site/"
if [ $site_only = 1 ]; then
  echo "built: $site/"
  exit 0
fi
cargo build -p server $profile_flag
echo "built: $target_dir/$profile_dir/tandem and $site/"
