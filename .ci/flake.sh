#!/usr/bin/env bash
# flake.sh CHAOS_RUNS SUITE_RUNS PKGS...
# The flake guard (make flake): runs the chaos tests CHAOS_RUNS times (go test -count) and the whole
# unit + acceptance suite SUITE_RUNS times, then reports for each phase how many top-level test runs
# passed, the pass rate, and every test that failed with how often. Exits non-zero when any run
# failed. Full logs stay in build/test-logs/flake-*.log. Expects the acceptance-test environment
# (TF_ACC, TF_ACC_TERRAFORM_PATH, ...) from the Makefile.
set -uo pipefail
chaos_runs=$1 suite_runs=$2; shift 2
pkgs=("$@")
mkdir -p build/test-logs
parallel=${FLAKE_PARALLEL:-2}
start=$(date +%s)
rc=0

# phase LABEL LOG GO-TEST-ARGS...
phase() {
  local label=$1 log=$2; shift 2
  local t0; t0=$(date +%s)
  echo "=== flake: $label: go test $*"
  go test -v "$@" >"$log" 2>&1
  local code=$?
  local pass fail
  pass=$(grep -Ec '^--- PASS: ' "$log")
  fail=$(grep -Ec '^--- FAIL: ' "$log")
  local total=$((pass + fail))
  local rate="n/a"
  if [ "$total" -gt 0 ]; then rate=$(awk -v p="$pass" -v t="$total" 'BEGIN { printf "%.1f%%", 100 * p / t }'); fi
  echo "=== flake: $label: $pass of $total top-level test runs passed ($rate) in $(( $(date +%s) - t0 ))s (go test exit $code); log: $log"
  if [ "$fail" -gt 0 ]; then
    echo "    failed (runs):"
    grep -E '^--- FAIL: ' "$log" | awk '{print $3}' | sort | uniq -c | sed 's/^/     /'
  fi
  if [ "$total" -eq 0 ]; then
    echo "    no test ran (is TF_ACC set?)" >&2
    code=1
  fi
  if [ "$code" -ne 0 ]; then rc=1; fi
}

phase "chaos tests x$chaos_runs" build/test-logs/flake-chaos.log \
  ./internal/provider -run '^TestAccChaos' -count="$chaos_runs" -parallel "$parallel" -timeout "${FLAKE_TIMEOUT:-180m}"
phase "unit + acceptance suite x$suite_runs" build/test-logs/flake-suite.log \
  "${pkgs[@]}" -count="$suite_runs" -p "${FLAKE_P:-2}" -parallel "$parallel" -timeout "${FLAKE_TIMEOUT:-180m}"

echo "=== flake: finished in $(( $(date +%s) - start ))s; $([ $rc -eq 0 ] && echo 'no failure' || echo 'FAILURES above')"
exit $rc
