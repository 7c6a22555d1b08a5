#!/usr/bin/env bash
# Measures the CSV import on a release build: a 10 000-row reservations file (the columns of
# Import-Csv | Add-DhcpServerv4Reservation) previewed, applied to a /18 failover scope of the
# seed's built-in pair, and previewed again (every row unchanged). Checks that both partners
# hold every row. Usage: scripts/bench-import.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-10000}"
target_dir="${CARGO_TARGET_DIR:-target}"
bin="$target_dir/release/tandem"
[ -x "$bin" ] || { echo "build first: cargo build --release -p server"; exit 1; }
data=$(mktemp -d)
port=3098
base="http://127.0.0.1:$port"
"$bin" serve --data-dir "$data/data" --addr "127.0.0.1:$port" --site-root "$data/site" \
  --admin-password 'bench password 1' >"$data/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done
curl -sf -c "$data/jar" -o /dev/null --data-urlencode username=admin \
  --data-urlencode 'password=bench password 1' --data-urlencode next=/ "$base/sign-in"
token=$(curl -sf -b "$data/jar" -H "Origin: $base" -H 'Content-Type: application/json' \
  -d '{"name":"bench"}' "$base/api/v1/tokens" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
api() { curl -sf -H "Authorization: Bearer $token" "$@"; }
api -H 'Content-Type: application/json' -o /dev/null "$base/api/v1/servers/dhcp1.contoso.com/scopes" \
  -d '{"scope_id":"10.64.0.0","subnet_mask":"/18","name":"import bench","start":"10.64.0.1","end":"10.64.63.254"}'
api -H 'Content-Type: application/json' -o /dev/null \
  "$base/api/v1/servers/dhcp1.contoso.com/relationships/dhcp1.contoso.com-dc1.contoso.com/scopes" \
  -d '{"scope_id":"10.64.0.0"}'
python3 - "$rows" >"$data/file.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("ScopeId,IPAddress,Name,ClientId,Description,Type", end="\r\n")
for i in range(n):
    print(f"10.64.0.0,10.64.{i // 250}.{i % 250 + 1},host-{i},02-00-00-{i >> 16 & 255:02x}-{i >> 8 & 255:02x}-{i & 255:02x},imported,Both", end="\r\n")
PY
echo "file: $rows rows, $(wc -c <"$data/file.csv") bytes"
timed() {
  local label=$1 url=$2 t0 t1 out
  t0=$(date +%s%N)
  out=$(api -H 'Content-Type: text/csv' --data-binary "@$data/file.csv" "$url")
  t1=$(date +%s%N)
  printf '%-34s %6.2f s  %s\n' "$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')" \
    "$(python3 -c 'import json, sys; print(json.load(sys.stdin)["counts"])' <<<"$out")"
}
timed "preview (empty scope):" "$base/api/v1/servers/dhcp1.contoso.com/reservations/import-preview"
timed "apply (both partners):" "$base/api/v1/servers/dhcp1.contoso.com/reservations/import"
timed "preview again (all unchanged):" "$base/api/v1/servers/dhcp1.contoso.com/reservations/import-preview"
for server in dhcp1.contoso.com dc1.contoso.com; do
  held=$(api "$base/api/v1/servers/$server/scopes/10.64.0.0/reservations?per_page=1" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])')
  echo "$server holds $held reservations in 10.64.0.0"
  [ "$held" = "$rows" ] || { echo "expected $rows"; exit 1; }
done
