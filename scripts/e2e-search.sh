#!/usr/bin/env bash
# End-to-end check of search: headless Chromium against `fazhi serve`.
#
#   scripts/e2e-search.sh [--keep]
#
# Copies the bundled corpus (content/reports, catalog.yaml, config.yaml) into a temporary folder, starts
# `fazhi serve` on a free loopback port (which converts, renders and indexes it with Pagefind), checks the
# content types of the search bundle, then drives Chromium over the DevTools protocol (a small client on the
# Python standard library) on /search/:
#   - 首违不罚 (four characters) finds exactly the reports that have it: 天门市 2024 and 武冈市 2023;
#   - 调解 (two characters, inside words and sentences) finds every report that has it in its text;
#   - the year filter 2023 narrows 首违不罚 to 武冈市 2023; filter groups and messages are in Chinese;
#   - a word in no report says 没有找到结果; the header's search box (a GET form) lands on the results;
#   - with JavaScript off the page says search needs JavaScript;
#   - a report added while serving is indexed alone in its year's additions bundle (pagefind/2024-added), and
#     searches find it beside the others, with the year filter.
# Then the same once more with --base-url /fazhi/ (the site and the server under a subpath).
# Installs what is missing: chromium and fonts-wqy-microhei (apt), pagefind[extended]==1.5.2 (pip).
# Prints "N passed, N failed" and exits non-zero on any failure; stops what it started.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
KEEP=0
[ "${1:-}" = "--keep" ] && KEEP=1

PASS=0; FAIL=0
pass() { PASS=$((PASS + 1)); echo "PASS: $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fazhi-e2e-search.XXXXXX")
SERVER_PID=""; CHROME_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then kill -INT "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""; fi
}
stop_chrome() {
  if [ -n "$CHROME_PID" ]; then kill "$CHROME_PID" 2>/dev/null; wait "$CHROME_PID" 2>/dev/null; CHROME_PID=""; fi
}
cleanup() {
  stop_server; stop_chrome
  if [ "$KEEP" = 1 ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; exit $?; }

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then $SUDO apt-get update -qq >/dev/null 2>&1; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null 2>&1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# --- tools -------------------------------------------------------------------------
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then echo "installing chromium…"; apt_install chromium; CHROME=$(command -v chromium || true); fi
[ -n "$CHROME" ] || { fail "chromium could not be installed"; finish; }
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then echo "installing fonts-wqy-microhei…"; apt_install fonts-wqy-microhei; fi
if ! python3 -c 'import pagefind_bin_extended' >/dev/null 2>&1; then
  echo "installing pagefind[extended]==1.5.2…"; python3 -m pip install -q 'pagefind[extended]==1.5.2' >/dev/null 2>&1
fi
if python3 -m pagefind --version 2>/dev/null | grep -q '1\.5\.2' && python3 -c 'import pagefind_bin_extended' >/dev/null 2>&1; then
  pass "pagefind[extended] 1.5.2 is installed"
else
  fail "pagefind[extended]==1.5.2 is not installed and could not be"; finish
fi

echo "== fazhi: ${FAZHI:-building (debug)}"
if [ -n "${FAZHI:-}" ]; then
  # An already built binary (e.g. FAZHI=.build/release/fazhi, as make test sets it): no build of our own.
  case "$FAZHI" in /*) ;; *) FAZHI="$ROOT/$FAZHI" ;; esac
  [ -x "$FAZHI" ] || { fail "FAZHI=$FAZHI is not an executable"; finish; }
else
  if ! swift build --product fazhi >"$WORK/swift-build.log" 2>&1; then
    tail -30 "$WORK/swift-build.log"; fail "swift build"; finish
  fi
  FAZHI="$ROOT/.build/debug/fazhi"
fi

# --- the DevTools client --------------------------------------------------------------
cat >"$WORK/cdp.py" <<'PY'
"""Drives headless Chromium over the DevTools protocol (standard library only) through the search page."""
import base64, json, os, socket, struct, sys, time, urllib.parse, urllib.request

cdp_port, site, base = sys.argv[1], sys.argv[2].rstrip("/"), sys.argv[3]
passed = failed = 0

def check(ok, what):
    global passed, failed
    if ok: passed += 1; print("PASS: " + what)
    else: failed += 1; print("FAIL: " + what)
    sys.stdout.flush()

class WebSocket:
    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(4096)
            if not chunk: raise IOError("websocket handshake: connection closed")
            buf += chunk
        head, self.rest = buf.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]: raise IOError("websocket handshake: " + head.decode(errors="replace"))

    def _exact(self, n):
        while len(self.rest) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk: raise IOError("websocket closed")
            self.rest += chunk
        out, self.rest = self.rest[:n], self.rest[n:]
        return out

    def _frame(self, opcode, data):
        head = bytearray([0x80 | opcode]); n = len(data)
        if n < 126: head.append(0x80 | n)
        elif n < 65536: head.append(0x80 | 126); head += struct.pack(">H", n)
        else: head.append(0x80 | 127); head += struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(bytes(head) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def send(self, text): self._frame(0x1, text.encode())

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._exact(2)
            op, n = b0 & 0x0F, b1 & 0x7F
            if n == 126: n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127: n = struct.unpack(">Q", self._exact(8))[0]
            mask = self._exact(4) if b1 & 0x80 else None
            payload = self._exact(n)
            if mask: payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if op == 0x9: self._frame(0xA, payload); continue
            if op == 0x8: raise IOError("websocket closed by Chromium")
            if op == 0xA: continue
            message += payload
            if b0 & 0x80: return message.decode()

class Tab:
    def __init__(self, ws): self.ws, self.n = ws, 0
    def call(self, method, **params):
        self.n += 1; me = self.n
        self.ws.send(json.dumps({"id": me, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == me:
                if "error" in msg: raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r: raise RuntimeError(json.dumps(r["exceptionDetails"], ensure_ascii=False)[:500])
        return r["result"].get("value")
    def go(self, url):
        self.call("Page.navigate", url=url)
        for _ in range(200):
            if self.eval("document.readyState") == "complete" and self.eval("location.href") == url: return
            time.sleep(0.05)

targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{cdp_port}/json/list"))
page = next(t for t in targets if t.get("type") == "page")
tab = Tab(WebSocket(page["webSocketDebuggerUrl"]))
tab.call("Page.enable"); tab.call("Runtime.enable")

# A result's own title link (sub-results, one per matching section, are nested inside it).
STATE = """(() => {
  const MAIN = '.pagefind-ui__result-inner > .pagefind-ui__result-title .pagefind-ui__result-link';
  const q = s => document.querySelector(s);
  const msg = q('.pagefind-ui__message');
  return JSON.stringify({
    message: msg ? msg.textContent.trim() : '',
    titles: [...document.querySelectorAll(MAIN)].map(a => a.textContent.trim()),
    hrefs: [...document.querySelectorAll(MAIN)].map(a => a.getAttribute('href')),
    results: document.querySelectorAll('.pagefind-ui__result').length,
    groups: [...document.querySelectorAll('.pagefind-ui__filter-name')].map(e => e.textContent.trim()),
    placeholder: (q('.pagefind-ui__search-input') || {}).placeholder || '',
    value: (q('.pagefind-ui__search-input') || {}).value || '',
    off: !!(q('#search-off') && !q('#search-off').hidden),
  });
})()"""

def settled(timeout=30, changed_from=None):
    """The UI's state once a search has finished and every result has its title, stable for a moment
    (and, with changed_from, once its results differ from that earlier state's)."""
    last, same, deadline = None, 0, time.time() + timeout
    while time.time() < deadline:
        s = json.loads(tab.eval(STATE))
        done = s["message"] and "正在搜索" not in s["message"] and len(s["titles"]) == s["results"]
        if changed_from is not None and s["titles"] == changed_from["titles"]: done = False
        if done and s == last:
            same += 1
            if same >= 3: return s
        else:
            same = 0
        last = s
        time.sleep(0.25)
    return last

def wait_js(expr, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = tab.eval(expr)
        if v: return v
        time.sleep(0.2)
    return None

def click_filter(id):
    """Clicks a filter checkbox once the filters have loaded (they arrive after the first results)."""
    return bool(wait_js(f"(() => {{ const c = document.getElementById('{id}'); if (!c) return false; c.click(); return true; }})()"))

def search_url(term): return f"{site}{base}search/?q={urllib.parse.quote(term)}"

def places(s, expected):
    """True when the results are exactly one report per (place, year) in expected, by title."""
    if len(s["titles"]) != len(expected): return False
    return all(sum(1 for t in s["titles"] if p in t and y in t) == 1 for p, y in expected)

def links_ok(s):
    for h in s["hrefs"]:
        if not h.startswith(base + "reports/"): return False
        try:
            if urllib.request.urlopen(site + h.split("#")[0], timeout=10).status != 200: return False
        except Exception:
            return False
    return True

label = f"[base {base}] "

# After a report was added while serving (`added WORD`): the rebuild indexed it alone, in its year's additions
# bundle, which the search page merges with the others.
if len(sys.argv) > 5 and sys.argv[4] == "added":
    word = sys.argv[5]
    tab.go(search_url(word))
    s = settled()
    check(s and len(s["titles"]) == 1 and "潞州区" in s["titles"][0] and links_ok(s),
          label + f"{word}, in the added report only, finds it: {s and s['titles']}")
    tab.go(search_url("首违不罚"))
    s = settled()
    check(s and places(s, [("天门市", "2024"), ("武冈市", "2023")]), label + f"首违不罚 still finds 天门市 2024 and 武冈市 2023 only: {s and s['titles']}")
    tab.go(search_url("调解"))
    s = settled()
    check(s and "找到 6 份报告" in s["message"], label + f"调解 finds the five reports and the added one: {s and s['message']}")
    clicked = click_filter("year-2024")
    s2 = settled(changed_from=s)
    check(clicked and s2 and "找到 4 份报告" in s2["message"] and any("潞州区" in t for t in s2["titles"]),
          label + f"year filter 2024 has the added one too: {s2 and s2['message']} {s2 and s2['titles']}")
    print(f"cdp: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

# Four characters: 首违不罚.
tab.go(search_url("首违不罚"))
s = settled()
want = [("天门市", "2024"), ("武冈市", "2023")]
check(s and places(s, want), label + f"首违不罚 finds 天门市 2024 and 武冈市 2023 only: {s and s['titles']}")
check(s and links_ok(s), label + f"result links are under {base}reports/ and are served: {s and s['hrefs']}")
check(s and s["value"] == "首违不罚", label + "?q= fills the search box")
check(s and s["placeholder"] == "输入词语，如 首违不罚", label + f"Chinese placeholder: {s and s['placeholder']}")
wait_js("document.querySelectorAll('.pagefind-ui__filter-name').length >= 4")
s = settled()
check(s and "找到" in s["message"], label + f"Chinese result message: {s and s['message']}")
check(s and {"省份", "地区", "年度", "主题"} <= set(s["groups"]), label + f"filter groups in Chinese: {s and s['groups']}")

# The year filter: 2023 narrows 首违不罚 to 武冈市.
clicked = click_filter("year-2023")
s2 = settled(changed_from=s)
check(clicked and s2 and places(s2, [("武冈市", "2023")]), label + f"year filter 2023 narrows to 武冈市 2023: {s2 and s2['titles']}")

# Two characters: 调解, in every report's text.
tab.go(search_url("调解"))
s = settled()
want = [("滨海新区", "2024"), ("上党区", "2024"), ("茅箭区", "2022"), ("天门市", "2024"), ("武冈市", "2023")]
check(s and places(s, want), label + f"调解 finds all five reports: {s and s['titles']}")
clicked = click_filter("year-2024")
s2 = settled(changed_from=s)
check(clicked and s2 and places(s2, [("滨海新区", "2024"), ("上党区", "2024"), ("天门市", "2024")]),
      label + f"year filter 2024 narrows 调解 to the three 2024 reports: {s2 and s2['titles']}")

# A word in no report: none of the pages that only share some of its characters (量 in 质量).
tab.go(search_url("量子纠缠"))
s = settled()
check(s and s["results"] == 0 and "没有找到结果" in s["message"], label + f"量子纠缠 finds nothing and says 没有找到结果: {s and s['message']}")

# Navigation and tables are not indexed: 待核查 is in the header nav of every page (and in no report's text),
# 行政区划代码 in each report's metadata table.
for word in ["待核查", "行政区划代码"]:
    tab.go(search_url(word))
    s = settled()
    check(s and s["results"] == 0, label + f"{word} (navigation / metadata table only) is not indexed: {s and s['titles']}")

# The header's search box: a plain GET form to the search page.
tab.go(f"{site}{base}")
tab.eval("(() => { document.getElementById('site-q').value = '首违不罚'; document.querySelector('form.site-search').submit(); })()")
time.sleep(1)
href = tab.eval("location.href")
s = settled()
landed = urllib.parse.urlparse(href or "")
check(landed.path == base + "search/" and urllib.parse.parse_qs(landed.query).get("q") == ["首违不罚"],
      label + f"header search box goes to {base}search/?q=首违不罚: {href}")
check(s and places(s, [("天门市", "2024"), ("武冈市", "2023")]), label + f"and shows the results: {s and s['titles']}")

# JavaScript off: the page says search needs it.
tab.call("Emulation.setScriptExecutionDisabled", value=True)
tab.go(search_url("调解"))
text = tab.eval("document.body.innerText")
tab.call("Emulation.setScriptExecutionDisabled", value=False)
check("搜索需要 JavaScript" in (text or ""), label + "with JavaScript off the page says search needs JavaScript")

print(f"cdp: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY

# --- Chromium ------------------------------------------------------------------------
CDP_PORT=$(free_port)
"$CHROME" --headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
  --remote-debugging-address=127.0.0.1 --remote-debugging-port="$CDP_PORT" --user-data-dir="$WORK/chrome" \
  about:blank >"$WORK/chrome.log" 2>&1 &
CHROME_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$CDP_PORT/json/version" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$CDP_PORT/json/version" >/dev/null || { tail -20 "$WORK/chrome.log"; fail "chromium did not start"; finish; }

# --- one run: serve the bundled corpus under BASE and search it -------------------------------
run_case() { # $1 = base URL path (/ or /fazhi/)
  local base=$1 name
  name=$(echo "$base" | tr -c 'a-z0-9' '_')
  local proj="$WORK/site$name"
  mkdir -p "$proj/content"
  cp -r "$ROOT/content/reports" "$proj/content/"
  cp "$ROOT/content/catalog.yaml" "$ROOT/content/config.yaml" "$proj/content/"
  local port; port=$(free_port)
  echo "== fazhi serve --base-url $base (port $port)"
  "$FAZHI" serve --content "$proj/content" --templates "$ROOT/Templates" --output "$proj/public" \
    --port "$port" --base-url "$base" >"$proj/serve.out" 2>"$proj/serve.err" &
  SERVER_PID=$!
  local url=""
  for _ in $(seq 1 1200); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$proj/serve.out" 2>/dev/null | head -1)
    [ -n "$url" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$url" ]; then cat "$proj/serve.err"; fail "[base $base] fazhi serve did not start"; stop_server; return; fi
  pass "[base $base] fazhi serve at $url$base ($(grep -m1 'rebuilt' "$proj/serve.err"))"
  # One Pagefind bundle per report year, listed newest first in pagefind/shards.json.
  local shards first
  shards=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["shards"]))' "$proj/public/pagefind/shards.json" 2>/dev/null || true)
  first=${shards%% *}
  if [ "$shards" = "2024 2023 2022" ] && [ -f "$proj/public/pagefind/$first/pagefind-ui.js" ] && [ -f "$proj/public/pagefind/$first/pagefind-entry.json" ]; then
    pass "[base $base] the served site has a Pagefind index per year ($shards; $(find "$proj/public/pagefind" -type f | wc -l) files)"
  else
    fail "[base $base] no year indexes in pagefind/ of the served site (shards: '$shards')"; cat "$proj/serve.err"
  fi

  # Content types of the list and of the first year's bundle as served.
  local f rel want got
  for f in shards.json "$first/pagefind-ui.js" "$first/pagefind-ui.css" "$first/pagefind-entry.json" "$first/pagefind.js" \
           "$first/$(cd "$proj/public/pagefind/$first" && ls wasm.*.pagefind | head -1)" \
           "$first/$(cd "$proj/public/pagefind/$first" && ls *.pf_meta | head -1)" \
           "$first/index/$(ls "$proj/public/pagefind/$first/index" | head -1)" \
           "$first/fragment/$(ls "$proj/public/pagefind/$first/fragment" | head -1)" \
           "$first/filter/$(ls "$proj/public/pagefind/$first/filter" | head -1)"; do
    case "$f" in
      *.js) want="text/javascript" ;; *.css) want="text/css" ;; *.json) want="application/json" ;;
      *) want="application/octet-stream" ;;
    esac
    got=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$url${base}pagefind/$f")
    if [[ "$got" == "200 $want"* ]]; then pass "[base $base] pagefind/$f is served as $want"
    else fail "[base $base] pagefind/$f: got '$got', want '200 $want'"; fi
  done

  # What the index holds for each report: its text only (no header, navigation, metadata table), its title,
  # and its province, locality, year and theme filters. Pagefind's fragments are gzipped JSON.
  if python3 - "$proj/public" >"$proj/fragments.log" 2>&1 <<'PY'
import glob, gzip, json, os, re, sys
site = sys.argv[1]
reports = sorted(glob.glob(site + "/reports/*.html"))
frags = {}
for f in glob.glob(site + "/pagefind/*/fragment/*.pf_fragment"):
    data = gzip.decompress(open(f, "rb").read())
    j = json.loads(data[data.index(b"{"):])
    frags[j["url"]] = j
bad = []
for r in reports:
    rid = os.path.basename(r)[:-len(".html")]
    j = frags.get(f"/reports/{rid}.html")
    if not j: bad.append(f"{rid}: not in the index"); continue
    html = open(r, encoding="utf-8").read()
    title = re.search(r'<h1 data-pagefind-meta="title">(.*?)</h1>', html).group(1)
    if j["meta"].get("title") != title: bad.append(f"{rid}: title {j['meta'].get('title')!r} != {title!r}")
    for k in ["province", "locality", "year", "theme"]:
        if not j["filters"].get(k): bad.append(f"{rid}: no {k} filter")
    text = j["content"].replace("\u200b", "")
    for word in ["跳到正文", "数据下载", "待核查", "基本信息", "行政区划代码", "报告全文", "相关页面", "文中的数字"]:
        if word in text: bad.append(f"{rid}: the index has {word!r} (not report text)")
if len(frags) != len(reports): bad.append(f"{len(frags)} pages indexed, {len(reports)} report pages")
print("\n".join(bad) or f"{len(reports)} report pages indexed with title and filters, without navigation or tables")
sys.exit(1 if bad else 0)
PY
  then pass "[base $base] index: $(tail -1 "$proj/fragments.log")"
  else cat "$proj/fragments.log"; fail "[base $base] index contents"; fi

  python3 "$WORK/cdp.py" "$CDP_PORT" "$url" "$base" >"$proj/cdp.log" 2>&1
  cat "$proj/cdp.log" | grep -E '^(PASS|FAIL)'
  PASS=$((PASS + $(grep -c '^PASS' "$proj/cdp.log")))
  FAIL=$((FAIL + $(grep -c '^FAIL' "$proj/cdp.log")))
  if ! grep -q '^cdp: ' "$proj/cdp.log"; then tail -20 "$proj/cdp.log"; fail "[base $base] the Chromium driver did not finish"; fi

  # A report added while serving, of a locality the site does not have (上党区 2024's text, made 潞州区's, with
  # one more sentence): the incremental rebuild indexes it alone, in the bundle 2024-added listed after 2024,
  # and a search finds it beside the others.
  # (晨曦, a word of no other report, is searched alone: 晨曦普法驿站 as a phrase was not found, as Pagefind's
  # segmenter in the browser cuts a run of characters it does not know otherwise than its indexer.)
  local word="晨曦" rebuilt
  rebuilt=$(grep -c 'rebuilt' "$proj/serve.err")
  sed -e 's/上党/潞州/g' -e "s/^1\.推进重大事项依法决策。/1.推进重大事项依法决策。全区新建${word}普法驿站十二个。/" \
    "$ROOT/content/reports/山西省长治市上党区-2024-法治政府建设情况的报告.txt" >"$proj/content/reports/潞州区-2024.txt"
  for _ in $(seq 1 600); do
    [ "$(grep -c 'rebuilt' "$proj/serve.err")" -gt "$rebuilt" ] && break
    sleep 0.1
  done
  shards=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["shards"]))' "$proj/public/pagefind/shards.json" 2>/dev/null || true)
  if [ "$shards" = "2024 2024-added 2023 2022" ] && grep -q "pages added to 1 of 3 years" "$proj/serve.err"; then
    pass "[base $base] the added report is indexed alone, in pagefind/2024-added ($(grep 'search:' "$proj/serve.err" | tail -1 | sed 's/^ *//'))"
  else
    fail "[base $base] after adding a report: shards '$shards'"; tail -5 "$proj/serve.err"
  fi
  python3 "$WORK/cdp.py" "$CDP_PORT" "$url" "$base" added "$word" >"$proj/cdp-added.log" 2>&1
  grep -E '^(PASS|FAIL)' "$proj/cdp-added.log"
  PASS=$((PASS + $(grep -c '^PASS' "$proj/cdp-added.log")))
  FAIL=$((FAIL + $(grep -c '^FAIL' "$proj/cdp-added.log")))
  if ! grep -q '^cdp: ' "$proj/cdp-added.log"; then tail -20 "$proj/cdp-added.log"; fail "[base $base] the Chromium driver did not finish (added report)"; fi
  stop_server
}

run_case /
run_case /fazhi/
finish
