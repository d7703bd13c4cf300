#!/usr/bin/env bash
# Kubernetes target benchmark (issue 18): deploy, rollback and a canary's steps on a REAL control plane (etcd,
# kube-apiserver, controller-manager, scheduler and kwok's fake node, built by scripts/test-tools.sh), per
# Deployment size. No Temporal: the adapter's calls as the worker's activities make them.
#
#   bench/run-kubernetes.sh                       # Deployments of 4 and 20 replicas, 5 runs each
#   bench/run-kubernetes.sh --replicas "4 50" --runs 3
#   bench/run-kubernetes.sh --smoke               # 4 replicas, 1 run: about 20 s (CI)
#
# Prints the table; the figures land in bench/results/kubernetes-rollout.md.
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"
if [[ "${1:-}" == --smoke ]]; then shift; set -- --replicas 4 --runs 1 "$@"; fi
bench_prepare
export GANTRY_TOOLS="$TOOLS"
run_harness KubernetesRolloutBench --results "$RESULTS" "$@"
