#!/usr/bin/env bash
# Sets everything up and runs the main job. Until the chaos runner lands, that is checking the
# sample histories shipped in examples/: one linearizable, one with a stale read.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build -c release --product faultline
set +e
.build/release/faultline check --model cas-register examples/register-valid.jsonl examples/register-stale-read.jsonl
status=$?
set -e
echo "faultline check exited $status (0 valid, 1 invalid, 2 unknown, 254 bad input); the stale read makes it 1"
[ "$status" -eq 1 ]
