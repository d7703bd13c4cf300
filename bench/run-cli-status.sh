#!/usr/bin/env bash
# CLI start-up benchmark (issue 15): `gantry release status` against `temporal workflow query --type status` and
# `temporal workflow describe`, whole processes, on the same release parked at an approval, side by side.
#
# Starts the real dev server (`.tools/bin/temporal server start-dev`, SQLite file, loopback) and the worker jar
# (`gantry-worker.jar worker`) on a copy of examples/ whose production has no deployment window, starts the
# example release, waits until it waits for production's approvals, then times RUNS runs (default 7) of each
# command, interleaved, and prints medians and ratios (also to bench/results/cli-status.md).
# The first `./gantry` run after a build makes the class-data-sharing archive; it is timed apart.
#
#   bench/run-cli-status.sh                  # builds starter + worker (offline Maven, package only), 7 runs
#   RUNS=15 GANTRY_SKIP_BUILD=1 bench/run-cli-status.sh
#   bench/run-cli-status.sh --smoke          # one run of each (CI)
#   GANTRY_CLI_CACHE=/tmp/x bench/run-cli-status.sh   # archive somewhere else (default ~/.cache/gantry)
#   BASELINE_CMD="java -XX:TieredStopAtLevel=1 -jar /tmp/old/starter/target/gantry-cli.jar" bench/run-cli-status.sh
#                                            # also times another CLI build (e.g. an older commit's), same runs
#
# GANTRY_TOOLS points at another checkout's .tools (read only). Nothing is installed.
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"
RUNS="${RUNS:-7}"
[[ "${1:-}" == --smoke ]] && RUNS=1
WORKER_PID=""
trap 'stop_process "$WORKER_PID"; stop_peers' EXIT

if [[ "${GANTRY_SKIP_BUILD:-0}" != 1 ]]; then
  log "building the CLI and the worker (mvnw -o package)"
  ./mvnw -q -B -o -pl starter,worker -am package -DskipTests
fi
start_dev_server

# The example, with production's deployment window removed, so the release parks at the approval gate.
cp -r "$ROOT/examples" "$WORK/examples"
rm -rf "$WORK/examples/keys"
sed -i '/^window:/,/^variables:/{/^variables:/!d}' "$WORK/examples/policy/environments/production/config.yaml"
WORKER_PORT="$(free_port)"
log "starting the worker (policy $WORK/examples/policy)"
(cd "$WORK" && GANTRY_ADDRESS="127.0.0.1:$PORT" exec java -jar "$ROOT/worker/target/gantry-worker.jar" worker \
  --gantry.policy.path="$WORK/examples/policy" --gantry.policy.make-example-keys=true \
  --gantry.audit.key="$WORK/audit-worker.key" --gantry.audit.make-key=true \
  --server.port="$WORKER_PORT" >"$WORK/worker.log" 2>&1) &
WORKER_PID=$!
await_port "$WORKER_PORT" "$WORKER_PID" "the worker" "$WORK/worker.log"

export GANTRY_ADDRESS="127.0.0.1:$PORT"
ID="release/hello-service/1.4.0"
./gantry release start "$WORK/examples/release.yaml" >/dev/null
log "waiting for $ID to park at production's approval"
for i in $(seq 1 240); do
  state="$(./gantry release status "$ID" -o json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])' || true)"
  [[ "$state" == AWAITING_APPROVAL ]] && break
  [[ $i == 240 ]] && { log "the release did not park (state $state); worker log:"; tail -n 30 "$WORK/worker.log" >&2; exit 1; }
  sleep 1
done

TEMPORAL_ARGS=(--address "127.0.0.1:$PORT" --namespace default --workflow-id "$ID")
GANTRY_CMD=(./gantry release status "$ID")
QUERY_CMD=("$TEMPORAL" workflow query "${TEMPORAL_ARGS[@]}" --type status)
DESCRIBE_CMD=("$TEMPORAL" workflow describe "${TEMPORAL_ARGS[@]}")

# seconds CMD...: "WALL CPU" of one whole process (CPU = user + system of the process and its children, which
# the machine's load does not inflate the way it inflates the wall time); output discarded; fails if it fails.
seconds() {
  /usr/bin/time -o "$WORK/time" -f "%e %U %S" "$@" >/dev/null 2>"$WORK/last.err" \
    || { log "failed: $*"; cat "$WORK/last.err" >&2; exit 1; }
  awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$WORK/time"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# The first run after a build writes the class-data-sharing archive (if there is none yet for these jars).
first="$(seconds "${GANTRY_CMD[@]}" | cut -d' ' -f1)"
G=(); Q=(); D=(); GC=(); QC=(); DC=(); B=(); BC=()
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$RUNS"); do
  read -r wall cpu <<< "$(seconds "${GANTRY_CMD[@]}")"; G+=("$wall"); GC+=("$cpu")
  read -r wall cpu <<< "$(seconds "${QUERY_CMD[@]}")"; Q+=("$wall"); QC+=("$cpu")
  read -r wall cpu <<< "$(seconds "${DESCRIBE_CMD[@]}")"; D+=("$wall"); DC+=("$cpu")
  if [[ -n "${BASELINE_CMD:-}" ]]; then
    read -r wall cpu <<< "$(seconds $BASELINE_CMD release status "$ID")"; B+=("$wall"); BC+=("$cpu")
  fi
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
gm="$(median "${G[@]}")"; qm="$(median "${Q[@]}")"; dm="$(median "${D[@]}")"
gc="$(median "${GC[@]}")"; qc="$(median "${QC[@]}")"; dc="$(median "${DC[@]}")"
ratio() { python3 -c "print(f'{$1 / max($2, 0.001):.1f}')"; }

mkdir -p "$RESULTS"
{
  echo "## CLI start-up: \`gantry release status\` vs the Temporal CLI"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load average $load_before before and $load_after after;"
  echo "$("$TEMPORAL" --version), $(java -version 2>&1 | head -n 1). One release parked at production's approval"
  echo "on \`temporal server start-dev\` (SQLite file, loopback), the worker jar polling. Whole processes, $RUNS runs each,"
  echo "interleaved. \`bench/run-cli-status.sh\`"
  echo
  echo "| command | wall, median (s) | wall, runs (s) | wall vs query | CPU (user+sys), median (s) | CPU, runs (s) |"
  echo "|---|---:|---|---:|---:|---|"
  echo "| \`./gantry release status $ID\` | $gm | ${G[*]} | $(ratio "$gm" "$qm")x | $gc | ${GC[*]} |"
  echo "| \`temporal workflow query --type status\` | $qm | ${Q[*]} | 1.0x | $qc | ${QC[*]} |"
  echo "| \`temporal workflow describe\` | $dm | ${D[*]} | $(ratio "$dm" "$qm")x | $dc | ${DC[*]} |"
  if [[ -n "${BASELINE_CMD:-}" ]]; then
    bm="$(median "${B[@]}")"; bc="$(median "${BC[@]}")"
    echo "| baseline: \`$BASELINE_CMD release status\` | $bm | ${B[*]} | $(ratio "$bm" "$qm")x | $bc | ${BC[*]} |"
  fi
  echo
  echo "First \`./gantry\` run of this benchmark (writes the class-data-sharing archive when there is none for these"
  echo "jars yet): $first s."
} | tee "$RESULTS/cli-status.md"
