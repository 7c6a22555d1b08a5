#!/usr/bin/env bash
# Clients generated from the REST API's description, used as a user would: a Tandem (the
# built-in pair) is started in a network namespace of its own; from its served
# /api/v1/openapi.json a Python client (openapi-python-client) and TypeScript types
# (openapi-typescript, calls through openapi-fetch) are generated — any generator warning fails
# the run — then each runs its example script in examples/clients/ against that Tandem.
#   scripts/clients.sh [BINARY]   default: the debug `tandem` that `cargo test` built
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'clients: %s\n' "$*"; }

cache=${XDG_CACHE_HOME:-$HOME/.cache}/tandem
target=${CARGO_TARGET_DIR:-target}
bin=$(realpath "${1:-$target/debug/tandem}")
examples=$PWD/examples/clients

# The generators, kept outside the clone; installed again when their pins change.
venv=$cache/clients-venv
if ! cmp -s "$examples/python/requirements.txt" "$venv/requirements.txt" 2>/dev/null; then
  say "installing openapi-python-client (PyPI) into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$examples/python/requirements.txt"
  cp "$examples/python/requirements.txt" "$venv/requirements.txt"
fi
node=$cache/clients-node
if ! cmp -s "$examples/typescript/package-lock.json" "$node/package-lock.json" 2>/dev/null; then
  say "installing openapi-typescript, openapi-fetch and typescript (npm) into $node"
  rm -rf "$node"
  mkdir -p "$node"
  cp "$examples/typescript/package.json" "$examples/typescript/package-lock.json" "$node/"
  (cd "$node" && npm ci --no-audit --no-fund --loglevel=error)
fi

. scripts/lib/tandem-for-tests.sh
in_own_namespace "$bin"
start_tandem "$bin"
curl -sf "$base/api/v1/openapi.json" -o "$work/openapi.json"
export TANDEM_URL=$base TANDEM_TOKEN=$token

# Fails the run if a generator said anything but that it is done.
quiet() {
  local what=$1 log=$2
  if grep -Eiv "$3" "$log" | grep -Eq '[^[:space:]]'; then
    cat "$log"
    say "FAILED: $what warned (above)"
    exit 1
  fi
}

# Python: generated with the example's settings (ruff formats what it generates).
mkdir -p "$work/python"
PATH="$venv/bin:$PATH" "$venv/bin/openapi-python-client" generate --path "$work/openapi.json" \
  --meta none --output-path "$work/python/tandem_client" \
  --config "$examples/python/openapi-python-client.yml" >"$work/python.log" 2>&1
quiet "openapi-python-client" "$work/python.log" '^Generating '
modules=$(find "$work/python/tandem_client/api" -name '*.py' ! -name '__init__.py' | wc -l)
say "Python client generated with no warning: $modules operations"
PYTHONPATH="$work/python" "$venv/bin/python" "$examples/python/walkthrough.py"
no_panic
say "the Python example ran against Tandem"

# TypeScript: types generated, the example type-checked (strict) and run with Node.
ts=$work/typescript
mkdir -p "$ts"
cp "$examples/typescript/walkthrough.ts" "$examples/typescript/tsconfig.json" "$examples/typescript/package.json" "$ts/"
ln -s "$node/node_modules" "$ts/node_modules"
(cd "$ts" && TANDEM_OPENAPI="$work/openapi.json" npm run --silent generate) >"$work/typescript.log" 2>&1
quiet "openapi-typescript" "$work/typescript.log" 'openapi-typescript [0-9.]+$|→ tandem-api\.d\.ts'
(cd "$ts" && npx --no-install tsc)
say "TypeScript types generated with no warning, the example type-checked"
(cd "$ts" && node build/walkthrough.js)
no_panic
say "the TypeScript example ran against Tandem"
