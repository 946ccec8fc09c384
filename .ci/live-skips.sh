#!/usr/bin/env bash
# live-skips.sh — prints, as a markdown table, the acceptance tests that skip in live mode
# (those calling acctest.RequireEmulator(t, "reason")) with their reasons. README.md carries its output.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "| Test | Why it needs the emulator |"
echo "| --- | --- |"
git ls-files --cached --others --exclude-standard -- '*_test.go' | sort | while read -r f; do
  awk -v file="$f" '
    /^func (Test|Fuzz)[A-Za-z0-9_]*\(/ { name = $2; sub(/\(.*/, "", name) }
    /RequireEmulator\(t, / {
      reason = $0
      sub(/.*RequireEmulator\(t, "/, "", reason); sub(/"\)[^"]*$/, "", reason); gsub(/\\"/, "\"", reason)
      printf "| `%s` (%s) | %s |\n", name, file, reason
    }' "$f"
done
