#!/bin/sh
# Creates (or upgrades) Temporal's two Postgres schemas. Idempotent: safe on every `docker compose up`.
set -eu
HOST="${POSTGRES_HOST:-postgresql}"
PORT="${POSTGRES_PORT:-5432}"
USER="${POSTGRES_USER:-temporal}"
SCHEMAS=/etc/temporal/schema/postgresql/v12

until nc -z -w 5 "$HOST" "$PORT"; do echo "waiting for postgres at $HOST:$PORT"; sleep 2; done
for db in temporal temporal_visibility; do
  dir=temporal
  [ "$db" = temporal_visibility ] && dir=visibility
  sql() { temporal-sql-tool --plugin postgres12 --ep "$HOST" -p "$PORT" -u "$USER" --db "$db" "$@"; }
  sql create || echo "database $db exists"
  sql setup-schema -v 0.0 || echo "schema of $db already set up"
  sql update-schema -d "$SCHEMAS/$dir/versioned"
done
echo "temporal schemas ready"
