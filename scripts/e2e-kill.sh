#!/usr/bin/env bash
# The kill test (scripts/kill-test.sh) as part of the test run: the real `fazhi build` on 1,000 synthetic reports,
# killed with SIGKILL at seeded moments, twelve times per seed; after each kill the site must be whole and the
# next build equal a clean one. Seeds 40 and 43 are those that found a spare tree trusted after its removal was
# killed half way (session 11). Prints "N passed, N failed" (one per seed) for scripts/test-all.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${FAZHI:-$PWD/.build/release/fazhi}
passed=0; failed=0
for seed in 40 43; do
  echo "== kill test, seed $seed"
  if FAZHI_BIN="$BIN" KILL_REPORTS=1000 KILL_COUNT=12 KILL_SEED=$seed bash scripts/kill-test.sh; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
