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
set +e
swift test --skip-build 2>&1 | tee .build/test-output.txt
status=${PIPESTATUS[0]}
set -e
exit "$status"
