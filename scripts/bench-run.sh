#!/usr/bin/env bash
# Benchmark of the run harness, and of register runs against etcd and raftkv on a lab of its own (release
# build; the etcd part needs root, network namespaces and etcd: run scripts/setup.sh first).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product faultline-run-bench >/dev/null
swift build -c release --product raftkv >/dev/null
exec .build/release/faultline-run-bench
