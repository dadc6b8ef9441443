#!/usr/bin/env bash
# Benchmark: fazhi build against Hugo on synthetic corpora. Not part of the test run.
#   bash bench/run.sh                 # N = 1000 5000 20000
#   BENCH_SIZES="1000" bash bench/run.sh
# Prints, per N: pages written, wall time, pages/s, peak RSS for fazhi (cold, no change, one report added, all
# with --no-search; then render + Pagefind search index, and no change with the index kept),
# Hugo on the same Markdown, the ratios Fazhi/Hugo, and a plain copy of the output tree as the floor.
# The trees stay in BENCH_DIR (default /tmp/fazhi-bench, about 11 GB for the three sizes) until the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${BENCH_SIZES:-"1000 5000 20000"}
WORK=${BENCH_DIR:-/tmp/fazhi-bench}
SEED=${BENCH_SEED:-2026}

bash scripts/install-deps.sh
if ! command -v hugo >/dev/null; then
  echo "installing hugo (Debian)"; apt-get install -y -qq hugo >/dev/null || { apt-get update -qq && apt-get install -y -qq hugo >/dev/null; }
fi
swift build -c release >/dev/null
BIN=$(pwd)/.build/release/fazhi
mkdir -p "$WORK"

# measure LABEL CMD…: runs CMD, records wall seconds and peak RSS (KiB) into WALL and RSS. Every run starts with
# nothing left to write to disk (`sync`): otherwise a run pays for writing out what the run before it wrote (a
# cold fazhi build writes about 2.4 GB at 20,000 reports, Hugo 0.2 GB), and the order of the runs decides part
# of the result.
measure() {
  local label=$1; shift
  sync
  if ! /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >"$WORK/$label.log" 2>&1; then
    echo "FAILED: $label (see $WORK/$label.log)"; tail -5 "$WORK/$label.log"; exit 1
  fi
  read -r WALL RSS <"$WORK/time.txt"
}
count_pages() { find "$1" -name '*.html' | wc -l | tr -d ' '; }
rate() { awk -v p="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", p / t; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

hugo_site() { # $1 = site dir, $2 = markdown dir
  local site=$1
  rm -rf "$site"; mkdir -p "$site/content" "$site/layouts/_default"
  cp -r "$2" "$site/content/reports"
  cat >"$site/hugo.toml" <<'TOML'
baseURL = "/"
languageCode = "zh-CN"
title = "bench"
disableKinds = ["RSS"]
[taxonomies]
  locality = "locality"
  year = "year"
  theme = "themes"
[markup.goldmark.renderer]
  unsafe = false
TOML
  cat >"$site/layouts/_default/baseof.html" <<'HTML'
<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>
HTML
  cat >"$site/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Params.locality }} {{ .Params.year }}</p>{{ .Content }}{{ end }}
HTML
  cat >"$site/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
HTML
}

# Creating files is most of a cold build's system time, and on ext4 it is slower for a few minutes after many
# files were deleted (the allocator passes over recently freed inodes; measured here: 20,000 new files took
# 0.8 s in a fresh spot and 3.8–8.9 s after a large delete). So nothing is deleted between the measured cold
# builds: fazhi and Hugo each build twice, alternating, into new folders, and the faster run of each counts.
# Nor are the previous run's trees deleted before the measurements: they are moved aside and deleted at the end.
# The previous run's trees are moved aside now and deleted only after the measurements (see above).
TRASH="$WORK/.old-$$"
mkdir -p "$TRASH"
for old in "$WORK"/n*; do [ -e "$old" ] && mv "$old" "$TRASH/"; done
trap 'rm -rf "$WORK"/.old-*' EXIT  # (and any a killed run left)
ROWS=()
for N in $SIZES; do
  dir=$WORK/n$N
  mkdir -p "$dir/reports"
  "$BIN" gen-corpus --reports "$N" --seed "$SEED" --out "$dir/reports" >/dev/null
  for run in a b; do
    mkdir -p "$dir/$run/content"
    cp -r "$dir/reports" "$dir/$run/content/reports"
    cp content/catalog.yaml "$dir/$run/content/"; [ -f content/config.yaml ] && cp content/config.yaml "$dir/$run/content/"
  done
  cold=""; hugo_wall=""
  for run in a b; do
    measure "fazhi-cold-$N-$run" "$BIN" build --content "$dir/$run/content" --templates Templates --output "$dir/$run/public" --no-search
    if [ -z "$cold" ] || [ "$(best "$WALL" "$cold")" = "$WALL" ]; then cold=$WALL; cold_rss=$RSS; fi
    hugo_site "$dir/$run/hugo" "$dir/$run/content/markdown"
    measure "hugo-$N-$run" hugo --quiet -s "$dir/$run/hugo" -d "$dir/$run/hugo-public"
    if [ -z "$hugo_wall" ] || [ "$(best "$WALL" "$hugo_wall")" = "$WALL" ]; then hugo_wall=$WALL; hugo_rss=$RSS; fi
  done
  hpages=$(count_pages "$dir/a/hugo-public")
  # The incremental runs continue in the first project.
  proj=$dir/a
  args=(build --content "$proj/content" --templates Templates --output "$proj/public" --no-search)
  pages=$(count_pages "$proj/public")
  measure "fazhi-nochange-$N" "$BIN" "${args[@]}"; nochange=$WALL
  "$BIN" gen-corpus --reports 1 --seed $((SEED + 1)) --out "$dir/extra" >/dev/null
  extra=$(find "$dir/extra" -type f | head -1); cp "$extra" "$proj/content/reports/added-$(basename "$extra")"
  measure "fazhi-addone-$N" "$BIN" "${args[@]}"; addone=$WALL

  # Search: the same site indexed with Pagefind (cold index), then again with no page changed (index kept).
  sargs=(build --no-convert --content "$proj/content" --templates Templates --output "$proj/public")
  measure "fazhi-search-$N" "$BIN" "${sargs[@]}"; search_cold=$WALL
  search_line=$(grep -m1 '^search' "$WORK/fazhi-search-$N.log" || echo "search: ?")
  measure "fazhi-search-nochange-$N" "$BIN" "${sargs[@]}"; search_same=$WALL
  search_same_line=$(grep -m1 '^search' "$WORK/fazhi-search-nochange-$N.log" || echo "search: ?")

  measure "copy-$N" cp -r "$proj/public" "$dir/copy"; copy=$WALL

  ROWS+=("$N|fazhi cold (convert+render), faster of 2|$pages|$cold|$(rate "$pages" "$cold")|$(mib "$cold_rss")")
  ROWS+=("$N|fazhi no change|$pages|$nochange|$(rate "$pages" "$nochange")|")
  ROWS+=("$N|fazhi one report added|$pages|$addone||")
  ROWS+=("$N|fazhi render + search index — $search_line|$pages|$search_cold||")
  ROWS+=("$N|fazhi no change with search — $search_same_line|$pages|$search_same||")
  ROWS+=("$N|hugo (same Markdown), faster of 2|$hpages|$hugo_wall|$(rate "$hpages" "$hugo_wall")|$(mib "$hugo_rss")")
  ROWS+=("$N|cp -r public (floor)|$pages|$copy||")
  ROWS+=("$N|ratio fazhi/hugo|time $(ratio "$cold" "$hugo_wall")||memory $(ratio "$cold_rss" "$hugo_rss")||")
done

printf '\n| reports | run | pages | wall s | pages/s | peak RSS MiB |\n|---|---|---|---|---|---|\n'
for r in "${ROWS[@]}"; do IFS='|' read -r a b c d e f <<<"$r"; printf '| %s | %s | %s | %s | %s | %s |\n' "$a" "$b" "$c" "$d" "$e" "$f"; done
echo; echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; hugo $(hugo version | awk '{print $2}')"
