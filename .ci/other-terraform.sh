#!/usr/bin/env bash
# other-terraform.sh PINNED_VERSION — prints the path of the first `terraform` on PATH that is
# >= 1.5 and not PINNED_VERSION (the project's own .tools/bin copy is never considered); prints
# nothing when there is none.
set -euo pipefail
pinned=$1
tools=$(cd "$(dirname "$0")/.." && pwd)/.tools/bin
while IFS= read -r tf; do
  [ -x "$tf" ] || continue
  [ "$(cd "$(dirname "$tf")" && pwd -P)" = "$(cd "$tools" 2>/dev/null && pwd -P || echo none)" ] && continue
  v=$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$tf" version -json 2>/dev/null \
      | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p') || continue
  [ -n "$v" ] && [ "$v" != "$pinned" ] || continue
  major=${v%%.*}; rest=${v#*.}; minor=${rest%%.*}
  if [ "$major" -gt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -ge 5 ]; }; then echo "$tf"; exit 0; fi
done < <(type -ap terraform || true)
