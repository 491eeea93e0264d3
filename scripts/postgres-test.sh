#!/usr/bin/env bash
# Debian's PostgreSQL server for the HPO storage tests (run as root).
#   scripts/postgres-test.sh start   setup, then print `export KOLOSAL_TEST_POSTGRES_URL=...`
#                                    for eval (scripts/test.sh does this); prints nothing and
#                                    succeeds when no server is installed, so the tests skip
#   scripts/postgres-test.sh setup   start cluster 15/main if it is not running, then create
#                                    role 'kolosal' and database 'kolosal_test' if missing;
#                                    prints the URL as the last line
#   scripts/postgres-test.sh url     print the URL the tests use
#   scripts/postgres-test.sh reset   drop Kolosal's tables in the test database
#   scripts/postgres-test.sh stop    stop the cluster
# Every command is idempotent. Tests read the URL from KOLOSAL_TEST_POSTGRES_URL:
#   export KOLOSAL_TEST_POSTGRES_URL=$(scripts/postgres-test.sh setup | tail -n1)
set -euo pipefail

PG_VERSION="${KOLOSAL_PG_VERSION:-15}"
PG_CLUSTER="${KOLOSAL_PG_CLUSTER:-main}"
PG_ROLE="kolosal"
PG_PASSWORD="kolosal"
PG_DATABASE="kolosal_test"
PG_PORT="${KOLOSAL_PG_PORT:-5432}"
URL="postgresql://${PG_ROLE}:${PG_PASSWORD}@127.0.0.1:${PG_PORT}/${PG_DATABASE}"

as_postgres() { runuser -u postgres -- "$@"; }
psql_admin() { as_postgres psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -tAq "$@"; }

require_server() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "postgres-test: PostgreSQL server not installed (apt-get install postgresql)" >&2
    exit 2
  fi
}

start_server() {
  require_server
  if ! pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" \
      '$1 == v && $2 == c && $4 == "online" {found = 1} END {exit !found}'; then
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
  fi
  for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then return 0; fi
    sleep 0.5
  done
  echo "postgres-test: the server did not become ready on 127.0.0.1:${PG_PORT}" >&2
  exit 1
}

setup() {
  start_server >&2
  if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '${PG_ROLE}'")" != "1" ]; then
    psql_admin -c "CREATE ROLE ${PG_ROLE} LOGIN PASSWORD '${PG_PASSWORD}'"
  fi
  if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '${PG_DATABASE}'")" != "1" ]; then
    psql_admin -c "CREATE DATABASE ${PG_DATABASE} OWNER ${PG_ROLE}"
  fi
  echo "$URL"
}

reset() {
  start_server >&2
  PGPASSWORD="$PG_PASSWORD" psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" -d "$PG_DATABASE" \
    -v ON_ERROR_STOP=1 -q -c \
    "DROP TABLE IF EXISTS kolosal_intermediate_values, kolosal_trials, kolosal_studies"
}

stop() {
  require_server
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop 2>/dev/null || true
}

start() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "postgres-test: no PostgreSQL server installed; PostgreSQL tests will skip" >&2
    return 0
  fi
  local url
  url=$(setup | tail -n1)
  echo "export KOLOSAL_TEST_POSTGRES_URL='${url}'"
}

case "${1:-}" in
  start) start ;;
  setup) setup ;;
  url) echo "$URL" ;;
  reset) reset ;;
  stop) stop ;;
  *) echo "usage: $0 start|setup|url|reset|stop" >&2; exit 64 ;;
esac
