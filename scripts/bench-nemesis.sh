#!/usr/bin/env bash
# Benchmark of fault injection on a 5-host lab of its own with a real etcd cluster: from the
# scheduled moment to the fault in effect on all targets, and `Heal.heal` on 5 hosts (release
# build; needs root, network namespaces and etcd: run scripts/setup.sh first).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product faultline-nemesis-bench >/dev/null
exec .build/release/faultline-nemesis-bench
