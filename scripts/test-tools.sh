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
#   .tools/bin/kube-apiserver, kube-controller-manager, kube-scheduler, kubectl   Kubernetes v1.37.2 and
#   .tools/bin/etcd       etcd v3.7.0, built from the wrapper module scripts/kubernetes (go.mod + go.sum)
#   .tools/bin/kwok       kwok v0.8.0 (fakes a node and its pods, so Deployments really roll out)
#                         (KubernetesCluster in the activities' tests runs these, one cluster per region)
#
# Needs Go >= 1.26 for the Kubernetes control plane (>= 1.25 for the Temporal CLI), npm and python3. Set GANTRY_SKIP_TOOLS=1 to skip everything (tests
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
# The control plane's versions are pinned in scripts/kubernetes/go.mod; these name the stamp and the version
# the binaries report (clients parse /version, so it must be a real one, not the v0.0.0-master default).
KUBERNETES_VERSION="v1.37.2"
KWOK_VERSION="v0.8.0"

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

# Builds kube-apiserver, kube-controller-manager, kube-scheduler, kubectl and etcd from the wrapper module
# scripts/kubernetes (its go.sum makes the build reproducible). The stamp carries the hash of go.mod and
# go.sum, so changing a pinned version there rebuilds. Cold: minutes and GBs of Go caches; warm: seconds.
install_kubernetes() {
  local module="$ROOT/scripts/kubernetes"
  local sum
  sum="$(cat "$module/go.mod" "$module/go.sum" | sha256sum | cut -c1-12)"
  local stamp="$TOOLS/bin/.kubernetes-$KUBERNETES_VERSION-$sum"
  local binary all_present=1
  for binary in kube-apiserver kube-controller-manager kube-scheduler kubectl etcd; do
    [[ -x "$TOOLS/bin/$binary" ]] || all_present=0
  done
  if [[ "$all_present" == 1 && -f "$stamp" ]]; then
    log "kubernetes $KUBERNETES_VERSION control plane already installed"
    return
  fi
  if ! command -v go >/dev/null 2>&1; then
    missing "go not found: cannot build the Kubernetes control plane for the kubernetes tests"
    return
  fi
  log "building kubernetes $KUBERNETES_VERSION and etcd with $(go version | cut -d' ' -f3) (first time: about 10 minutes on 2 idle cores)"
  local major="${KUBERNETES_VERSION#v}"
  local minor="${major#*.}"
  major="${major%%.*}"
  minor="${minor%%.*}"
  local ldflags="" package
  for package in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $package.gitVersion=$KUBERNETES_VERSION -X $package.gitMajor=$major -X $package.gitMinor=$minor"
    ldflags+=" -X $package.gitTreeState=clean"
  done
  # -mod=readonly: the checked-in go.sum is the whole truth; a missing entry fails instead of being fetched.
  # -buildvcs=false: no Gantry commit in the binaries, so a new commit does not relink them.
  (cd "$module" &&
    GOFLAGS="-mod=readonly -buildvcs=false" go build -ldflags "$ldflags" -o "$TOOLS/bin/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl &&
    GOFLAGS="-mod=readonly -buildvcs=false" go build -o "$TOOLS/bin/etcd" go.etcd.io/etcd/server/v3)
  rm -f "$TOOLS"/bin/.kubernetes-*
  touch "$stamp"
  log "installed $("$TOOLS/bin/kubectl" version --client 2>/dev/null | head -1), etcd $("$TOOLS/bin/etcd" --version | head -1 | awk '{print $3}')"
}

install_temporal
install_kubernetes
go_tool kwok "$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok
install_chromium
npm_tool playwright-core "$PLAYWRIGHT_CORE_VERSION" "playwright-core@$PLAYWRIGHT_CORE_VERSION"
go_tool cosign "$COSIGN_VERSION" github.com/sigstore/cosign/v2/cmd/cosign
go_tool registry "$REGISTRY_VERSION" github.com/google/go-containerregistry/cmd/registry
install_moto
npm_tool sigstore-verify "$SIGSTORE_VERIFY_VERSION" "@sigstore/verify@$SIGSTORE_VERIFY_VERSION" @sigstore/bundle @sigstore/core
