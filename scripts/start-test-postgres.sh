#!/usr/bin/env bash
# Starts the machine's PostgreSQL cluster on 127.0.0.1 and creates the test role and
# database (idempotent). Used by .ci/run; handy on a developer machine too.
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 60); do
  pg_isready -h 127.0.0.1 -q && break
  sleep 0.5
done
pg_isready -h 127.0.0.1
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='tracker_test'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"CREATE ROLE tracker_test LOGIN SUPERUSER PASSWORD 'tracker_test'\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='tracker_test'\"" | grep -q 1 \
  || su postgres -c "createdb -O tracker_test tracker_test"
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='tracker_bench'\"" | grep -q 1 \
  || su postgres -c "createdb -O tracker_test tracker_bench"
