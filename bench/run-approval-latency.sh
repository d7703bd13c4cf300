#!/usr/bin/env bash
# Approval latency benchmark (issue 4) against the REAL Temporal dev server.
#
# Builds the bench module, starts `temporal server start-dev` on free loopback ports with a throw-away
# SQLite file, runs dev.gantry.bench.ApprovalLatencyBench against it (its worker runs in the same JVM),
# then stops the server and removes its files. Prints the table; the figures land in bench/results/
# (approval-latency.md, and approval-latency-<UTC timestamp>.csv/.json).
#
#   bench/run-approval-latency.sh                        # 200 approvals by signal + 200 by update, 2/s (one worker on 2 cores sustains ~4.7/s)
#   bench/run-approval-latency.sh --releases 50 --rate 10 --no-updates
#
# Extra arguments go to the harness. GANTRY_TOOLS points at another checkout's .tools (read only).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TOOLS="${GANTRY_TOOLS:-$ROOT/.tools}"
TEMPORAL="$TOOLS/bin/temporal"
log() { echo "bench: $*" >&2; }

./scripts/test-tools.sh
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
cleanup() {
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

log "running the harness"
status=0
java -cp "bench/target/gantry-bench.jar:bench/target/lib/*" dev.gantry.bench.ApprovalLatencyBench \
  --address "127.0.0.1:$PORT" \
  --server-kind "temporal server start-dev (headless, SQLite file)" \
  --server-cli "$SERVER_CLI" \
  --results "$ROOT/bench/results" "$@" || status=$?
if [[ $status -ne 0 ]]; then
  log "the benchmark failed (exit $status); last lines of the dev server's log:"
  tail -n 30 "$WORK/server.log" >&2 || true
fi
exit "$status"
