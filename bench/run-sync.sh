#!/usr/bin/env bash
# Sync-time benchmark (issue 16): last gate (the production approval) to all four regions in sync, for the
# example policy's timing values (examples/aws/policy/environments/production/config.yaml) and the values the
# multi-region handbook recommends, on the REAL Temporal dev server with the Lambda adapter against moto.
# Takes minutes (each release waits healthyForSeconds per batch, as production does); not run by CI.
# Prints the table; it lands in bench/results/sync-time.md. Exit 3 if a scenario missed the 5-minute target.
#
#   bench/run-sync.sh                      # both scenarios, one release each (about 7 minutes)
#   bench/run-sync.sh --only example       # or handbook; --runs N for more releases per scenario
#   bench/run-sync.sh --example path/to/config.yaml
#
# GANTRY_TOOLS points at another checkout's .tools (read only).
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"
bench_prepare
start_dev_server
start_moto
run_harness SyncTimeBench --address "127.0.0.1:$PORT" --moto "http://127.0.0.1:$MOTO_PORT" \
  --results "$ROOT/bench/results" "$@"
