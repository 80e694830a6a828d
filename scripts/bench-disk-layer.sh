#!/usr/bin/env bash
# Benchmark of the disk layer (faultline-lazyfs) on a 3-node etcd lab of its own (release build;
# root, network namespaces, etcd and /dev/fuse: run scripts/setup.sh first).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product faultline-lazyfs >/dev/null
swift build -c release --product faultline-disk-bench >/dev/null
exec .build/release/faultline-disk-bench
