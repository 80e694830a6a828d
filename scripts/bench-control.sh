#!/usr/bin/env bash
# Benchmarks of the SSH control plane and the lab (release build; needs root and network namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product faultline-control-bench >/dev/null
exec .build/release/faultline-control-bench
