#!/usr/bin/env bash
# The whole test suite: installs the test peers, then builds and runs every module's tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
start=$(date +%s)
./scripts/test-tools.sh
export GANTRY_TOOLS="${GANTRY_TOOLS:-$ROOT/.tools}"
./mvnw -B -ntp install "$@"
echo "test suite wall time: $(( $(date +%s) - start )) s"
