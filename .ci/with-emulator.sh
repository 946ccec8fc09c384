#!/usr/bin/env bash
# with-emulator.sh EMULATOR-BINARY [EMULATOR-FLAGS...] -- COMMAND [ARGS...]
# Starts the Okta emulator as a separate process on a free loopback port, runs COMMAND with the
# live-mode environment pointing at it (as if it were a real dev org), and stops the emulator
# on exit whatever happens.
set -euo pipefail
emu=$1; shift
flags=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do flags+=("$1"); shift; done
[ "${1:-}" = -- ] && shift
[ $# -gt 0 ] || { echo "usage: with-emulator.sh BINARY [FLAGS...] -- COMMAND..." >&2; exit 2; }

token=${EMULATOR_TOKEN:-live-path-$RANDOM$RANDOM}
out=$(mktemp)
"$emu" -addr 127.0.0.1:0 -token "$token" "${flags[@]}" >"$out" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$out"; }
trap cleanup EXIT INT TERM

url=""
for _ in $(seq 1 300); do
  url=$(sed -n 's/^oktaemu listening on \(http:\/\/[^ ]*\).*/\1/p' "$out" | head -1)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "with-emulator: emulator exited:" >&2; cat "$out" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "with-emulator: emulator did not report its address in 30s:" >&2; cat "$out" >&2; exit 1; }
echo "=== emulator ($emu ${flags[*]}) listening on $url"

# The live-mode contract of internal/acctest (see README "Running against a real dev org").
# Credentials from the surrounding environment must not leak into this run.
unset OKTA_BASE_URL OKTA_ORG_NAME OKTA_API_CLIENT_ID OKTA_API_PRIVATE_KEY OKTA_API_PRIVATE_KEY_ID OKTA_API_SCOPES DIALPAD_ACC_LIVE_EMULATOR
export DIALPAD_ACC_LIVE=1 OKTA_ORG_URL="$url" OKTA_API_TOKEN="$token"
set +e
"$@"
rc=$?
set -e
exit $rc
