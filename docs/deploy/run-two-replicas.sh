#!/usr/bin/env bash
# What docs/deploy.md describes, run end to end on one machine: PostgreSQL, two app
# replicas, nginx in front. Used to check the guide; not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DATABASE_URL=${DATABASE_URL:-postgresql+psycopg://tracker_test:tracker_test@127.0.0.1:5432/tracker_deploy_test}
# No published default: a fresh random key for this run, the same for both replicas.
export TRACKER_SECRET_KEY=${TRACKER_SECRET_KEY:-$(head -c 32 /dev/urandom | base64 | tr -d "=+/\n")}
bash scripts/start-test-postgres.sh >/dev/null
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='tracker_deploy_test'\"" | grep -q 1 \
  || su postgres -c "createdb -O tracker_test tracker_deploy_test"
.venv/bin/tracker init-db
.venv/bin/tracker list-users | grep -q '^admin' \
  || echo "deploy-check-password" | .venv/bin/tracker create-user admin --role admin --display-name "Administrator"
for port in 8601 8602; do
  .venv/bin/streamlit run streamlit_app.py --server.port "$port" --server.address 127.0.0.1 \
    --server.headless true --browser.gatherUsageStats false >"/tmp/tracker-$port.log" 2>&1 &
done
for port in 8601 8602; do
  until curl -sf "http://127.0.0.1:$port/_stcore/health" >/dev/null; do sleep 0.5; done
done
# A minimal nginx.conf around the site file (a real server has its own in /etc/nginx).
cat > /tmp/tracker-nginx.conf <<CONF
pid /tmp/tracker-nginx.pid;
error_log /tmp/tracker-nginx-error.log;
events { worker_connections 256; }
http { access_log /tmp/tracker-nginx-access.log; include $PWD/docs/deploy/nginx.conf; }
CONF
nginx -c /tmp/tracker-nginx.conf
curl -sf http://127.0.0.1:8600/_stcore/health && echo " <- health through the proxy"
