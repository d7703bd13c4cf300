#!/usr/bin/env bash
# What the trust boundary costs each release (issue 13): the Policy.resolvePlan activity on the example policy
# and on policies with 50 and 200 applications. Prints the table and writes bench/results/policy-resolve.md.
#
#   bench/run-policy-resolve.sh                         # 300 calls for 1, 50 and 200 applications
#   bench/run-policy-resolve.sh --calls 1000 --applications 1,500
#   bench/run-policy-resolve.sh --smoke                 # 20 calls for 1 and 10 applications (CI)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ "${1:-}" == --smoke ]]; then shift; set -- --calls 20 --applications 1,10 "$@"; fi
[[ "${GANTRY_SKIP_BUILD:-0}" == 1 ]] || ./mvnw -q -B -pl bench -am package -DskipTests
exec java -cp "bench/target/gantry-bench.jar:bench/target/lib/*" dev.gantry.bench.PolicyResolveBench \
  --results "${BENCH_RESULTS:-$ROOT/bench/results}" "$@"
