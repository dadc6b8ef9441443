#!/usr/bin/env bash
# Every test: the Swift test suite (release build, shared with the binary), then the end-to-end scripts that
# check the built site with real tools. Prints one closing line "tests: N passed, N failed" and exits non-zero
# when anything failed. Called by `make test` (and so by .ci/run).
set -uo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-release}
LOG=$(mktemp -d "${TMPDIR:-/tmp}/fazhi-tests.XXXXXX")
trap 'rm -rf "$LOG"' EXIT
passed=0; failed=0; broken=()

echo "== swift build -c $CONFIG --build-tests"
if ! swift build -c "$CONFIG" --build-tests >"$LOG/build.txt" 2>&1; then
  grep -E "error:" "$LOG/build.txt" | head -40
  echo "tests: 0 passed, 1 failed (the build failed)"; exit 1
fi
tail -1 "$LOG/build.txt"

echo "== swift test -c $CONFIG"
swift test -c "$CONFIG" --skip-build 2>&1 | tee "$LOG/swift-test.txt" | grep -vE "^(􀟈|◇|↳)|started\.?$|^✔ Suite |^✔ Test [A-Za-z_0-9]+\(" || true
line=$(grep -E "Test run with [0-9]+ tests?" "$LOG/swift-test.txt" | tail -1)
n=$(echo "$line" | sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p')
issues=$(echo "$line" | sed -nE 's/.*with ([0-9]+) issues?.*/\1/p')
if [ -z "$n" ]; then
  failed=$((failed + 1)); broken+=("swift test (no result line)")
elif echo "$line" | grep -q "failed"; then
  f=$(grep -cE "^✘ Test .* failed" "$LOG/swift-test.txt"); [ "$f" -gt 0 ] || f=1
  passed=$((passed + n - f)); failed=$((failed + f)); broken+=("swift test: $line")
else
  passed=$((passed + n))
fi

export FAZHI="$PWD/.build/$CONFIG/fazhi"
for script in scripts/e2e-*.sh; do
  [ -f "$script" ] || continue
  echo "== $script"
  bash "$script" 2>&1 | tee "$LOG/e2e.txt"
  line=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$LOG/e2e.txt" | tail -1)
  p=$(echo "$line" | sed -nE 's/^([0-9]+) passed.*/\1/p'); f=$(echo "$line" | sed -nE 's/.* ([0-9]+) failed.*/\1/p')
  if [ -z "$p" ]; then failed=$((failed + 1)); broken+=("$script (no result line)"); continue; fi
  passed=$((passed + p)); failed=$((failed + f))
  [ "$f" = 0 ] || broken+=("$script: $line")
done

for b in "${broken[@]}"; do echo "FAILED: $b"; done
echo "tests: $passed passed, $failed failed"
[ "$failed" = 0 ]
