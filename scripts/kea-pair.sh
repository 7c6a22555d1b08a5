#!/usr/bin/env bash
# A local ISC Kea DHCPv4 pair to try Tandem with real servers: two kea-dhcp4 servers in HA
# load-balancing on loopback, running as you (Kea 2.2) or from the Kea 3 root as root (Kea 3),
# then registers both in Tandem (the data folder of `make run`, `data` unless given).
#   scripts/kea-pair.sh start [DATA]    start the pair and register it
#   scripts/kea-pair.sh stop [DATA]     stop it
# Kea 2.2 (Debian 12's, `scripts/setup.sh --test` installs it): each server with its control
# agent on ports 18001 and 18002. Kea 3.0 (KEA_PAIR_KEA=3; `scripts/kea3-root.sh` prepares its
# root): the control channel is kea-dhcp4's own HTTP socket on those ports, HA on listeners of
# its own (100 up), hooks, sockets, leases and logs where Kea 3 allows them.
# Environment: KEA_PAIR_KEA (2.2 or 3), KEA_PAIR_PORT (first control port, the second is one
# up; 18001), KEA_PAIR_HEARTBEAT_MS (HA heartbeat, 10000), KEA_PAIR_REGISTER=0 (start without
# registering), KEA_PAIR_HOSTS_DB=postgres://USER:PASSWORD@HOST:PORT/NAME (Kea 3: reservations
# in a PostgreSQL hosts database per server, NAME_1 and NAME_2, made afresh).
set -euo pipefail
cd "$(dirname "$0")/.."
action="${1:-start}"
data="${2:-data}"
version="${KEA_PAIR_KEA:-2.2}"
first_port="${KEA_PAIR_PORT:-18001}"
ports=("$first_port" "$((first_port + 1))")
heartbeat="${KEA_PAIR_HEARTBEAT_MS:-10000}"
register="${KEA_PAIR_REGISTER:-1}"
hosts_db="${KEA_PAIR_HOSTS_DB:-}"
bin="${TANDEM_BIN:-${CARGO_TARGET_DIR:-target}/release/tandem}"
names=(kea1.tandem.local kea2.tandem.local)
hooks=/usr/lib/x86_64-linux-gnu/kea/hooks

if [ "$version" = 3 ]; then
  kea_root=$(scripts/kea3-root.sh)
  [ -n "$kea_root" ] || { echo "no Kea 3 root (it needs root to build and run)"; exit 1; }
  # Kea 3 reads and writes only inside its root: the pair lives there, by its first port.
  inner="/var/lib/tandem-pair/$first_port"
  root="$kea_root$inner"
else
  root="$(mkdir -p "$data/kea" && cd "$data/kea" && pwd)"
  inner="$root"
fi

if [ "$action" = stop ]; then
  # Kea writes its own pid files (KEA_PIDFILE_DIR is each server's folder).
  for pid in "$root"/*/*.kea-dhcp4.pid "$root"/*/*.kea-ctrl-agent.pid; do
    if [ -e "$pid" ]; then kill "$(cat "$pid")" 2>/dev/null || true; fi
  done
  echo "kea pair stopped"
  exit 0
fi
[ "$action" = start ] || { echo "usage: scripts/kea-pair.sh start|stop [DATA]"; exit 2; }
if [ "$version" != 3 ]; then
  command -v kea-dhcp4 >/dev/null || [ -x /usr/sbin/kea-dhcp4 ] || {
    echo "Kea is not installed: scripts/setup.sh --test installs it"; exit 1; }
fi
[ "$register" = 0 ] || [ -x "$bin" ] || {
  echo "build Tandem first (make run, or scripts/build.sh --release)"; exit 1; }
for port in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is already in use (another Kea pair?): scripts/kea-pair.sh stop $data"; exit 1
  fi
done

# Kea 3 with a hosts database: one per server, made afresh, schema by kea-admin.
hosts_config() { echo ""; }
if [ "$version" = 3 ] && [ -n "$hosts_db" ]; then
  export PGOPTIONS="-c client_min_messages=warning"
  db_base="${hosts_db##*/}"; rest="${hosts_db#postgres://}"; creds="${rest%%@*}"; where="${rest#*@}"
  where="${where%%/*}"; db_user="${creds%%:*}"; db_password="${creds#*:}"
  db_host="${where%%:*}"; db_port="${where##*:}"
  for i in 1 2; do
    chroot "$kea_root" env PGPASSWORD="$db_password" psql -q -h "$db_host" -p "$db_port" -U "$db_user" \
      -d postgres -c "DROP DATABASE IF EXISTS ${db_base}_$i" -c "CREATE DATABASE ${db_base}_$i" >/dev/null
    chroot "$kea_root" env PGOPTIONS="$PGOPTIONS" kea-admin db-init pgsql -h "$db_host" \
      -P "$db_port" -u "$db_user" -p "$db_password" -n "${db_base}_$i" >/dev/null
  done
  hosts_config() {
    printf '"hosts-database": { "type": "postgresql", "name": "%s_%s", "host": "%s", "port": %s, "user": "%s", "password": "%s" },' \
      "$db_base" "$1" "$db_host" "$db_port" "$db_user" "$db_password"
  }
fi

for i in 0 1; do
  dir="$root/${names[$i]}"
  in="$inner/${names[$i]}"
  mkdir -p "$dir"
  chmod 750 "$dir"
  if [ "$version" = 3 ]; then
    library() { echo "\"$1\""; }
    peer_port() { echo $((ports[$1] + 100)); }
    control="\"control-sockets\": [ { \"socket-type\": \"http\", \"socket-address\": \"127.0.0.1\", \"socket-port\": ${ports[$i]} } ],"
    files=("leases.csv" "kea-dhcp4.log")
    extra_hooks='{ "library": "libdhcp_host_cmds.so" }, { "library": "libdhcp_subnet_cmds.so" }, { "library": "libdhcp_class_cmds.so" },'
    [ -z "$hosts_db" ] || extra_hooks="$extra_hooks { \"library\": \"libdhcp_pgsql.so\" },"
    reservations='[ ]'
    [ -n "$hosts_db" ] || reservations='[ { "ip-address": "192.168.50.20", "hw-address": "52:54:00:12:34:56", "hostname": "printer" } ]'
    log_key=output-options
  else
    library() { echo "\"$hooks/$1\""; }
    peer_port() { echo "${ports[$1]}"; }
    control="\"control-socket\": { \"socket-type\": \"unix\", \"socket-name\": \"$dir/kea4.sock\" },"
    files=("$dir/leases.csv" "$dir/kea-dhcp4.log")
    extra_hooks=""
    reservations='[ { "ip-address": "192.168.50.20", "hw-address": "52:54:00:12:34:56", "hostname": "printer" } ]'
    log_key=output_options
  fi
  cat > "$dir/kea-dhcp4.conf" <<CONF
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [] },
  $control
  $(hosts_config $((i + 1)))
  "lease-database": { "type": "memfile", "persist": true, "name": "${files[0]}" },
  "valid-lifetime": 691200,
  "hooks-libraries": [
    { "library": $(library libdhcp_lease_cmds.so) }, $extra_hooks
    { "library": $(library libdhcp_ha.so), "parameters": { "high-availability": [ {
      "this-server-name": "${names[$i]}", "mode": "load-balancing",
      "heartbeat-delay": $heartbeat, "max-response-delay": $((heartbeat * 6)), "max-ack-delay": 10000,
      "max-unacked-clients": 0,
      "peers": [
        { "name": "${names[0]}", "url": "http://127.0.0.1:$(peer_port 0)/", "role": "primary" },
        { "name": "${names[1]}", "url": "http://127.0.0.1:$(peer_port 1)/", "role": "secondary" } ] } ] } } ],
  "subnet4": [ { "id": 1, "subnet": "192.168.50.0/24",
    "pools": [ { "pool": "192.168.50.100 - 192.168.50.200" } ],
    "option-data": [ { "code": 3, "data": "192.168.50.1" } ],
    "reservations": $reservations } ],
  "loggers": [ { "name": "kea-dhcp4", "$log_key": [ { "output": "${files[1]}" } ], "severity": "WARN" } ]
} }
CONF
  if [ "$version" = 3 ]; then
    (KEA_PIDFILE_DIR="$in" KEA_LOCKFILE_DIR="$in" KEA_DHCP_DATA_DIR="$in" KEA_LOG_FILE_DIR="$in" \
      KEA_CONTROL_SOCKET_DIR="$in" exec nohup chroot "$kea_root" /usr/sbin/kea-dhcp4 \
      -c "$in/kea-dhcp4.conf") >"$dir/kea-dhcp4.out" 2>&1 </dev/null &
  else
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
  fi
done

# Wait until both answer, then register them.
for i in 0 1; do
  up=0
  for _ in $(seq 100); do
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
echo "kea $version pair running; stop it with: KEA_PAIR_KEA=$version KEA_PAIR_PORT=$first_port scripts/kea-pair.sh stop $data"
