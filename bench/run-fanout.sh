#!/usr/bin/env bash
# Fan-out benchmark (issue 6): a four-region Lambda release against moto, on the REAL Temporal dev server.
#
# Builds the bench module, starts `temporal server start-dev` and `moto_server` on free loopback ports,
# runs dev.gantry.bench.FanOutBench (its worker runs in the same JVM), then stops both. Prints the table;
# the figures land in bench/results/fanout.md and bench/results/fanout.csv.
#
#   bench/run-fanout.sh                    # 5 releases, the last three regions in parallel
#   bench/run-fanout.sh --runs 10 --max-parallel 2
#   bench/run-fanout.sh --smoke            # one release: seconds (CI)
#
# Extra arguments go to the harness. GANTRY_TOOLS points at another checkout's .tools (read only).
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"
if [[ "${1:-}" == --smoke ]]; then shift; set -- --runs 1 "$@"; fi
bench_prepare
start_dev_server
start_moto
run_harness FanOutBench --address "127.0.0.1:$PORT" --moto "http://127.0.0.1:$MOTO_PORT" \
  --server-kind "$SERVER_CLI, start-dev (headless, SQLite file)" --results "$RESULTS" "$@"
