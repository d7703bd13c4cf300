#!/usr/bin/env bash
# `gantry audit verify` on a 50 MB trail (issue 14): time and peak memory of the CLI process (max RSS from
# /usr/bin/time -v) with a small heap (-Xmx32m: it must stream), on the worker's real trail with its signed
# checkpoints, and on two forgeries of the same size (every line's chain broken; one 50 MB line). Prints the
# table and writes bench/results/audit-verify.md.
#
#   bench/run-audit-verify.sh                 # 50 MB
#   bench/run-audit-verify.sh --size-mb 200
#   bench/run-audit-verify.sh --smoke         # 2 MB (CI)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SIZE_MB=50
HEAP=32m
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size-mb) SIZE_MB="$2"; shift 2 ;;
    --heap) HEAP="$2"; shift 2 ;;
    --smoke) SIZE_MB=2; shift ;;
    *) echo "unknown argument $1 (known: --size-mb N, --heap SIZE, --smoke)" >&2; exit 2 ;;
  esac
done
RESULTS="${BENCH_RESULTS:-$ROOT/bench/results}"
[[ "${GANTRY_SKIP_BUILD:-0}" == 1 ]] || ./mvnw -q -B -pl bench -am package -DskipTests
CP="bench/target/gantry-bench.jar:bench/target/lib/*"
WORK="$RESULTS/tmp/audit-verify"
rm -rf "$WORK" && mkdir -p "$WORK"
java -cp "$CP" dev.gantry.bench.AuditTrailBench --out "$WORK" --size-mb "$SIZE_MB"

run() { # name, trail
  local name="$1" trail="$2" out="$WORK/$1.out" timing="$WORK/$1.time" code
  set +e
  /usr/bin/time -v java -Xmx"$HEAP" -cp "$CP" dev.gantry.starter.cli.GantryCli audit verify \
    --key "$WORK/audit-worker.key.pub" "$trail" >"$out" 2>"$timing"
  code=$?
  set -e
  local seconds cpu rss_kb lines bytes
  seconds=$(grep 'Elapsed (wall clock)' "$timing" | awk '{print $NF}')
  cpu=$(grep -E 'User time|System time' "$timing" | awk '{s += $NF} END {printf "%.1f", s}')
  rss_kb=$(grep 'Maximum resident set size' "$timing" | awk '{print $NF}')
  lines=$(wc -l <"$out")
  bytes=$(wc -c <"$out")
  printf '| %s | %s MB | %s | %s | %s s | %s MB | %s lines, %s bytes |\n' "$name" \
    "$(( $(stat -c %s "$trail") / 1048576 ))" "$code" "$seconds" "$cpu" "$(( rss_kb / 1024 ))" "$lines" "$bytes"
}

{
  echo "# gantry audit verify on a ${SIZE_MB} MB trail"
  echo
  echo "\`bench/run-audit-verify.sh --size-mb ${SIZE_MB}\`, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores (shared),"
  echo "java -Xmx${HEAP}, the CLI as its own process; max RSS from /usr/bin/time -v (includes the JVM itself)."
  echo
  echo "$(grep -c . "$WORK/audit/checkpoints.jws") signed checkpoints beside the intact trail (one every 100 lines and at the end of each"
  echo "release of 12 lines); the forgeries keep them."
  echo
  echo "| trail | size | exit | wall (m:ss) | CPU (user+sys) | max RSS | output |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  run "worker trail, intact" "$WORK/audit/audit.jsonl"
  run "forged: every chain link broken" "$WORK/forged-lines/audit.jsonl"
  run "forged: one line" "$WORK/forged-one-line/audit.jsonl"
  echo
  echo "Before (the finding of issue 14): a forged 50 MB file took 1.26 GB and printed 75 MB."
  echo
  echo "Baseline: a JVM that only prints the CLI's help:"
  /usr/bin/time -v java -Xmx"$HEAP" -cp "$CP" dev.gantry.starter.cli.GantryCli audit verify --help >/dev/null 2>"$WORK/help.time"
  echo "max RSS $(( $(grep 'Maximum resident set size' "$WORK/help.time" | awk '{print $NF}') / 1024 )) MB,"\
    "wall $(grep 'Elapsed (wall clock)' "$WORK/help.time" | awk '{print $NF}')."
} | tee "$RESULTS/audit-verify.md"
