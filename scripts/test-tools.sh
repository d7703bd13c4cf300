#!/usr/bin/env bash
# Installs the real peers the tests run against into .tools/ (git-ignored). Idempotent: a tool already
# at the pinned version is left alone. Later capabilities add their peers here (moto, cosign, a browser).
#
#   .tools/bin/temporal   Temporal CLI v1.5.1 (`temporal server start-dev`: the real server + Web UI)
#   .tools/node           playwright-core (drives Debian's chromium in the Temporal UI browser test)
#   /usr/bin/chromium     Debian's chromium, with apt-get, when running as root (CI is)
#
# Needs Go >= 1.25 for the Temporal CLI. Set GANTRY_SKIP_TOOLS=1 to skip everything (tests that need a
# missing tool then report themselves as skipped, never as passed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${GANTRY_TOOLS:-$ROOT/.tools}"
TEMPORAL_CLI_VERSION="v1.5.1"
PLAYWRIGHT_CORE_VERSION="1.65.1"

mkdir -p "$TOOLS/bin"
log() { echo "test-tools: $*" >&2; }

if [[ "${GANTRY_SKIP_TOOLS:-0}" == "1" ]]; then
  log "GANTRY_SKIP_TOOLS=1: installing nothing"
  exit 0
fi

install_temporal() {
  local stamp="$TOOLS/bin/.temporal-$TEMPORAL_CLI_VERSION"
  if [[ -x "$TOOLS/bin/temporal" && -f "$stamp" ]]; then
    log "temporal $TEMPORAL_CLI_VERSION already installed"
    return
  fi
  if ! command -v go >/dev/null 2>&1; then
    log "go not found: cannot build the Temporal CLI; dev-server tests will be skipped"
    return
  fi
  log "building temporal $TEMPORAL_CLI_VERSION with $(go version | cut -d' ' -f3) (first time: several minutes)"
  # Module and build caches stay in Go's usual places, so a second clone on this machine builds in seconds.
  GOBIN="$TOOLS/bin" GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
  rm -f "$TOOLS"/bin/.temporal-*
  touch "$stamp"
  log "installed $("$TOOLS/bin/temporal" --version)"
}

install_chromium() {
  if command -v chromium >/dev/null 2>&1; then
    log "chromium already installed ($(chromium --version 2>/dev/null | head -1))"
    return
  fi
  if [[ "$(id -u)" != "0" ]] || ! command -v apt-get >/dev/null 2>&1; then
    log "chromium missing and cannot apt-get it here: the browser test will be skipped"
    return
  fi
  log "installing Debian's chromium"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  log "installed $(chromium --version 2>/dev/null | head -1)"
}

install_playwright_core() {
  local stamp="$TOOLS/node/.playwright-core-$PLAYWRIGHT_CORE_VERSION"
  if [[ -f "$stamp" && -d "$TOOLS/node/node_modules/playwright-core" ]]; then
    log "playwright-core $PLAYWRIGHT_CORE_VERSION already installed"
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    log "npm not found: the browser test will be skipped"
    return
  fi
  log "installing playwright-core $PLAYWRIGHT_CORE_VERSION (no browser download: it drives /usr/bin/chromium)"
  mkdir -p "$TOOLS/node"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$TOOLS/node" --silent --no-audit --no-fund \
    "playwright-core@$PLAYWRIGHT_CORE_VERSION" >/dev/null
  rm -f "$TOOLS"/node/.playwright-core-*
  touch "$stamp"
}

install_temporal
install_chromium
install_playwright_core
