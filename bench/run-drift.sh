#!/usr/bin/env bash
# Drift-check benchmark (issue 5): one environment of 4 Lambda regions x 200 SSM parameters per region in
# moto, checked by the real DriftDetection workflow on the REAL Temporal dev server.
#
# Builds the bench module, starts `temporal server start-dev` and `moto_server` on free loopback ports,
# runs dev.gantry.bench.DriftCheckBench (its worker runs in the same JVM), then stops both. Prints the
# table; the figures land in bench/results/drift-check.md and bench/results/drift-check.csv.
#
#   bench/run-drift.sh                          # 200 parameters per region, 5 checks
#   bench/run-drift.sh --parameters 500 --runs 3
#
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TOOLS="${GANTRY_TOOLS:-$ROOT/.tools}"
TEMPORAL="$TOOLS/bin/temporal"
MOTO="$TOOLS/moto/bin/moto_server"
log() { echo "bench: $*" >&2; }

./scripts/test-tools.sh
if [[ ! -x "$MOTO" ]]; then
  log "no moto at $MOTO: the benchmark needs moto_server"
  exit 1
fi
if [[ ! -x "$TEMPORAL" ]]; then
  log "no Temporal CLI at $TEMPORAL: the benchmark needs the real dev server"
  exit 1
fi

log "building the bench module"
./mvnw -q -B -pl bench -am package -DskipTests

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gantry-bench-server.XXXXXX")"
SERVER_PID=""
MOTO_PID=""
cleanup() {
  if [[ -n "$MOTO_PID" ]] && kill -0 "$MOTO_PID" 2>/dev/null; then
    kill -TERM "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT="$(free_port)"
SERVER_CLI="$("$TEMPORAL" --version)"
ATTRIBUTES=()
for name in GantryApplication GantryVersion GantryEnvironment GantryStage GantryStatus; do
  ATTRIBUTES+=(--search-attribute "$name=Keyword")
done
log "starting $SERVER_CLI on 127.0.0.1:$PORT"
"$TEMPORAL" server start-dev --headless --ip 127.0.0.1 --port "$PORT" \
  --http-port "$(free_port)" --metrics-port "$(free_port)" \
  --db-filename "$WORK/temporal.db" --namespace default --log-level error "${ATTRIBUTES[@]}" \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 600); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    break
  fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    log "the dev server exited:"; cat "$WORK/server.log" >&2; exit 1
  fi
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || { log "the dev server did not open $PORT in 60 s"; exit 1; }

MOTO_PORT="$(free_port)"
log "starting moto on 127.0.0.1:$MOTO_PORT"
"$MOTO" -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
for _ in $(seq 1 600); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$MOTO_PORT") 2>/dev/null; then
    break
  fi
  sleep 0.1
done

log "running the harness"
status=0
java -cp "bench/target/gantry-bench.jar:bench/target/lib/*" dev.gantry.bench.DriftCheckBench \
  --address "127.0.0.1:$PORT" \
  --moto "http://127.0.0.1:$MOTO_PORT" \
  --server-kind "$SERVER_CLI, start-dev (headless, SQLite file)" \
  --results "$ROOT/bench/results" "$@" || status=$?
if [[ $status -ne 0 ]]; then
  log "the benchmark failed (exit $status); last lines of the dev server's log:"
  tail -n 30 "$WORK/server.log" >&2 || true
fi
exit "$status"
