#!/usr/bin/env bash
# Installs the real peers the tests run against into .tools/ (git-ignored). Idempotent: a tool already
# at the pinned version is left alone. Later capabilities add their peers here (moto, cosign, a browser).
#
#   .tools/bin/temporal   Temporal CLI v1.5.1 (`temporal server start-dev`: the real server + Web UI)
#   .tools/node           playwright-core (drives Debian's chromium in the Temporal UI browser test)
#   /usr/bin/chromium     Debian's chromium, with apt-get, when running as root (CI is)
#   .tools/bin/cosign     cosign (verifies what Gantry signs, signs what Gantry verifies)
#   .tools/bin/registry   go-containerregistry's OCI registry (image signatures on loopback)
#   .tools/moto           moto[server] in a virtualenv (.tools/moto/bin/moto_server: AWS on loopback)
#   .tools/node           also @sigstore/verify (a second, independent bundle verifier)
#
# Needs Go >= 1.25 for the Temporal CLI, npm and python3. Set GANTRY_SKIP_TOOLS=1 to skip everything (tests
# that need a missing tool then report themselves as skipped, never as passed). With GANTRY_REQUIRE_PEERS=1
# (.ci/run sets it) a peer that cannot be installed here (no go, npm or python3, no chromium and no apt-get)
# fails this script, as a missing peer then fails its tests instead of skipping them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${GANTRY_TOOLS:-$ROOT/.tools}"
TEMPORAL_CLI_VERSION="v1.5.1"
PLAYWRIGHT_CORE_VERSION="1.65.1"
COSIGN_VERSION="v2.6.1"
REGISTRY_VERSION="v0.22.1"
MOTO_VERSION="5.2.5"
SIGSTORE_VERIFY_VERSION="4.1.3"

mkdir -p "$TOOLS/bin"
log() { echo "test-tools: $*" >&2; }

# missing WHAT: a peer that cannot be installed; fatal where peers are required (GANTRY_REQUIRE_PEERS set to
# anything but empty, 0 or false, as the tests read it), else its tests will skip.
missing() {
  local required="${GANTRY_REQUIRE_PEERS:-}"
  if [[ -n "$required" && "$required" != "0" && "${required,,}" != "false" ]]; then
    log "$1; GANTRY_REQUIRE_PEERS=$required: failing instead of skipping those tests"
    exit 1
  fi
  log "$1; those tests will be skipped"
}

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
    missing "go not found: cannot build the Temporal CLI for the dev-server tests"
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
    missing "chromium missing and cannot apt-get it here (the browser test needs it)"
    return
  fi
  log "installing Debian's chromium"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  log "installed $(chromium --version 2>/dev/null | head -1)"
}

# npm_tool STAMP VERSION PACKAGE... : installs npm packages into .tools/node once per version.
npm_tool() {
  local name="$1" version="$2"
  shift 2
  local stamp="$TOOLS/node/.$name-$version"
  if [[ -f "$stamp" ]]; then
    log "$name $version already installed"
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    missing "npm not found: cannot install $name"
    return
  fi
  log "installing $name $version"
  mkdir -p "$TOOLS/node"
  # No browser download: playwright-core drives Debian's /usr/bin/chromium.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$TOOLS/node" --silent --no-audit --no-fund "$@" >/dev/null
  rm -f "$TOOLS"/node/."$name"-*
  touch "$stamp"
}

# go_tool NAME VERSION PACKAGE: builds a Go tool into .tools/bin once per version.
go_tool() {
  local name="$1" version="$2" package="$3"
  local stamp="$TOOLS/bin/.$name-$version"
  if [[ -x "$TOOLS/bin/$name" && -f "$stamp" ]]; then
    log "$name $version already installed"
    return
  fi
  if ! command -v go >/dev/null 2>&1; then
    missing "go not found: cannot build $name"
    return
  fi
  log "building $name $version (first time: minutes)"
  GOBIN="$TOOLS/bin" GOFLAGS=-mod=mod go install "$package@$version"
  rm -f "$TOOLS"/bin/."$name"-*
  touch "$stamp"
}

install_moto() {
  local stamp="$TOOLS/moto/.moto-$MOTO_VERSION"
  if [[ -x "$TOOLS/moto/bin/moto_server" && -f "$stamp" ]]; then
    log "moto $MOTO_VERSION already installed"
    return
  fi
  if ! command -v python3 >/dev/null 2>&1; then
    missing "python3 not found: cannot install moto for the AWS tests"
    return
  fi
  log "installing moto[server] $MOTO_VERSION into $TOOLS/moto"
  python3 -m venv "$TOOLS/moto"
  "$TOOLS/moto/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  rm -f "$TOOLS"/moto/.moto-*
  touch "$stamp"
}

install_temporal
install_chromium
npm_tool playwright-core "$PLAYWRIGHT_CORE_VERSION" "playwright-core@$PLAYWRIGHT_CORE_VERSION"
go_tool cosign "$COSIGN_VERSION" github.com/sigstore/cosign/v2/cmd/cosign
go_tool registry "$REGISTRY_VERSION" github.com/google/go-containerregistry/cmd/registry
install_moto
npm_tool sigstore-verify "$SIGSTORE_VERIFY_VERSION" "@sigstore/verify@$SIGSTORE_VERIFY_VERSION" @sigstore/bundle @sigstore/core
