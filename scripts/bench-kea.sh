#!/usr/bin/env bash
# Measures a reservation created through Tandem on a real Kea pair until it is on both servers,
# against two raw config-set round trips in the same run, at 10, 1 000 and 10 000 reservations
# in the subnet (backend/examples/kea_edit.rs). Starts its own Kea pair on loopback (ports
# 18201-18202) and stops it at the end. Kea must be installed (scripts/setup.sh --test).
#   scripts/bench-kea.sh [EDITS]
set -euo pipefail
cd "$(dirname "$0")/.."
edits="${1:-20}"
data=$(mktemp -d)
export KEA_PAIR_PORT=18201 KEA_PAIR_REGISTER=0 KEA_PAIR_HEARTBEAT_MS=10000
trap 'scripts/kea-pair.sh stop "$data" >/dev/null; rm -rf "$data"' EXIT
cargo build --release -p tandem-backend --example kea_edit
scripts/kea-pair.sh start "$data"
${BENCH_WRAP:-} "${CARGO_TARGET_DIR:-target}/release/examples/kea_edit" \
  kea1.tandem.local http://127.0.0.1:18201/ kea2.tandem.local http://127.0.0.1:18202/ "$edits"
