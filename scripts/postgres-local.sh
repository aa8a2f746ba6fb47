#!/usr/bin/env bash
# Starts a local PostgreSQL (Debian's package) on 127.0.0.1:5432 for development and tests, creates a role
# that may create databases, and a database; prints the DATABASE_URL. Needs root (apt-get, pg_ctlcluster).
#   npm run db:postgres                 → role/db "keyward"
#   bash scripts/postgres-local.sh NAME → role/db NAME
set -euo pipefail
name="${1:-keyward}"
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
conf="/etc/postgresql/$version/main/postgresql.conf"
grep -q "^listen_addresses = '127.0.0.1'" "$conf" || echo "listen_addresses = '127.0.0.1'" >> "$conf"
pg_ctlcluster "$version" main start >/dev/null 2>&1 || pg_ctlcluster "$version" main status >/dev/null
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -h 127.0.0.1" && break
  sleep 1
done
psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qtAc \"$1\""; }
[ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='$name'")" = "1" ] ||
  psql_admin "CREATE ROLE \\\"$name\\\" LOGIN PASSWORD '$name' CREATEDB" >/dev/null
[ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='$name'")" = "1" ] ||
  su postgres -c "createdb -O '$name' '$name'"
echo "postgresql://$name:$name@127.0.0.1:5432/$name"
