#!/usr/bin/env bash
# Benchmark of the etcd life cycle on a lab of its own (release build; needs root, network
# namespaces and etcd: run scripts/setup.sh first).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product faultline-cluster-bench >/dev/null
exec .build/release/faultline-cluster-bench
