#!/usr/bin/env bash
# A local ISC Kea DHCPv4 pair to try Tandem with real servers: two kea-dhcp4 servers in HA
# load-balancing, each with its control agent on loopback (ports 18001 and 18002), running as
# you, with their files under DATA/kea/; then registers both in Tandem (the data folder of
# `make run`, `data` unless given). Kea must be installed (`scripts/setup.sh --test` does it).
#   scripts/kea-pair.sh start [DATA]    start the pair and register it
#   scripts/kea-pair.sh stop [DATA]     stop it
# Environment: KEA_PAIR_PORT (first agent's port, the second is one up; 18001),
# KEA_PAIR_HEARTBEAT_MS (HA heartbeat, 10000), KEA_PAIR_REGISTER=0 (start without registering).
set -euo pipefail
cd "$(dirname "$0")/.."
action="${1:-start}"
data="${2:-data}"
root="$(mkdir -p "$data/kea" && cd "$data/kea" && pwd)"
bin="${TANDEM_BIN:-${CARGO_TARGET_DIR:-target}/release/tandem}"
hooks=/usr/lib/x86_64-linux-gnu/kea/hooks
names=(kea1.tandem.local kea2.tandem.local)
first_port="${KEA_PAIR_PORT:-18001}"
ports=("$first_port" "$((first_port + 1))")
heartbeat="${KEA_PAIR_HEARTBEAT_MS:-10000}"
register="${KEA_PAIR_REGISTER:-1}"

if [ "$action" = stop ]; then
  # Kea writes its own pid files (KEA_PIDFILE_DIR is each server's folder).
  for pid in "$root"/*/*.kea-dhcp4.pid "$root"/*/*.kea-ctrl-agent.pid; do
    if [ -e "$pid" ]; then kill "$(cat "$pid")" 2>/dev/null || true; fi
  done
  echo "kea pair stopped"
  exit 0
fi
[ "$action" = start ] || { echo "usage: scripts/kea-pair.sh start|stop [DATA]"; exit 2; }
command -v kea-dhcp4 >/dev/null || [ -x /usr/sbin/kea-dhcp4 ] || {
  echo "Kea is not installed: scripts/setup.sh --test installs it"; exit 1; }
[ "$register" = 0 ] || [ -x "$bin" ] || {
  echo "build Tandem first (make run, or scripts/build.sh --release)"; exit 1; }

for port in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is already in use (another Kea pair?): scripts/kea-pair.sh stop $data"; exit 1
  fi
done

for i in 0 1; do
  dir="$root/${names[$i]}"
  mkdir -p "$dir"
  cat > "$dir/kea-dhcp4.conf" <<CONF
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [] },
  "control-socket": { "socket-type": "unix", "socket-name": "$dir/kea4.sock" },
  "lease-database": { "type": "memfile", "persist": true, "name": "$dir/leases.csv" },
  "valid-lifetime": 691200,
  "hooks-libraries": [
    { "library": "$hooks/libdhcp_lease_cmds.so" },
    { "library": "$hooks/libdhcp_ha.so", "parameters": { "high-availability": [ {
      "this-server-name": "${names[$i]}", "mode": "load-balancing",
      "heartbeat-delay": $heartbeat, "max-response-delay": $((heartbeat * 6)), "max-ack-delay": 10000,
      "max-unacked-clients": 0,
      "peers": [
        { "name": "${names[0]}", "url": "http://127.0.0.1:${ports[0]}/", "role": "primary" },
        { "name": "${names[1]}", "url": "http://127.0.0.1:${ports[1]}/", "role": "secondary" } ] } ] } } ],
  "subnet4": [ { "id": 1, "subnet": "192.168.50.0/24",
    "pools": [ { "pool": "192.168.50.10 - 192.168.50.200" } ],
    "option-data": [ { "code": 3, "data": "192.168.50.1" } ],
    "reservations": [ { "ip-address": "192.168.50.20", "hw-address": "52:54:00:12:34:56", "hostname": "printer" } ] } ],
  "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "$dir/kea-dhcp4.log" } ], "severity": "WARN" } ]
} }
CONF
  cat > "$dir/kea-ctrl-agent.conf" <<CONF
{ "Control-agent": { "http-host": "127.0.0.1", "http-port": ${ports[$i]},
  "control-sockets": { "dhcp4": { "socket-type": "unix", "socket-name": "$dir/kea4.sock" } },
  "loggers": [ { "name": "kea-ctrl-agent", "output_options": [ { "output": "$dir/kea-ctrl-agent.log" } ], "severity": "WARN" } ] } }
CONF
  for program in kea-dhcp4 kea-ctrl-agent; do
    # exec: no shell is left holding this script's output open.
    (cd "$dir" && KEA_PIDFILE_DIR="$dir" KEA_LOCKFILE_DIR="$dir" \
      exec nohup "/usr/sbin/$program" -c "$dir/$program.conf") >"$dir/$program.out" 2>&1 </dev/null &
  done
done

# Wait until both answer, then register them.
for i in 0 1; do
  up=0
  for _ in $(seq 50); do
    if curl -sf -m 2 -X POST -H 'Content-Type: application/json' "http://127.0.0.1:${ports[$i]}/" \
      -d '{"command":"ha-heartbeat","service":["dhcp4"]}' | grep -q '"result": 0'; then
      up=1; break
    fi
    sleep 0.2
  done
  if [ $up = 0 ]; then
    echo "${names[$i]} did not start; its logs:"; tail -n 5 "$root/${names[$i]}"/*.out
    exit 1
  fi
  if [ "$register" != 0 ]; then
    "$bin" --data-dir "$data" kea add "${names[$i]}" --url "http://127.0.0.1:${ports[$i]}/"
  fi
done
echo "kea pair running; stop it with: scripts/kea-pair.sh stop $data"
