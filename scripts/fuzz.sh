#!/usr/bin/env bash
# Fuzzes the converter and the number grammar with seeded random mutations for a bounded time
# (Tests/FazhiHostileTests/FuzzTests.swift: byte flips, truncation, odd sequences, splices, re-encodings).
# Each of the two fuzz tests runs until FAZHI_FUZZ_ITERATIONS (the grammar: ten times as many) or
# FAZHI_FUZZ_SECONDS. A crash leaves its input in $CRASH.
#
#   scripts/fuzz.sh                                        # 200,000 iterations or 120 s each, seed 20251123
#   FAZHI_FUZZ_SECONDS=3600 FAZHI_FUZZ_SEED=42 scripts/fuzz.sh
set -uo pipefail
cd "$(dirname "$0")/.."
export FAZHI_FUZZ_ITERATIONS=${FAZHI_FUZZ_ITERATIONS:-200000}
export FAZHI_FUZZ_SECONDS=${FAZHI_FUZZ_SECONDS:-120}
export FAZHI_FUZZ_SEED=${FAZHI_FUZZ_SEED:-20251123}
CRASH=${FAZHI_FUZZ_CRASH_FILE:-/tmp/fazhi-fuzz-current.bin}
export FAZHI_FUZZ_CRASH_FILE=$CRASH
CONFIG=${CONFIG:-debug}
swift build -c "$CONFIG" --build-tests >/tmp/fazhi-fuzz-build.log 2>&1 || { tail -20 /tmp/fazhi-fuzz-build.log; exit 2; }
echo "fuzz: up to $FAZHI_FUZZ_ITERATIONS mutations or $FAZHI_FUZZ_SECONDS s per target, seed $FAZHI_FUZZ_SEED ($CONFIG build)"
swift test -c "$CONFIG" --skip-build --filter 'FazhiHostileTests.FuzzTests' 2>&1 | tee /tmp/fazhi-fuzz.log | grep -E "^fuzz|✘|error|passed|failed|crash|signal" 
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  cp "$CRASH" "$CRASH.keep" 2>/dev/null && echo "fuzz: FAIL (status $status); the last input tried is in $CRASH.keep"
  exit 1
fi
rm -f "$CRASH"
echo "fuzz: PASS"
