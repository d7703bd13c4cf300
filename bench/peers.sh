# Sourced by the bench/run-*.sh scripts: the real peers a benchmark runs against, on free loopback ports,
# stopped (and their files removed) when the script exits.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"
#   bench_prepare                # test tools installed (unless GANTRY_SKIP_TOOLS=1), bench module built
#                                # (unless GANTRY_SKIP_BUILD=1: bench/run.sh --smoke builds once for all)
#   start_dev_server             # sets PORT and SERVER_CLI (Temporal dev server, SQLite file, Gantry's attributes)
#   start_moto                   # sets MOTO_PORT
#   run_harness Class args...    # java -cp <bench> dev.gantry.bench.Class args; on failure the server's log tail
#
# RESULTS is where a benchmark writes its figures: bench/results, or BENCH_RESULTS (bench/run.sh --smoke points
# it at a temporary folder so that smoke figures never replace the real ones).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TOOLS="${GANTRY_TOOLS:-$ROOT/.tools}"
TEMPORAL="$TOOLS/bin/temporal"
MOTO="$TOOLS/moto/bin/moto_server"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/gantry-bench-server.XXXXXX")"
RESULTS="${BENCH_RESULTS:-$ROOT/bench/results}"
SERVER_PID=""
MOTO_PID=""
log() { echo "bench: $(date -u +%H:%M:%S) $*" >&2; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

stop_process() {
  local pid="$1"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}

stop_peers() {
  stop_process "$MOTO_PID"
  stop_process "$SERVER_PID"
  rm -rf "$WORK"
}
trap stop_peers EXIT

# await_port PORT PID NAME LOG: up to 60 s for the port to open; fails at once if the process dies.
await_port() {
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$2" 2>/dev/null; then
      log "$3 exited:"; cat "$4" >&2; exit 1
    fi
    sleep 0.1
  done
  log "$3 did not open port $1 in 60 s"; exit 1
}

bench_prepare() {
  ./scripts/test-tools.sh
  if [[ "${GANTRY_SKIP_BUILD:-0}" == 1 ]]; then
    return 0
  fi
  log "building the bench module"
  ./mvnw -q -B -ntp -pl bench -am package -DskipTests
}

start_dev_server() {
  [[ -x "$TEMPORAL" ]] || { log "no Temporal CLI at $TEMPORAL: the benchmark needs the real dev server"; exit 1; }
  PORT="$(free_port)"
  SERVER_CLI="$("$TEMPORAL" --version)"
  local attributes=()
  for name in GantryApplication GantryVersion GantryEnvironment GantryStage GantryStatus; do
    attributes+=(--search-attribute "$name=Keyword")
  done
  log "starting $SERVER_CLI on 127.0.0.1:$PORT"
  "$TEMPORAL" server start-dev --headless --ip 127.0.0.1 --port "$PORT" \
    --http-port "$(free_port)" --metrics-port "$(free_port)" \
    --db-filename "$WORK/temporal.db" --namespace default --log-level error "${attributes[@]}" \
    >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  await_port "$PORT" "$SERVER_PID" "the dev server" "$WORK/server.log"
  # an open port is not a serving server: on a loaded machine the first calls used to time out
  for _ in $(seq 1 120); do
    "$TEMPORAL" operator cluster health --address "127.0.0.1:$PORT" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { log "the dev server exited:"; cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.5
  done
  log "the dev server on port $PORT did not report healthy in 60 s"; exit 1
}

start_moto() {
  [[ -x "$MOTO" ]] || { log "no moto at $MOTO: the benchmark needs moto_server"; exit 1; }
  MOTO_PORT="$(free_port)"
  log "starting moto on 127.0.0.1:$MOTO_PORT"
  "$MOTO" -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
  MOTO_PID=$!
  await_port "$MOTO_PORT" "$MOTO_PID" "moto" "$WORK/moto.log"
}

run_harness() {
  local main="$1"
  shift
  log "running the harness"
  local status=0
  java -cp "bench/target/gantry-bench.jar:bench/target/lib/*" "dev.gantry.bench.$main" "$@" || status=$?
  if [[ $status -ne 0 ]]; then
    log "the benchmark failed (exit $status); last lines of the dev server's log:"
    tail -n 30 "$WORK/server.log" >&2 2>/dev/null || true
  fi
  return "$status"
}
