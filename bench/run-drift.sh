#!/usr/bin/env bash
# Drift-check benchmark (issue 5): one environment of 4 Lambda regions x 200 SSM parameters per region in
# moto, checked by the real DriftDetection workflow on the REAL Temporal dev server.
#
# Builds the bench module, starts `temporal server start-dev` and `moto_server` on free loopback ports,
# runs dev.gantry.bench.DriftCheckBench (its worker runs in the same JVM), then stops both. Prints the
# table; the figures land in bench/results/drift-check.md and bench/results/drift-check.csv.
#
#   bench/run-drift.sh                          # 200 parameters per region, 5 checks
#   bench/run-drift.sh --parameters 500 --runs 3
#   bench/run-drift.sh --smoke                  # 10 parameters, 1 check: seconds (CI)
#
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"
if [[ "${1:-}" == --smoke ]]; then shift; set -- --parameters 10 --runs 1 "$@"; fi
bench_prepare
start_dev_server
start_moto
run_harness DriftCheckBench --address "127.0.0.1:$PORT" --moto "http://127.0.0.1:$MOTO_PORT" \
  --server-kind "$SERVER_CLI, start-dev (headless, SQLite file)" --results "$RESULTS" "$@"
