#!/usr/bin/env bash
# Measures a release build at the size of a large estate: builds a load-out (by default 1 000
# built-in servers in 500 failover pairs, 100 000 scopes, 1 000 000 reservations), starts
# Tandem on it, waits until the drift watch has read every server once, then reports p50/p95/
# p99 of each list view rendered by the server and of its data call, of a reservation created
# (and deleted) on a failover scope until it is on both servers, and the server's peak memory.
#   scripts/bench-scale.sh [SERVERS SCOPES RESERVATIONS [REQUESTS]]
set -euo pipefail
cd "$(dirname "$0")/.."
servers="${1:-1000}"
scopes="${2:-100000}"
reservations="${3:-1000000}"
n="${4:-200}"
target_dir="${CARGO_TARGET_DIR:-target}"
bin="$target_dir/release/tandem"
site="${TANDEM_SITE_ROOT:-site}"
[ -x "$bin" ] || { echo "build first: scripts/build.sh --release"; exit 1; }
data=$(mktemp -d)
port="${BENCH_PORT:-3098}"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$data"' EXIT

echo "== load-out"
"$bin" --data-dir "$data" loadout --servers "$servers" --scopes "$scopes" --reservations "$reservations"
du -sh "$data/builtin" "$data"/tandem.db* | sed 's/^/   /'

echo "== start"
# The thousand built-in servers are stand-ins for DHCP servers on other machines, yet they run
# inside Tandem's process here: their heartbeats go every 10 s (Kea's default heartbeat-delay)
# so that a thousand of them do not take a core from what is measured. BENCH_HEARTBEAT_MS=1000
# measures with Tandem's default instead.
heartbeat="${BENCH_HEARTBEAT_MS:-10000}"
echo "   built-in servers' heartbeat every $heartbeat ms"
t0=$(date +%s%N)
TANDEM_ADMIN_PASSWORD='bench password 1' \
  "$bin" --data-dir "$data" --addr "127.0.0.1:$port" --site-root "$site" \
  --failover-heartbeat-ms "$heartbeat" --failover-timeout-ms $(( heartbeat * 3 )) >"$data/log" 2>&1 &
pid=$!
until grep -q "serving on" "$data/log" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat "$data/log"; exit 1; }
  sleep 0.1
done
t1=$(date +%s%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "   listening after %.1f s (every built-in server started)\n", (b - a) / 1e9 }'

base="http://127.0.0.1:$port"
api="$base/api"
jar="$data/cookies"
command curl -sf -c "$jar" -X POST -H 'content-type: application/json' "$api/sign_in" \
  -d '{"credentials":{"username":"admin","password":"bench password 1"}}' >/dev/null
curl() { command curl -sf -b "$jar" "$@"; }

# The first look of the drift watch reads every server whole (the load-out recorded no
# revision); "Check drift now" returns when a look is done, so wait for one to find nothing new.
t0=$(date +%s%N)
until [ "$(curl -X POST "$api/check_drift")" = "false" ]; do sleep 0.5; done
t1=$(date +%s%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "   every server read and compared after %.1f s more\n", (b - a) / 1e9 }'

# Prints p50/p95/p99 (ms) of the times (seconds, one per line) on stdin.
stats() {
  sort -n | awk -v label="$1" '{ t[NR] = $1 * 1000 } END {
    n = NR
    i50 = int(n * 0.50 + 0.5); if (i50 < 1) i50 = 1
    i95 = int(n * 0.95 + 0.5); if (i95 < 1) i95 = 1
    i99 = int(n * 0.99 + 0.5); if (i99 < 1) i99 = 1
    printf "   %-44s p50 %7.2f  p95 %7.2f  p99 %7.2f ms  (n=%d)\n", label, t[i50], t[i95], t[i99], n }'
}

# GET a page n times.
page() {
  local label="$1" path="$2"
  for _ in $(seq "$n"); do curl -o /dev/null -w '%{time_total}\n' "$base$path"; done | stats "$label"
}

# GET a page n times over one kept-alive connection, as browsers and scripts' sessions talk
# (a stall there that fresh connections do not show is Nagle's algorithm: TCP_NODELAY).
page_kept() {
  local label="$1" path="$2" urls=()
  for _ in $(seq "$n"); do urls+=(-o /dev/null "$base$path"); done
  curl -w '%{time_total}\n' "${urls[@]}" | stats "$label, one connection"
}

# POST a server function n times with a JSON body.
call() {
  local label="$1" fn="$2" body="$3"
  for _ in $(seq "$n"); do
    curl -o /dev/null -w '%{time_total}\n' -X POST -H 'content-type: application/json' "$api/$fn" -d "$body"
  done | stats "$label"
}

# POST a server function n times with a form body.
form() {
  local label="$1" fn="$2" body="$3"
  for _ in $(seq "$n"); do
    curl -o /dev/null -w '%{time_total}\n' -X POST "$api/$fn" -d "$body"
  done | stats "$label"
}

last_page=$(( scopes / 50 ))
# A server near the middle of the estate (the second of its pair), and a scope of its pair.
idx=$(( (servers * 421 / 1000) | 1 ))
some_server=$(printf 'dhcp%04d.loadout.test' "$idx")
partner=$(printf 'dhcp%04d.loadout.test' $(( idx - 1 )))
some_scope=$(awk -v i="$idx" -v s="$scopes" -v v="$servers" 'BEGIN { g = int(i / 2) * (s / v) + 7; printf "10.%d.%d.0", int(g / 256), g % 256 }')
echo "== list views, server-rendered pages (GET) and their data calls (POST), $n requests each"
page "DHCP Scopes, first page" "/scopes"
page_kept "DHCP Scopes, first page" "/scopes"
page "DHCP Scopes, last page" "/scopes?page=$last_page"
page "DHCP Scopes, by name, descending" "/scopes?sort=name&order=desc"
page "DHCP Scopes, filter name contains" "/scopes?name=site%2004"
page "DHCP Scopes, filter server" "/scopes?server=$some_server"
page "DHCP Scopes, filter drifting" "/scopes?sync=drift"
call "list_scopes, first page" list_scopes '{"query":{}}'
call "list_scopes, last page" list_scopes "{\"query\":{\"page\":{\"number\":$last_page,\"size\":50}}}"
call "list_scopes, filter relationship" list_scopes "{\"query\":{\"relationship\":\"$(printf 'pair%04d' $(( idx / 2 )))\"}}"
page "DHCP Servers, first page" "/servers"
page "DHCP Servers, by scopes" "/servers?sort=scopes&order=desc&page=3"
call "list_servers, first page" list_servers '{"query":{}}'
page "Scope Properties + reservations" "/servers/$some_server/scopes/$some_scope"
call "list_reservations" list_reservations "{\"target\":{\"server\":\"$some_server\",\"scope_id\":\"$some_scope\"},\"query\":{}}"
page "DHCP Scopes, by usage, fullest first" "/scopes?sort=usage&order=desc"
page "DHCP Scopes, over 50 % full" "/scopes?usage_over=50"
page "Search, by name" "/search?q=host-4242-"
page_kept "Search, by name" "/search?q=host-4242-"
page_kept "Scope Properties + reservations" "/servers/$some_server/scopes/$some_scope"
form "search_reservations, by IP" search_reservations 'text=10.1.2.13'
form "search_reservations, by MAC" search_reservations 'text=02-00-00-01-02-03'

echo "== asked of every server: a lease search, and the configuration review ($(( n / 10 )) requests each)"
for _ in $(seq $(( n / 10 ))); do
  curl -o /dev/null -w '%{time_total}\n' -X POST "$api/find_leases" -d 'text=10.1.2.13'
done | stats "find_leases (every server asked, by IP)"
for _ in $(seq $(( n / 10 ))); do
  curl -o /dev/null -w '%{time_total}\n' -X POST "$api/review_now" -d ''
done | stats "review_now (every server read and checked)"
page "Configuration Review (the kept review)" "/review"

echo "== every pair's failover state, from the inventory the drift watch keeps"
page "Dashboard" "/"
call "get_dashboard" get_dashboard '{}'
page "Failover Relationships, first page" "/relationships"
page "Failover Relationships, page 5" "/relationships?page=5"
page "Failover Relationships, not Normal" "/relationships?filter=not-normal"
call "list_relationships, first page" list_relationships '{"query":{}}'
call "list_relationships, name contains" list_relationships '{"query":{"name":"pair02"}}'

echo "== a reservation created on a failover scope, on both servers when the call returns"
for i in $(seq "$n"); do
  host=$(( 240 + i % 10 ))
  ip="${some_scope%.0}.$host"
  mac=$(printf '0a0000%06x' "$i")
  curl -o /dev/null -w '%{time_total}\n' -X POST -H 'content-type: application/json' "$api/create_reservation" \
    -d "{\"input\":{\"target\":{\"server\":\"$some_server\",\"scope_id\":\"$some_scope\"},\"reservation\":{\"ip_address\":\"$ip\",\"client_id\":\"$mac\"}}}"
  curl -o /dev/null -X POST -H 'content-type: application/json' "$api/delete_reservation" \
    -d "{\"input\":{\"target\":{\"server\":\"$some_server\",\"scope_id\":\"$some_scope\"},\"ip_address\":\"$ip\"}}"
done | stats "create_reservation, replicated"
"$bin" --data-dir "$data" server "$partner" reservation list --scope "$some_scope" | tail -n +3 | wc -l |
  awk -v r="$(( reservations / scopes ))" '{ printf "   partner holds %d reservations in the scope afterwards (load-out: %d)\n", $1, r }'

echo "== memory"
grep -E 'VmHWM|VmRSS' "/proc/$pid/status" | sed 's/^/   /'

# Sustained reads: wrk, 20 connections for BENCH_WRK_SECS (15) s, signed in, against the DHCP
# Scopes data call (the first page, as the page's code asks for it) and the page itself.
# Prints requests per second and p50 / p99 latency.
wrk_secs="${BENCH_WRK_SECS:-15}"
command -v wrk >/dev/null || { echo "   (wrk is not installed: apt-get install wrk)"; exit 0; }
cookie=$(awk '$6 == "tandem_session" { print $7 }' "$jar")
cat >"$data/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"query":{}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "tandem_session=$cookie"
LUA
cat >"$data/get.lua" <<LUA
wrk.headers["Cookie"] = "tandem_session=$cookie"
LUA
sustained() {
  local label="$1" url="$2" script="$3"
  wrk -t 2 -c 20 -d "${wrk_secs}s" --latency -s "$script" "$url" 2>&1 | awk -v label="$label" '
    /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 } /Requests\/sec/ { rps = $2 }
    /Non-2xx/ { bad = $NF }
    END { printf "   %-52s %8.0f req/s  p50 %8s  p99 %8s%s\n", label, rps, p50, p99, (bad ? "  NON-2xx: " bad : "") }'
}
echo "== sustained reads, 20 connections, ${wrk_secs} s each (wrk)"
sustained "one instance, SQLite: list_scopes" "$api/list_scopes" "$data/post.lua"
sustained "one instance, SQLite: /scopes page" "$base/scopes" "$data/get.lua"

# The same on PostgreSQL: one instance, then two behind haproxy (the second reaching the
# built-in servers the first hosts). Needs PostgreSQL and haproxy (scripts/setup.sh --test).
pg_url=$(scripts/test-postgres.sh tandem_bench 2>/dev/null || true)
if [ -z "$pg_url" ] || ! command -v haproxy >/dev/null; then
  echo "   (PostgreSQL or haproxy is not here: the PostgreSQL runs are skipped)"
  exit 0
fi
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
pg_data=$(mktemp -d)
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "${pid_b:-}" ] && kill "$pid_b" 2>/dev/null;
  [ -n "${pid_lb:-}" ] && kill "$pid_lb" 2>/dev/null; rm -rf "$data" "$pg_data"' EXIT
echo "== load-out on PostgreSQL"
"$bin" --data-dir "$pg_data" --database-url "$pg_url" loadout --servers "$servers" --scopes "$scopes" --reservations "$reservations"
serve_on() {
  TANDEM_ADMIN_PASSWORD='bench password 1' "$bin" --data-dir "$pg_data" --database-url "$pg_url" \
    --addr "127.0.0.1:$1" --site-root "$site" --instance-name "$2" --builtin "$3" \
    --failover-heartbeat-ms "$heartbeat" --failover-timeout-ms $(( heartbeat * 3 )) >"$pg_data/$2.log" 2>&1 &
}
serve_on "$port" a host
pid=$!
until grep -q "serving on" "$pg_data/a.log" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat "$pg_data/a.log"; exit 1; }
  sleep 0.1
done
command curl -sf -c "$jar" -X POST -H 'content-type: application/json' "$api/sign_in" \
  -d '{"credentials":{"username":"admin","password":"bench password 1"}}' >/dev/null
until [ "$(curl -X POST "$api/check_drift")" = "false" ]; do sleep 0.5; done
cookie=$(awk '$6 == "tandem_session" { print $7 }' "$jar")
sed -i "s/tandem_session=[^\"]*/tandem_session=$cookie/" "$data/post.lua" "$data/get.lua"
sustained "one instance, PostgreSQL: list_scopes" "$api/list_scopes" "$data/post.lua"
sustained "one instance, PostgreSQL: /scopes page" "$base/scopes" "$data/get.lua"
page "Dashboard (PostgreSQL)" "/"
page "Failover Relationships (PostgreSQL)" "/relationships"
serve_on $(( port + 1 )) b remote
pid_b=$!
until grep -q "serving on" "$pg_data/b.log" 2>/dev/null; do
  kill -0 "$pid_b" 2>/dev/null || { cat "$pg_data/b.log"; exit 1; }
  sleep 0.1
done
lb_port=$(( port + 2 ))
cat >"$pg_data/haproxy.cfg" <<CFG
defaults
  mode http
  timeout connect 1s
  timeout client 60s
  timeout server 60s
frontend portal
  bind 127.0.0.1:$lb_port
  default_backend tandem
backend tandem
  balance roundrobin
  server a 127.0.0.1:$port
  server b 127.0.0.1:$(( port + 1 ))
CFG
haproxy -db -f "$pg_data/haproxy.cfg" >"$pg_data/haproxy.log" 2>&1 &
pid_lb=$!
# Both instances answer, and the balancer does, before anything is measured (any HTTP status:
# /health may say the watch is old while 1 000 servers are read).
for _ in $(seq 100); do
  a_ok=$(command curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health" || true)
  b_ok=$(command curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(( port + 1 ))/health" || true)
  lb_ok=$(command curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$lb_port/health" || true)
  [ "$a_ok" != 000 ] && [ "$b_ok" != 000 ] && [ "$lb_ok" != 000 ] && break
  sleep 0.2
done
if [ "$a_ok" = 000 ] || [ "$b_ok" = 000 ] || [ "$lb_ok" = 000 ]; then
  echo "   the balanced layout is not answering (a $a_ok, b $b_ok, haproxy $lb_ok):"
  tail -n 20 "$pg_data/b.log" "$pg_data/haproxy.log" | sed 's/^/   /'
  exit 1
fi
sustained "two instances behind haproxy, PostgreSQL: list_scopes" "http://127.0.0.1:$lb_port/api/list_scopes" "$data/post.lua"
sustained "two instances behind haproxy, PostgreSQL: /scopes page" "http://127.0.0.1:$lb_port/scopes" "$data/get.lua"
