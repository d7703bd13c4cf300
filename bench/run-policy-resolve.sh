#!/usr/bin/env bash
# What the trust boundary costs each release (issue 13): the Policy.resolvePlan activity on the example policy
# and on policies with 50 and 200 applications. Prints the table and writes bench/results/policy-resolve.md.
#
#   bench/run-policy-resolve.sh                         # 300 calls for 1, 50 and 200 applications
#   bench/run-policy-resolve.sh --calls 1000 --applications 1,500
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./mvnw -q -B -pl bench -am package -DskipTests
exec java -cp "bench/target/gantry-bench.jar:bench/target/lib/*" dev.gantry.bench.PolicyResolveBench \
  --results "$ROOT/bench/results" "$@"
