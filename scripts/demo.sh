#!/usr/bin/env bash
# Sets everything up and runs the main job: a register test against a real 3-node etcd cluster
# on the local lab of namespace hosts (brought up if needed), checked and stored under reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build --product faultline
set +e
.build/debug/faultline run workloads/etcd-register.yml "$@"
status=$?
set -e
echo "faultline run exited $status (0 valid, 1 invalid, 2 unknown, 3 interrupted, 254 bad input, 255 could not be carried out)."
echo "The lab stays up for the next run; '.build/debug/faultline lab down' removes it."
exit "$status"
