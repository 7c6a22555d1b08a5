#!/usr/bin/env bash
# Measures a release build on this machine, on the seed pair: latency of the DHCP Scopes view's
# server function, of a reservation change replicated to the
# partner, and the size of the browser bundle. Usage: scripts/bench.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-200}"
target_dir="${CARGO_TARGET_DIR:-target}"
bin="$target_dir/release/tandem"
site="${TANDEM_SITE_ROOT:-site}"
[ -x "$bin" ] || { echo "build first: scripts/build.sh --release"; exit 1; }
data=$(mktemp -d)
port=3099
TANDEM_ADMIN_PASSWORD='bench password 1' \
  "$bin" --data-dir "$data" --addr "127.0.0.1:$port" --site-root "$site" >"$data/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
api="http://127.0.0.1:$port/api"
jar="$data/cookies"
t0=$(date +%s%N)
curl -sf -c "$jar" -X POST -H 'content-type: application/json' "$api/sign_in" \
  -d '{"credentials":{"username":"admin","password":"bench password 1"}}' >/dev/null
t1=$(date +%s%N)
curl() { command curl -b "$jar" "$@"; }
ms() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.2f", (b - a) / 1e6 / n }'; }

echo "sign-in (Argon2id):                     $(ms "$t0" "$t1" 1) ms"

t0=$(date +%s%N)
for _ in $(seq "$n"); do curl -sf -X POST "$api/list_scopes" >/dev/null; done
t1=$(date +%s%N)
echo "list_scopes (first page, inventory):    $(ms "$t0" "$t1" "$n") ms mean over $n calls"

t0=$(date +%s%N)
for i in $(seq "$n"); do
  ip="10.0.0.$(( 100 + i % 100 ))"
  mac=$(printf '0011223344%02x' $(( i % 100 )))
  curl -sf -X POST -H 'content-type: application/json' "$api/create_reservation" \
    -d "{\"input\":{\"target\":{\"server\":\"dhcp1.contoso.com\",\"scope_id\":\"10.0.0.0\"},\"reservation\":{\"ip_address\":\"$ip\",\"client_id\":\"$mac\"}}}" >/dev/null
  curl -sf -X POST -H 'content-type: application/json' "$api/delete_reservation" \
    -d "{\"input\":{\"target\":{\"server\":\"dhcp1.contoso.com\",\"scope_id\":\"10.0.0.0\"},\"ip_address\":\"$ip\"}}" >/dev/null
done
t1=$(date +%s%N)
echo "reservation change, both servers:      $(ms "$t0" "$t1" $(( 2 * n ))) ms mean over $(( 2 * n )) changes"

t0=$(date +%s%N)
for _ in $(seq "$n"); do curl -sf "http://127.0.0.1:$port/scopes" >/dev/null; done
t1=$(date +%s%N)
echo "DHCP Scopes page, server-rendered:     $(ms "$t0" "$t1" "$n") ms mean over $n loads"

echo "browser bundle (each file, and what each page needs):"
"$target_dir/release/tandem-bundle" sizes "$site/pkg"
