#!/usr/bin/env bash
# Load test of the preview server, on loopback only: builds a small synthetic site, starts `fazhi serve` on a
# free 127.0.0.1 port, runs wrk (100 connections, 10 s) against a report page, then again while a rebuild
# runs (a report is edited during the load). Passes when wrk saw no socket errors and no non-2xx/3xx
# responses, and the rebuild happened. Bounded in time; the server is stopped at the end.
#
#   scripts/load-test.sh                   # .build/debug/fazhi, 30 reports
#   FAZHI_BIN=.build/release/fazhi LOAD_REPORTS=300 LOAD_SECONDS=30 scripts/load-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${FAZHI_BIN:-$ROOT/.build/debug/fazhi}
REPORTS=${LOAD_REPORTS:-30}
SECONDS_=${LOAD_SECONDS:-10}
[ -x "$BIN" ] || { echo "load-test: no $BIN (run swift build first, or set FAZHI_BIN)" >&2; exit 2; }
if ! command -v wrk >/dev/null; then
  echo "load-test: installing wrk (Debian package)"
  (apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null 2>&1; }) \
    || { echo "load-test: cannot install wrk" >&2; exit 2; }
fi

T=$(mktemp -d /tmp/fazhi-load.XXXXXX)
SPID=""
cleanup() { if [ -n "$SPID" ]; then kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; fi; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "load-test: FAIL: $*" >&2; echo "--- serve log:" >&2; tail -20 "$T/serve.log" >&2 || true; exit 1; }

mkdir -p "$T/content"
"$BIN" gen-corpus --reports "$REPORTS" --seed 1 --out "$T/content/reports" >/dev/null
cp content/catalog.yaml content/config.yaml "$T/content/"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

"$BIN" serve --content "$T/content" --templates "$ROOT/Templates" --output "$T/public" --port "$PORT" >"$T/serve.log" 2>&1 &
SPID=$!
URL0="http://127.0.0.1:$PORT/"
for _ in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL0" 2>/dev/null)" = 200 ] && break
  kill -0 "$SPID" 2>/dev/null || fail "the server stopped"
  sleep 0.5
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL0")" = 200 ] || fail "the server did not answer on 127.0.0.1:$PORT in 300 s"
PAGE=$(ls "$T/public/reports" | head -1)
URL="http://127.0.0.1:$PORT/reports/$PAGE"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL")" = 200 ] || fail "$URL does not answer 200"

check() { # $1: wrk output file
  if grep -q "Socket errors" "$1"; then fail "socket errors: $(grep 'Socket errors' "$1")"; fi
  if grep -q "Non-2xx or 3xx" "$1"; then fail "$(grep 'Non-2xx or 3xx' "$1")"; fi
  grep -q "requests in" "$1" || fail "wrk did not run"
}

echo "load-test: wrk -t2 -c100 -d${SECONDS_}s $URL"
wrk -t2 -c100 -d"${SECONDS_}s" --latency "$URL" | tee "$T/wrk1.txt"
check "$T/wrk1.txt"

# Again, while a rebuild runs: edit a report a moment into the load.
REPORT=$(find "$T/content/reports" -type f | sort | head -1)
before=$(grep -c "rebuilt" "$T/serve.log" || true)
( sleep 2; printf '\n全年共审结行政复议案件999件。\n' >> "$REPORT" ) &
echo "load-test: the same, while a rebuild runs (a report is edited after 2 s)"
wrk -t2 -c100 -d"${SECONDS_}s" --latency "$URL" | tee "$T/wrk2.txt"
check "$T/wrk2.txt"
for _ in $(seq 1 120); do
  [ "$(grep -c "rebuilt" "$T/serve.log" || true)" -gt "$before" ] && break
  sleep 0.5
done
[ "$(grep -c "rebuilt" "$T/serve.log" || true)" -gt "$before" ] || fail "no rebuild happened after the edit"
echo "load-test: rebuild during load: $(grep "rebuilt" "$T/serve.log" | tail -1)"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL")" = 200 ] || fail "$URL does not answer 200 after the rebuild"
echo "load-test: PASS (no socket errors, no non-2xx/3xx responses, served throughout the rebuild)"
