# Sourced by the scripts that test Tandem from outside (contract.sh, clients.sh): runs the
# script again in a network namespace of its own (loopback only: a generated Kea URL reaches
# nothing), then starts a Tandem with the built-in pair and makes an API token by signing in,
# as a user would. Sets: $work (a scratch folder, removed on exit), $base, $token, $password.
#   in_own_namespace "$@"       first, before anything else
#   start_tandem BINARY         then

in_own_namespace() {
  if [ -z "${TANDEM_TEST_NETNS:-}" ]; then
    if [ "$(id -u)" = 0 ]; then
      exec unshare --net env TANDEM_TEST_NETNS=1 "$0" "$@"
    else
      exec unshare --user --map-root-user --net env TANDEM_TEST_NETNS=1 "$0" "$@"
    fi
  fi
  ip link set lo up
}

start_tandem() {
  local bin=$1
  work=$(mktemp -d)
  tandem_pid=
  trap stop_tandem EXIT
  base=http://127.0.0.1:3000
  password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  "$bin" serve --addr 127.0.0.1:3000 --data-dir "$work/data" --site-root "$work/site" \
    --admin-password "$password" --drift-interval-secs 5 >"$work/tandem.log" 2>&1 &
  tandem_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "$base/health" >/dev/null && break
    sleep 0.2
  done
  curl -sf "$base/health" >/dev/null || { cat "$work/tandem.log"; say "Tandem did not start"; exit 1; }
  curl -sf -c "$work/jar" -o /dev/null --data-urlencode username=admin \
    --data-urlencode "password=$password" --data-urlencode next=/ "$base/sign-in"
  token=$(curl -sf -b "$work/jar" -H "Origin: $base" -H 'Content-Type: application/json' \
    -d '{"name":"test from outside"}' "$base/api/v1/tokens" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
}

stop_tandem() {
  # The status of a Tandem stopped here is not the run's (and set -e applies here too).
  if [ -n "${tandem_pid:-}" ] && kill "$tandem_pid" 2>/dev/null; then
    wait "$tandem_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}

# Fails the run if Tandem panicked.
no_panic() {
  if grep -qi 'panicked' "$work/tandem.log"; then
    grep -i 'panicked' "$work/tandem.log" | head
    say "Tandem panicked during the run"
    exit 1
  fi
}
