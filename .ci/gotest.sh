#!/usr/bin/env bash
# gotest.sh LABEL GO-TEST-ARGS...
# Runs `go test -v` with the given arguments, says which engine (Terraform or OpenTofu) and version the
# acceptance tests use, keeps the full log in build/test-logs/, and ends with a summary of top-level tests
# (acceptance tests counted separately, so a run where they all skipped is visible).
# REQUIRE_ACC=1 makes the run fail when no TestAcc* test passed.
set -euo pipefail
label=$1; shift

tf=${TF_ACC_TERRAFORM_PATH:-}
if [ "${TF_ACC:-}" = 1 ]; then
  if [ -z "$tf" ] || [ ! -x "$tf" ]; then
    echo "gotest: TF_ACC=1 but TF_ACC_TERRAFORM_PATH ('$tf') is not an executable" >&2; exit 2
  fi
  # "Terraform v1.5.7" or "OpenTofu v1.10.10" (their `version -json` both say terraform_version).
  read -r engine tfv < <(CHECKPOINT_DISABLE=1 "$tf" version 2>/dev/null | head -1)
  tfv=${tfv#v}
  echo "=== $label: acceptance tests on $engine v$tfv ($tf)"
else
  tfv=""
  echo "=== $label: TF_ACC not set, acceptance tests skip"
fi

mkdir -p build/test-logs
log="build/test-logs/$(echo "$label" | tr -c 'a-zA-Z0-9.\n' '-' | tr -s '-').log"
start=$(date +%s)
set +e
# The terminal gets failures, skips (with their reasons) and top-level passes; subtest passes and
# === lines stay in the log.
go test -v "$@" 2>&1 | tee "$log" | grep -Ev '^\s*=== (RUN|PAUSE|CONT|NAME)|^\s+--- PASS: '
rc=${PIPESTATUS[0]}
set -e
secs=$(( $(date +%s) - start ))

count() { grep -Ec "$1" "$log" || true; }
pass=$(count '^--- PASS: ')
skip=$(count '^--- SKIP: ')
fail=$(count '^--- FAIL: ')
apass=$(count '^--- PASS: TestAcc')
askip=$(count '^--- SKIP: TestAcc')
afail=$(count '^--- FAIL: TestAcc')
echo "=== $label finished in ${secs}s (exit $rc); full log: $log"
echo "    top-level tests: $pass passed, $fail failed, $skip skipped"
if [ -n "$tfv" ]; then
  echo "    acceptance tests on $engine v$tfv: $apass passed, $afail failed, $askip skipped"
fi
if [ "$rc" -ne 0 ]; then
  echo "=== $label FAILED; failing tests:" >&2
  grep -E '^\s*--- FAIL: |^FAIL|^panic:' "$log" >&2 || true
  exit "$rc"
fi
if [ "${REQUIRE_ACC:-0}" = 1 ] && [ "$apass" -eq 0 ]; then
  echo "=== $label: no acceptance test (TestAcc*) passed; they did not really run" >&2
  exit 1
fi
