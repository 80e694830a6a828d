#!/usr/bin/env bash
# Faultline's checker beside Porcupine's on the same histories (`make bench-porcupine`).
#
# Needs Go (Debian's golang-go) and a Porcupine source tree (v1.3.0, the version the checker
# issue measured) in PORCUPINE_SRC: a checkout or an unpacked snapshot. Porcupine is copied into a
# scratch folder outside the repository, where bench/porcupine/main.go (our harness over its
# CheckEvents) is built against it offline. Faultline (release) writes the groups of histories
# (`faultline-bench --export-groups`): the public corpora and generated shapes. Each checker
# then times each group (check time only, median of 3 passes, or of as many as fit in about
# 200 ms for a group under 20 ms, the same rule on both sides; no counterexample shrinking, as
# Porcupine's CheckEvents builds none), and a table prints the ratio per group.
set -euo pipefail
cd "$(dirname "$0")/.."
testdata=${FAULTLINE_TESTDATA:-../shared/testdata}
src=${PORCUPINE_SRC:-}
command -v go >/dev/null || { echo "bench-porcupine: needs Go (apt-get install golang-go)"; exit 2; }
[ -n "$src" ] && [ -f "$src/checker.go" ] || { echo "bench-porcupine: set PORCUPINE_SRC to a Porcupine v1.3.0 source tree"; exit 2; }

scratch=$(mktemp -d /tmp/faultline-bench-porcupine.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/porcupine" "$scratch/harness"
cp -r "$src"/. "$scratch/porcupine/"
cp bench/porcupine/main.go "$scratch/harness/"
cat > "$scratch/harness/go.mod" <<MOD
module faultline.local/porcupine-harness

go 1.16

require github.com/anishathalye/porcupine v1.3.0

replace github.com/anishathalye/porcupine => ../porcupine
MOD
(cd "$scratch/harness" && GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local go build -o harness .)

swift build -c release --product faultline-bench >/dev/null
.build/release/faultline-bench --testdata "$testdata" --export-groups "$scratch/groups"
# One group at a time, Faultline then Porcupine back to back, so that both see the machine under
# the same load; each Porcupine pass bounded (it ran out of 24 GB on the 50-client group): a
# group it cannot finish within 10 GB and 120 s is reported as such.
: > "$scratch/faultline.txt"
: > "$scratch/porcupine.txt"
for group in "$scratch"/groups/*/; do
  one="$scratch/one"; rm -rf "$one"; mkdir -p "$one"; ln -s "$group" "$one/$(basename "$group")"
  .build/release/faultline-bench --groups "$one" >> "$scratch/faultline.txt"
  (ulimit -v 10000000; timeout 120 "$scratch/harness/harness" "$one" 3) >> "$scratch/porcupine.txt" 2>/dev/null \
    || echo "group $(basename "$group") - 0 -1" >> "$scratch/porcupine.txt"
done

echo "group                       files  Faultline ms  Porcupine ms  ratio (target ≤ 0.50)"
join <(sort "$scratch/faultline.txt" | awk '{print $2, $3, $4, $5}') \
     <(sort "$scratch/porcupine.txt" | awk '{print $2, $4, $5}') |
  awk '{ if ($6 < 0) { printf "%-27s %5d  %12.2f  %12s  %6s  Porcupine out of memory (10 GB) or time (120 s)\n", $1, $2, $3, "-", "-"; next }
         ratio = ($5 > 0) ? $3 / $5 : 0;
         printf "%-27s %5d  %12.2f  %12.2f  %5.2fx%s%s\n", $1, $2, $3, $5, ratio,
                ($4 > 0 ? "  faultline verdicts differ: " $4 : ""), ($6 > 0 ? "  porcupine verdicts differ: " $6 : "") }'
