#!/usr/bin/env bash
# Signing throughput (issue 3): sign a 1 GiB file with Gantry's signing code vs `sha256sum` of the same file.
# Prints the table and writes bench/results/signing-throughput.{md,csv}.
#
#   bench/run-signing-throughput.sh                 # 1024 MiB, 3 runs
#   bench/run-signing-throughput.sh --size-mib 256 --runs 5
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./mvnw -q -B -pl bench -am package -DskipTests
exec java -cp "bench/target/gantry-bench.jar:bench/target/lib/*" dev.gantry.bench.SigningThroughputBench \
  --results "$ROOT/bench/results" "$@"
