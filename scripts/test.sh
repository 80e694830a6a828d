#!/usr/bin/env bash
# Sets everything up and runs every test: the unit tests, the real tests, and the conformance
# test against the shared corpus of histories with known verdicts.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# The corpus lives beside the repository (../shared/testdata), never inside it.
if [ -z "${FAULTLINE_TESTDATA:-}" ] && [ -f ../shared/testdata/VERDICTS.tsv ]; then
  FAULTLINE_TESTDATA="$(cd ../shared/testdata && pwd)"
fi
if [ -n "${FAULTLINE_TESTDATA:-}" ]; then
  export FAULTLINE_TESTDATA
else
  echo "test: no ../shared/testdata (or FAULTLINE_TESTDATA): the conformance test will not run"
fi
swift build --build-tests
# Two passes: the unit tests and light suites in parallel, then the suites that run whole
# clusters on labs of their own (etcd, raftkv, chaos runs, sweeps, audits, reports of real runs)
# one at a time: run side by side on two cores they starve each other's clients and timers.
# Each pass is bounded, so a hang fails CI instead of running it over time.
heavy="EtcdChaosTests|RaftKVChaosTests|EtcdRunTests|RaftKVLabTests|EtcdLabTests|NemesisLabTests|AuditLabTests|SweepLabTests|RunReportLabTests"
set +e
timeout 1800 swift test --skip-build --skip "$heavy" 2>&1 | tee .build/test-output.txt
first=${PIPESTATUS[0]}
timeout 1800 swift test --skip-build --no-parallel --filter "$heavy" 2>&1 | tee -a .build/test-output.txt
second=${PIPESTATUS[0]}
set -e
[ "$first" -eq 0 ] && [ "$second" -eq 0 ]
