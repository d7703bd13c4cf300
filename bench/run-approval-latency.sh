#!/usr/bin/env bash
# Approval latency benchmark (issue 4) against the REAL Temporal dev server.
#
# Builds the bench module, starts `temporal server start-dev` on free loopback ports with a throw-away
# SQLite file, runs dev.gantry.bench.ApprovalLatencyBench against it (its worker runs in the same JVM),
# then stops the server and removes its files. Prints the table; the figures land in bench/results/
# (approval-latency.md, and approval-latency-<UTC timestamp>.csv/.json).
#
#   bench/run-approval-latency.sh                        # 200 approvals by signal + 200 by update, 2/s (one worker on 2 cores sustains ~4.7/s)
#   bench/run-approval-latency.sh --releases 50 --rate 10 --no-updates
#   bench/run-approval-latency.sh --smoke                # 4 releases per pass at 4/s: seconds (CI)
#
# Extra arguments go to the harness. GANTRY_TOOLS points at another checkout's .tools (read only).
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"
if [[ "${1:-}" == --smoke ]]; then shift; set -- --releases 4 --rate 4 "$@"; fi
bench_prepare
start_dev_server
run_harness ApprovalLatencyBench --address "127.0.0.1:$PORT" \
  --server-kind "temporal server start-dev (headless, SQLite file)" --server-cli "$SERVER_CLI" \
  --results "$RESULTS" "$@"
