#!/usr/bin/env bash
# Gantry's scale benchmarks (issue 9), end to end, against the REAL Temporal dev server (one history shard,
# SQLite file: single-shard figures, not production capacity) and, for the overhead, also against the
# in-process Java test server. Prints one markdown table per benchmark and writes them, with JSON, to
# bench/results/ (summary.md = all tables of the last run).
#
#   bench/run.sh                 # overhead (dev + test server), fan-out, parked N=100 and 1000 (platform
#                                # and virtual workflow threads); about 25 minutes on 2 shared cores
#   bench/run.sh --full          # adds parked N=5000 with both kinds of threads (over an hour here)
#   bench/run.sh --only overhead # one of: overhead, fanout, parked
#   bench/run.sh --with-approval-latency   # also runs bench/run-approval-latency.sh (issue 4's benchmark)
#   bench/run.sh --smoke         # EVERY benchmark once at a small size (these three modes, then each
#                                # bench/run-*.sh --smoke): minutes; CI runs it after the build. Figures
#                                # are printed, not asserted, and go to a temporary folder (bench/results keeps
#                                # the real ones); any benchmark that fails fails the run.
#
# Virtual workflow threads need Java 21+: JAVA21 (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java) is
# used for those runs; everything else runs on `java` from PATH. Parked runs approve SAMPLE releases (default
# 200) at RATE per second (default 2, below what one worker sustains here) for the latency, then the rest
# at once for the throughput. GANTRY_TOOLS points at another checkout's .tools (read only);
# GANTRY_SKIP_TOOLS=1 skips scripts/test-tools.sh. SIZES="100 1000" (parked sizes), THREADS=both|platform|
# virtual, PARKED_ARGS (more harness options, e.g. "--no-burst": leave the releases after the sample parked).
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"
JAVA="${JAVA:-java}"
JAVA21="${JAVA21:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
HEAP="${HEAP:--Xmx2g}"

ARGS="$*"
FULL=0; ONLY=""; APPROVAL=0; SMOKE=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --full) FULL=1 ;;
    --only) ONLY="$2"; shift ;;
    --with-approval-latency) APPROVAL=1 ;;
    --smoke) SMOKE=1 ;;
    *) log "unknown option $1 (see the comment at the top of $0)"; exit 2 ;;
  esac
  shift
done
wants() { [[ -z "$ONLY" || "$ONLY" == "$1" ]]; }

if [[ $SMOKE == 1 ]]; then
  SMOKE_RESULTS="$(mktemp -d "${TMPDIR:-/tmp}/gantry-bench-smoke.XXXXXX")"
  RESULTS="$SMOKE_RESULTS"
  trap 'stop_peers; rm -rf "$SMOKE_RESULTS"' EXIT
  if [[ "${GANTRY_SKIP_BUILD:-0}" != 1 ]]; then
    ./scripts/test-tools.sh
    log "building the bench module and the worker (once for every benchmark)"
    ./mvnw -q -B -ntp -pl bench,worker -am package -DskipTests
  fi
  export GANTRY_SKIP_BUILD=1 GANTRY_SKIP_TOOLS=1 BENCH_RESULTS="$SMOKE_RESULTS"
  # small: one overhead repetition without warm-up, one fan-out repetition, 5 parked releases (platform
  # threads; THREADS=both adds the virtual-thread run)
  SIZES="${SIZES:-5}"; RATE="${RATE:-5}"; SAMPLE="${SAMPLE:-3}"; THREADS="${THREADS:-platform}"; REPS=1
  OVERHEAD_ARGS=(--no-warmup)
  # a benchmark that hangs (a release that never ends) fails the smoke run instead of holding CI for hours
  LIMIT=(timeout --kill-after=10 "${SMOKE_LIMIT_SECONDS:-600}")
else
  bench_prepare
fi
RATE="${RATE:-2}"
SAMPLE="${SAMPLE:-200}"
REPS="${REPS:-3}"
[[ -n "${LIMIT+x}" ]] || LIMIT=()
[[ -n "${OVERHEAD_ARGS+x}" ]] || OVERHEAD_ARGS=()
start_dev_server

CP="bench/target/gantry-bench.jar:bench/target/lib/*"
DEV=(--address "127.0.0.1:$PORT" --server-kind "temporal server start-dev ($SERVER_CLI, headless, SQLite file, single shard)" --results "$RESULTS")
TABLES=()
bench() { # bench <java> <label> <mode> [args...]
  local java="$1" label="$2" mode="$3"; shift 3
  log "$mode ($label)"
  "${LIMIT[@]}" "$java" $HEAP -cp "$CP" dev.gantry.bench.ScaleBench "$mode" --label "$label" "$@" >/dev/null \
    || { log "$mode ($label) FAILED; last lines of the dev server's log:"; tail -n 20 "$WORK/server.log" >&2; exit 1; }
  TABLES+=("$RESULTS/$mode-$label.md")
}

if wants overhead; then
  bench "$JAVA" dev-server overhead "${DEV[@]}" --reps "$REPS" "${OVERHEAD_ARGS[@]}"
  bench "$JAVA" test-server overhead --test-server --results "$RESULTS" --reps "$REPS" "${OVERHEAD_ARGS[@]}"
fi
if wants fanout; then
  bench "$JAVA" dev-server fanout "${DEV[@]}" --reps "$REPS" --sleep-seconds 1
fi
if wants parked; then
  read -r -a SIZES <<< "${SIZES:-100 1000}"
  [[ $FULL == 1 ]] && SIZES+=(5000)
  [[ -x "$JAVA21" ]] || log "no Java 21+ at $JAVA21: virtual-thread runs skipped (set JAVA21)"
  for n in "${SIZES[@]}"; do
    [[ "${THREADS:-both}" == virtual ]] || bench "$JAVA" "$n-platform" parked "${DEV[@]}" --releases "$n" --rate "$RATE" --sample "$SAMPLE" ${PARKED_ARGS:-}
    if [[ -x "$JAVA21" && "${THREADS:-both}" != platform ]]; then
      bench "$JAVA21" "$n-virtual" parked "${DEV[@]}" --releases "$n" --rate "$RATE" --sample "$SAMPLE" --virtual-threads ${PARKED_ARGS:-}
    fi
  done
fi

{
  echo "# Benchmark summary"
  echo
  echo "The latest table of each benchmark (each says when and under what load it ran). Last command:"
  echo "\`bench/run.sh $ARGS\` (FULL=$FULL, REPS=$REPS, RATE=$RATE, SAMPLE=$SAMPLE, SIZES=${SIZES[*]:-}, HEAP=$HEAP), finished"
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  for table in "$RESULTS"/overhead-dev-server.md "$RESULTS"/overhead-test-server.md "$RESULTS"/fanout-dev-server.md \
      $(ls "$RESULTS"/parked-*.md 2>/dev/null | sort -V); do
    [[ -f "$table" ]] && { cat "$table"; echo; }
  done
} > "$RESULTS/summary.md"
cat "$RESULTS/summary.md"

if [[ $SMOKE == 1 ]]; then
  stop_process "$SERVER_PID"
  for script in bench/run-*.sh; do
    log "smoke: $script --smoke"
    start=$(date +%s)
    "${LIMIT[@]}" "$script" --smoke || { log "smoke: $script --smoke FAILED (exit $?)"; exit 1; }
    log "smoke: $script --smoke took $(( $(date +%s) - start )) s"
  done
  log "smoke: every benchmark ran"
  exit 0
fi

if [[ $APPROVAL == 1 ]]; then
  stop_peers; trap - EXIT
  bench/run-approval-latency.sh
fi
