#!/usr/bin/env bash
# The REST API's contract test: a Tandem (the built-in pair) is started in a network namespace
# of its own (loopback only: a generated Kea URL reaches nothing), an API token is made by
# signing in, the served /api/v1/openapi.json is checked to be a valid OpenAPI 3.1 document,
# and schemathesis generates requests from it, single calls and then, on a fresh Tandem,
# sequences that follow the description's links: every response must match the description
# (status, content type, headers, body) and none may be a 5xx.
#   scripts/contract.sh [BINARY]   default: the debug `tandem` that `cargo test` built
# CONTRACT_MAX_EXAMPLES (default 40) and CONTRACT_SEED (default 1) tune the run.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'contract: %s\n' "$*"; }

cache=${XDG_CACHE_HOME:-$HOME/.cache}/tandem
target=${CARGO_TARGET_DIR:-target}
bin=$(realpath "${1:-$target/debug/tandem}")
venv=$cache/contract-venv
config=$PWD/scripts/contract.toml

# The tools, in a virtual environment kept outside the clone; rebuilt when the pins change.
if ! cmp -s scripts/contract-requirements.txt "$venv/requirements.txt" 2>/dev/null; then
  say "installing schemathesis and openapi-spec-validator (PyPI) into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r scripts/contract-requirements.txt
  cp scripts/contract-requirements.txt "$venv/requirements.txt"
fi

. scripts/lib/tandem-for-tests.sh
in_own_namespace "$bin"
start_tandem "$bin"

curl -sf "$base/api/v1/openapi.json" -o "$work/openapi.json"
"$venv/bin/openapi-spec-validator" "$work/openapi.json"
operations=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sum(len(i) for i in d["paths"].values()))' "$work/openapi.json")
say "the served description is valid OpenAPI $(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["openapi"])' "$work/openapi.json"), $operations operations"

# Runs schemathesis's phases $1 against the Tandem running now; fails the run on a mismatch.
# Prints how many requests it generated.
run_phases() {
  local phases=$1 out=$work/schemathesis-$1.out status
  set +e
  # From the scratch folder: schemathesis keeps its own files where it runs.
  (cd "$work" && "$venv/bin/schemathesis" --config-file "$config" run "$description" \
    --url "$base/api/v1" -H "Authorization: Bearer $token" --phases "$phases" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --max-examples "${CONTRACT_MAX_EXAMPLES:-40}" --seed "${CONTRACT_SEED:-1}" --workers 2 \
    --request-timeout 30 --no-color >"$out" 2>&1)
  status=$?
  set -e
  cat "$out" >&2
  no_panic
  cases=$(grep -Eo '[0-9]+ generated' "$out" | tail -1 | grep -Eo '[0-9]+' || echo '?')
  if [ $status != 0 ]; then
    say "FAILED ($phases): responses that do not match the description (above); $cases requests generated" >&2
    exit 1
  fi
  echo "$cases"
}

description=$(mktemp)
cp "$work/openapi.json" "$description"
# Single calls first: their fuzzing deletes what it finds (the seed's scope among it)...
single=$(run_phases examples,coverage,fuzzing)
# ... so the sequences, which follow the description's links from what a list or a read gives,
# start again from a fresh Tandem with the built-in pair's seed.
stop_tandem
start_tandem "$bin"
sequences=$(run_phases stateful)
rm -f "$description"
say "$single generated single requests and $sequences in stateful sequences on $operations operations: every response matched the description, none was a 5xx"
