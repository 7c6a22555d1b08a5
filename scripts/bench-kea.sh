#!/usr/bin/env bash
# Measures a reservation created through Tandem until it is on both servers of a Kea pair, and a
# scope edit on both, against the raw commands Tandem uses on that kind of pair, at 10, 1 000
# and 10 000 reservations in the subnet (backend/examples/kea_edit.rs), in one run on:
#   - Kea 3.0 with a PostgreSQL hosts database per server (host commands, durable at once);
#   - Kea 3.0 with reservations in its configuration file (host commands, then config-write);
#   - Kea 2.2 (config-set, one partner at a time).
# Each pair is started on loopback (ports 18201-18206) with a 1 s HA heartbeat, and stopped at
# the end. Needs what `make test` prepares (Kea 2.2, the Kea 3 root, PostgreSQL), and root.
#   scripts/bench-kea.sh [EDITS]
set -euo pipefail
cd "$(dirname "$0")/.."
edits="${1:-20}"
data=$(mktemp -d)
pg=$(scripts/test-postgres.sh)
pairs=()
stop_all() {
  for p in "${pairs[@]}"; do
    KEA_PAIR_KEA="${p%%:*}" KEA_PAIR_PORT="${p##*:}" scripts/kea-pair.sh stop "$data" >/dev/null || true
  done
  rm -rf "$data"
}
trap stop_all EXIT
cargo build --release -p tandem-backend --example kea_edit
bin="${CARGO_TARGET_DIR:-target}/release/examples/kea_edit"
export KEA_PAIR_REGISTER=0 KEA_PAIR_HEARTBEAT_MS=1000
echo "pair                   |   size | Tandem edit on both p50 / p95 ms | raw p50 / p95 ms | raw commands | Tandem scope edit p50 / p95 | the same after an outside change | raw scope edit p50 / p95"
run() {
  local label="$1" version="$2" port="$3" db="$4"
  KEA_PAIR_KEA="$version" KEA_PAIR_PORT="$port" KEA_PAIR_HOSTS_DB="$db" scripts/kea-pair.sh start "$data" >/dev/null
  pairs+=("$version:$port")
  ${BENCH_WRAP:-} "$bin" "$label" kea1.tandem.local "http://127.0.0.1:$port/" \
    kea2.tandem.local "http://127.0.0.1:$((port + 1))/" "$edits"
  KEA_PAIR_KEA="$version" KEA_PAIR_PORT="$port" scripts/kea-pair.sh stop "$data" >/dev/null
}
run "Kea 3.0, hosts database" 3 18201 "${pg%/*}/kea_bench"
run "Kea 3.0, file" 3 18203 ""
run "Kea 2.2, config-set" 2.2 18205 ""
