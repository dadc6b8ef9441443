#!/usr/bin/env bash
# Kill test: runs the real `fazhi build` on a synthetic corpus that switches between two states (so every build
# changes the site), kills it with SIGKILL at seeded random moments, and checks after each kill that <output> is
# a whole site, byte for byte: the previous one, or the new one swapped in complete. Then that the next build
# completes and equals a clean build. Then checks that an unwritable output fails with a clear
# error and leaves no half site.
#
#   scripts/kill-test.sh            # 300 reports, 10 kills, seed 1, .build/debug/fazhi
#   FAZHI_BIN=.build/release/fazhi KILL_REPORTS=1000 KILL_COUNT=20 KILL_SEED=7 scripts/kill-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${FAZHI_BIN:-$ROOT/.build/debug/fazhi}
REPORTS=${KILL_REPORTS:-300}
KILLS=${KILL_COUNT:-10}
SEED=${KILL_SEED:-1}
[ -x "$BIN" ] || { echo "kill-test: no $BIN (run swift build first, or set FAZHI_BIN)" >&2; exit 2; }

T=$(mktemp -d /tmp/fazhi-kill.XXXXXX)
cleanup() { chmod -R u+w "$T" 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
mkdir -p "$T/content"
"$BIN" gen-corpus --reports "$REPORTS" --seed 1 --out "$T/content/reports" >/dev/null
cp content/catalog.yaml content/config.yaml "$T/content/"

# --no-search: Pagefind is not reproducible from run to run (the order of a multi-valued filter; docs/search.md)
# so sites built into two folders are compared without the index.
build() { "$BIN" build --no-search --content "$T/content" --templates "$ROOT/Templates" --output "$1" >"$T/build.log" 2>&1; }
now() { date +%s.%N; }
fail() {
  echo "kill-test: FAIL: $*" >&2
  # Keep the evidence when asked: KILL_KEEP=1 leaves the folder (sites, logs) for a look.
  if [ -n "${KILL_KEEP:-}" ]; then trap - EXIT; echo "kill-test: kept $T" >&2; fi
  exit 1
}
same() { diff -r -q "$1" "$2" >"$T/diff.txt" 2>&1; }

# Two states of the corpus: A (the generated reports) and B (A plus a few more reports). Each kill switches
# the corpus to the other state, so every killed build changes the site (an incremental build that writes
# pages, links the rest and swaps), and every third kill also discards the Markdown so that convert runs too;
# of the others, every fourth is of a --clean build (a new site, and a spare tree of it for the next build).
"$BIN" gen-corpus --reports 3 --seed 99 --out "$T/extra" >/dev/null
to_state() { # A or B
  rm -rf "$T/content/reports/extra"
  if [ "$1" = B ]; then cp -r "$T/extra" "$T/content/reports/extra"; fi
}
# Clean builds of both states are the references; their times bound the kill moments.
to_state B; build "$T/ref-B" || fail "the reference build of B failed: $(tail -5 "$T/build.log")"
to_state A
t0=$(now); build "$T/ref-A" || fail "the reference build of A failed: $(tail -5 "$T/build.log")"; t1=$(now)
full=$(echo "$t1 - $t0" | bc)
# The previous site: a build of A into public/ (render only: the Markdown is up to date).
build "$T/public" || fail "the first build failed"
same "$T/public" "$T/ref-A" || fail "two clean builds differ: $(head -3 "$T/diff.txt")"
to_state B
t0=$(now); build "$T/public" || fail "the incremental build of B failed"; t1=$(now)
incremental=$(echo "$t1 - $t0" | bc)
same "$T/public" "$T/ref-B" || fail "the incremental build of B differs from its clean build: $(head -3 "$T/diff.txt")"
echo "kill-test: $REPORTS reports; clean build with convert ${full} s, incremental (3 reports added) ${incremental} s; $KILLS kills, seed $SEED"

# Seeded kill moments: a fraction of the run's expected time.
fractions=$(awk -v s="$SEED" -v n="$KILLS" 'BEGIN { srand(s); for (i = 0; i < n; i++) printf "%.3f\n", rand() * 1.05 }')
i=0; killed=0; finished=0; state=B
for f in $fractions; do
  i=$((i + 1))
  previous=$state
  if [ "$state" = A ]; then state=B; else state=A; fi
  to_state "$state"
  flags=()
  if [ $((i % 3)) -eq 1 ]; then rm -rf "$T/content/markdown"; span=$full; phase="convert+render"
  elif [ $((i % 4)) -eq 0 ]; then flags=(--clean); span=$full; phase="clean"
  else span=$incremental; phase="incremental"; fi
  delay=$(echo "$f * $span" | bc -l)
  "$BIN" build --no-search "${flags[@]}" --content "$T/content" --templates "$ROOT/Templates" --output "$T/public" >"$T/killed.log" 2>&1 &
  pid=$!
  sleep "$delay"
  if kill -9 "$pid" 2>/dev/null; then outcome="killed"; killed=$((killed + 1)); else outcome="had finished"; finished=$((finished + 1)); fi
  wait "$pid" 2>/dev/null || true
  # The site in place is whole: the previous one, or the new one swapped in complete; never a mix.
  [ -d "$T/public" ] || fail "kill $i ($phase at ${delay} s): $T/public is gone"
  if same "$T/public" "$T/ref-$previous"; then seen="previous site ($previous)"
  elif same "$T/public" "$T/ref-$state"; then seen="new site ($state)"
  else fail "kill $i ($phase at ${delay} s): public/ is neither the previous nor the new site: $(head -5 "$T/diff.txt")"; fi
  leftovers=$(ls -a "$T" | grep -E '^public\.(tmp-build|old)$' | tr '\n' ' ' || true)
  # The next build completes and equals a clean build, with no leftovers.
  build "$T/public" || fail "kill $i: the next build failed: $(tail -5 "$T/build.log")"
  same "$T/public" "$T/ref-$state" || fail "kill $i: the next build differs from a clean build: $(head -5 "$T/diff.txt")"
  [ ! -e "$T/public.tmp-build" ] && [ ! -e "$T/public.old" ] || fail "kill $i: the next build left $(ls -a "$T")"
  stale=$(find "$T/content/markdown" -name '.*.tmp-*' | wc -l)
  [ "$stale" -eq 0 ] || fail "kill $i: $stale temporary files left in content/markdown"
  stale=$(find "$T/.fazhi-cache" -maxdepth 1 -name '.*.tmp-*' | wc -l)
  [ "$stale" -eq 0 ] || fail "kill $i: $stale temporary build-cache files left in .fazhi-cache"
  printf 'kill %2d: %-14s at %6.2f s: %-12s public/ = %-20s leftovers [%s] cleared; next build = clean build\n' \
    "$i" "$phase" "$delay" "$outcome" "$seen;" "${leftovers% }"
done
echo "kill-test: $killed killed mid-build, $finished finished before the kill; public/ was a whole site (previous or new) after every one, and every next build matched the clean build"

# Unwritable outputs: a clear error, exit status 1, nothing half-built.
check_unwritable() {
  local out=$1
  if "$BIN" build --no-convert --content "$T/content" --templates "$ROOT/Templates" --output "$out" >"$T/u.log" 2>&1; then
    fail "build into $out succeeded"
  fi
  grep -q -- "$out" "$T/u.log" || fail "the error for $out does not name it: $(cat "$T/u.log")"
  [ ! -e "$out" ] && [ ! -e "$out.tmp-build" ] || fail "$out: a half site was left"
  echo "unwritable $out: exit 1, $(grep -v '^\[' "$T/u.log" | tail -1)"
}
touch "$T/a-file"
check_unwritable /proc/fazhi-kill-test
check_unwritable "$T/a-file/public"
mkdir "$T/ro"; chmod 555 "$T/ro"
if [ "$(id -u)" -ne 0 ]; then check_unwritable "$T/ro/public"; else echo "unwritable $T/ro/public: skipped (root ignores mode 555)"; fi
# A full disk: a small tmpfs (root only) holding the previous site, with no room for a second copy.
if [ "$(id -u)" -eq 0 ] && mkdir -p "$T/full" && mount -t tmpfs -o size=$(( $(du -sk "$T/ref-A" | cut -f1) * 3 / 2 ))k tmpfs "$T/full" 2>/dev/null; then
  cp -a "$T/ref-A" "$T/full/public"
  # --clean: a whole new site must be staged beside the previous one, which the disk has no room for.
  if "$BIN" build --clean --no-convert --content "$T/content" --templates "$ROOT/Templates" --output "$T/full/public" >"$T/u.log" 2>&1; then
    umount "$T/full"; fail "a build onto a full disk succeeded"
  fi
  same "$T/full/public" "$T/ref-A" || { umount "$T/full"; fail "full disk: the previous site changed: $(head -3 "$T/diff.txt")"; }
  [ ! -e "$T/full/public.tmp-build" ] || { umount "$T/full"; fail "full disk: the staging folder was left behind"; }
  echo "full disk ($(df -h "$T/full" | awk 'NR==2 {print $2}') tmpfs): exit 1, previous site unchanged, no leftovers: $(grep -v '^\[' "$T/u.log" | grep -i -m1 'space' || tail -1 "$T/u.log")"
  umount "$T/full"
else
  echo "full disk: skipped (needs root to mount a tmpfs)"
fi
echo "kill-test: PASS"
