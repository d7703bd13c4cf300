#!/usr/bin/env bash
# Signing throughput (issue 3): sign a 1 GiB file with Gantry's signing code vs `sha256sum` of the same file.
# Prints the table and writes bench/results/signing-throughput.{md,csv}.
#
#   bench/run-signing-throughput.sh                 # 1024 MiB, 3 runs
#   bench/run-signing-throughput.sh --size-mib 256 --runs 5
#   bench/run-signing-throughput.sh --smoke         # 8 MiB, one run (CI)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ "${1:-}" == --smoke ]]; then shift; set -- --size-mib 8 --runs 1 "$@"; fi
[[ "${GANTRY_SKIP_BUILD:-0}" == 1 ]] || ./mvnw -q -B -pl bench -am package -DskipTests
exec java -cp "bench/target/gantry-bench.jar:bench/target/lib/*" dev.gantry.bench.SigningThroughputBench \
  --results "${BENCH_RESULTS:-$ROOT/bench/results}" "$@"
