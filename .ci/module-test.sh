#!/usr/bin/env bash
# module-test.sh ENGINE... — runs the module's own tests (modules/okta-phone-sync/tests/*.tftest.hcl,
# provider mocked, offline) with `<engine> test` on each ENGINE (tofu, terraform), in the registry
# export of the module (`make release-module`'s layout), so the tests run where users get them.
# A Terraform older than 1.7 (no mock_provider) is skipped with a message. Prints each engine's
# version and counts; fails when an engine fails a test or runs none.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: module-test.sh ENGINE..." >&2; exit 2; }

work=$PWD/build/module-test
rm -rf "$work"
mkdir -p "$work/bin" build/test-logs
start=$(date +%s)
# The real provider binary: mock_provider still takes the schema and the config validators from it.
go build -o "$work/bin/terraform-provider-dialpad" .
go run ./internal/tools/moduleexport -root . -out "$work/module" >/dev/null
ls "$work"/module/tests/*.tftest.hcl >/dev/null
# dev_overrides: "dialpad/dialpad" is the binary above on either engine's default registry host; nothing
# is installed, so no `init` is needed.
cat >"$work/cli.rc" <<RC
disable_checkpoint = true
provider_installation {
  dev_overrides {
    "dialpad/dialpad" = "$work/bin"
  }
  direct {}
}
RC

failed=()
for eng in "$@"; do
  read -r name v < <(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE="$work/cli.rc" "$eng" version 2>/dev/null | head -1)
  v=${v#v}
  major=${v%%.*}; rest=${v#*.}; minor=${rest%%.*}
  if [ "$name" = Terraform ] && [ "$major" -eq 1 ] && [ "$minor" -lt 7 ]; then
    echo "=== module tests: skipping Terraform v$v ($eng): mock_provider needs Terraform >= 1.7"
    continue
  fi
  log=build/test-logs/module-tests-$name-$v.log
  echo "=== module tests on $name v$v ($eng)"
  set +e
  (cd "$work/module" && CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE="$work/cli.rc" TF_IN_AUTOMATION=1 TF_INPUT=0 \
    "$eng" test -no-color) >"$log" 2>&1
  rc=$?
  set -e
  # Failures in full; passes as one line per file.
  grep -Ev '^  run ".*"\.\.\. pass$|^tests/.*\.\.\. (in progress|tearing down)$|Warning: Provider development overrides|^\s*│|^\s*╷|^\s*╵|^$' "$log" || true
  summary=$(grep -Eo '[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?' "$log" | tail -1 || true)
  passed=${summary%% passed*}
  echo "    module tests on $name v$v: ${summary:-no summary} (full log: $log)"
  if [ "$rc" -ne 0 ] || [ -z "$summary" ] || [ "${passed:-0}" -eq 0 ]; then
    failed+=("$name v$v")
  fi
done
echo "=== module tests finished in $(( $(date +%s) - start ))s"
if [ ${#failed[@]} -gt 0 ]; then echo "module tests FAILED on: ${failed[*]}" >&2; exit 1; fi
