#!/usr/bin/env bash
# The whole test suite: installs the test peers, then builds and runs every module's tests, then runs every
# benchmark once at a small size (bench/run.sh --smoke).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
start=$(date +%s)
./scripts/test-tools.sh
export GANTRY_TOOLS="${GANTRY_TOOLS:-$ROOT/.tools}"
./mvnw -B -ntp install "$@"
echo "build and tests wall time: $(( $(date +%s) - start )) s"
# Every benchmark once at a small size, on the jars just built: a benchmark that no longer runs (an activity
# its worker lacks, a changed option) fails here rather than when someone next needs its figures.
bench_start=$(date +%s)
GANTRY_SKIP_BUILD=1 bench/run.sh --smoke
echo "benchmark smoke wall time: $(( $(date +%s) - bench_start )) s"
echo "test suite wall time: $(( $(date +%s) - start )) s"
