#!/usr/bin/env bash
# Sync-time benchmark (issue 16): last gate (the production approval) to all four regions in sync, for the
# example policy's timing values (examples/aws/policy/environments/production/config.yaml) and the values the
# multi-region handbook recommends, on the REAL Temporal dev server with the Lambda adapter against moto.
# Takes minutes (each release waits healthyForSeconds per batch, as production does); CI runs only --smoke.
# Prints the table; it lands in bench/results/sync-time.md. Exit 3 if a scenario missed the 5-minute target.
#
#   bench/run-sync.sh                      # both scenarios, one release each (about 7 minutes)
#   bench/run-sync.sh --only example       # or handbook; --runs N for more releases per scenario
#   bench/run-sync.sh --example path/to/config.yaml
#   bench/run-sync.sh --smoke              # the example's layout with healthyForSeconds 2: seconds (CI)
#
# GANTRY_TOOLS points at another checkout's .tools (read only).
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"
if [[ "${1:-}" == --smoke ]]; then
  shift
  sed -E -e 's/^( *healthyForSeconds:) *[0-9]+/\1 2/' -e 's/^( *intervalSeconds:) *[0-9]+/\1 1/' \
    examples/aws/policy/environments/production/config.yaml > "$WORK/smoke-config.yaml"
  set -- --only example --example "$WORK/smoke-config.yaml" "$@"
fi
bench_prepare
start_dev_server
start_moto
run_harness SyncTimeBench --address "127.0.0.1:$PORT" --moto "http://127.0.0.1:$MOTO_PORT" \
  --results "$RESULTS" "$@"
