#!/usr/bin/env bash
# Benchmark of the run harness, and of register runs against etcd on a lab of its own (release
# build; the etcd part needs root, network namespaces and etcd: run scripts/setup.sh first).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product faultline-run-bench >/dev/null
exec .build/release/faultline-run-bench
