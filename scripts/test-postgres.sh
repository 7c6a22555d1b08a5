#!/usr/bin/env bash
# Prepares a PostgreSQL database for the tests that run Tandem on PostgreSQL (the scale-out
# path) and prints its URL. Uses the machine's PostgreSQL cluster (Debian's postgresql-15, as on
# this project's machines): starts it if it is stopped, and makes a fresh database
# `tandem_test` owned by a role `tandem_test`, which may create databases (the Kea tests make
# Kea's hosts databases with it). Prints nothing when PostgreSQL is not installed
# (those tests then say they were skipped).
#   scripts/test-postgres.sh [DATABASE]   default: tandem_test (the browser's cluster test
#                                         makes its own)
set -euo pipefail
db="${1:-tandem_test}"
case "$db" in *[!a-z0-9_]*|'') echo "a database name is lower-case letters, digits and _" >&2; exit 2 ;; esac
command -v pg_ctlcluster >/dev/null || exit 0
cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR == 1 { print $1 " " $2 }')
[ -n "$cluster" ] || exit 0
as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else sudo -u postgres sh -c "$*"; fi
}
# shellcheck disable=SC2086
pg_ctlcluster $cluster status >/dev/null 2>&1 || pg_ctlcluster $cluster start >&2
port=$(pg_lsclusters -h | awk 'NR == 1 { print $3 }')
for _ in $(seq 50); do
  as_postgres "psql -p $port -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 0.2
done
password="tandem-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
as_postgres "psql -p $port -q -v ON_ERROR_STOP=1" >&2 <<SQL
SET client_min_messages = warning;
DROP DATABASE IF EXISTS $db WITH (FORCE);
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tandem_test') THEN
    CREATE ROLE tandem_test LOGIN;
  END IF;
END \$\$;
ALTER ROLE tandem_test PASSWORD '$password' CREATEDB;
CREATE DATABASE $db OWNER tandem_test;
SQL
echo "postgres://tandem_test:$password@127.0.0.1:$port/$db"
