#!/usr/bin/env bash
# live-skips.sh [--update FILE | --check FILE]
# Prints, as a markdown table, the acceptance tests that skip in live mode (those calling
# acctest.RequireEmulator(t, "reason")) with their reasons. --update rewrites the table between
# the <!-- live-skips:start --> and <!-- live-skips:end --> markers of FILE (README.md);
# --check fails when that table is out of date.
set -euo pipefail
cd "$(dirname "$0")/.."

table() {
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
}

splice() { # FILE TABLEFILE -> stdout
  awk -v tf="$2" '
    /<!-- live-skips:start -->/ { print; while ((getline l < tf) > 0) print l; skip = 1; next }
    /<!-- live-skips:end -->/ { skip = 0 }
    !skip { print }' "$1"
}

case "${1:-}" in
  --update|--check)
    file=$2
    grep -q '<!-- live-skips:start -->' "$file" || { echo "live-skips: no markers in $file" >&2; exit 2; }
    tmp=$(mktemp); out=$(mktemp); trap 'rm -f "$tmp" "$out"' EXIT
    table >"$tmp"
    splice "$file" "$tmp" >"$out"
    if [ "$1" = --update ]; then
      cat "$out" >"$file"
    elif ! diff -u "$file" "$out"; then
      echo "live-skips: the table in $file is out of date; run 'make readme' and commit it" >&2; exit 1
    fi
    ;;
  *) table ;;
esac
