#!/usr/bin/env bash
# Signing and verifying a large file with the CLI (issue 15): whole `./gantry artifact sign|verify` processes
# against `sha256sum` of the same file (the floor: every signature hashes every byte once). Prints medians and
# the ratio sha256sum / gantry (1.0 = as fast as sha256sum; the goal is >= 0.8), also to
# bench/results/cli-signing.md. The file is written once in a temporary folder (so it sits in the page cache,
# for every command alike) and removed at the end.
#
#   bench/run-cli-signing.sh                    # 1024 MiB, 3 runs each
#   SIZE_MIB=256 RUNS=5 GANTRY_SKIP_BUILD=1 bench/run-cli-signing.sh
#   bench/run-cli-signing.sh --smoke            # 8 MiB, one run each (CI)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SIZE_MIB="${SIZE_MIB:-1024}"
RUNS="${RUNS:-3}"
if [[ "${1:-}" == --smoke ]]; then SIZE_MIB=8; RUNS=1; fi
RESULTS="${BENCH_RESULTS:-$ROOT/bench/results}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/gantry-bench-signing.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
log() { echo "bench: $*" >&2; }

if [[ "${GANTRY_SKIP_BUILD:-0}" != 1 ]]; then
  log "building the CLI (mvnw -o package)"
  ./mvnw -q -B -o -pl starter,worker -am package -DskipTests
fi

FILE="$WORK/artifact.bin"
log "writing $SIZE_MIB MiB of random bytes to $FILE"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom > "$FILE"
./gantry keys generate --key "$WORK/release.key" --trusted-keys "$WORK/trusted-keys.yaml" --name bench >/dev/null

seconds() { # seconds CMD...: wall time of one whole process, output discarded; fails if it fails
  local start=$EPOCHREALTIME
  "$@" >/dev/null 2>"$WORK/last.err" || { log "failed: $*"; cat "$WORK/last.err" >&2; exit 1; }
  python3 -c "print(f'{$EPOCHREALTIME - $start:.2f}')"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

sha256sum "$FILE" >/dev/null # into the page cache
# The first run of a command after a build writes its class-data-sharing archive: timed apart.
first_sign="$(seconds ./gantry artifact sign "$FILE" --key "$WORK/release.key" --store "$WORK/store-0")"
first_verify="$(seconds ./gantry artifact verify "$FILE" --trusted-keys "$WORK/trusted-keys.yaml")"
S=(); SIGN=(); VERIFY=()
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$RUNS"); do
  S+=("$(seconds sha256sum "$FILE")")
  # a fresh signature each run (the store would otherwise return the first one without signing again)
  SIGN+=("$(seconds ./gantry artifact sign "$FILE" --key "$WORK/release.key" --store "$WORK/store-$i")")
  VERIFY+=("$(seconds ./gantry artifact verify "$FILE" --trusted-keys "$WORK/trusted-keys.yaml")")
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
sm="$(median "${S[@]}")"; gm="$(median "${SIGN[@]}")"; vm="$(median "${VERIFY[@]}")"
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

mkdir -p "$RESULTS"
{
  echo "## CLI signing and verifying a ${SIZE_MIB} MiB file"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load average $load_before before and $load_after after;"
  echo "$(java -version 2>&1 | head -n 1); $(sha256sum --version | head -n 1). Whole processes, $RUNS runs each,"
  echo "interleaved, the file in the page cache. \`bench/run-cli-signing.sh\`"
  echo
  echo "| command | median (s) | runs (s) | sha256sum / command |"
  echo "|---|---:|---|---:|"
  echo "| \`sha256sum FILE\` | $sm | ${S[*]} | 1.00 |"
  echo "| \`./gantry artifact sign FILE --key K\` | $gm | ${SIGN[*]} | $(ratio "$sm" "$gm") |"
  echo "| \`./gantry artifact verify FILE --trusted-keys T\` | $vm | ${VERIFY[*]} | $(ratio "$sm" "$vm") |"
  echo
  echo "First runs (before the timed ones; they write the command's class-data-sharing archive when there is none"
  echo "for these jars yet, and the file's pages may still be read in): sign $first_sign s, verify $first_verify s."
} | tee "$RESULTS/cli-signing.md"
