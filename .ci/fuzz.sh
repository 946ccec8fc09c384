#!/usr/bin/env bash
# fuzz.sh FUZZTIME — runs each `func FuzzXxx` found in the module's tests for FUZZTIME.
# The seed corpora already run as ordinary tests in `make test-acc`; this adds real fuzzing.
set -euo pipefail
fuzztime=${1:-10s}
if [ "$fuzztime" = 0 ] || [ "$fuzztime" = 0s ]; then echo "fuzz: skipped (FUZZTIME=$fuzztime)"; exit 0; fi
mapfile -t hits < <(git ls-files --cached --others --exclude-standard -- '*_test.go' \
  | xargs -r grep -Ho '^func Fuzz[A-Za-z0-9_]*' | sed 's/:func /:/' | sort -u)
if [ "${#hits[@]}" -eq 0 ]; then echo "fuzz: no fuzz targets yet"; exit 0; fi
start=$(date +%s)
for hit in "${hits[@]}"; do
  file=${hit%%:*}; name=${hit#*:}
  pkg=./$(dirname "$file")
  echo "=== fuzz $pkg $name for $fuzztime"
  # -parallel 1: the machine has 2 cores shared with everything else.
  go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -parallel 1
done
echo "fuzz: ${#hits[@]} targets in $(( $(date +%s) - start ))s"
