#!/usr/bin/env bash
# Builds the extraction benchmark against the release objects (run `swift build -c release` first) and runs it.
#   Tests/FazhiIndicatorsTests/Bench/bench-extract.sh MARKDOWN_DIR [--repeat R] [--limit N] [--dump FILE]
# MARKDOWN_DIR: the content/markdown/ that `fazhi convert` wrote (e.g. from `fazhi gen-corpus --reports 2000`).
# Set OUT to keep the binary elsewhere (default .build/extract-bench).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
rel="$root/.build/release"
[ -d "$rel" ] || rel=$(ls -d "$root"/.build/*/release | head -1)
out="${OUT:-$root/.build/extract-bench}"
objs=$(ls "$rel"/FazhiIndicators.build/*.o "$rel"/FazhiModel.build/*.o "$rel"/Yams.build/*.o $(find "$rel"/CYaml.build -name "*.o"))
swiftc -O -module-name ExtractBench -I "$rel/Modules" -I "$root/.build/checkouts/Yams/Sources/CYaml/include" \
    "$root/Tests/FazhiIndicatorsTests/Bench/main.swift" $objs -o "$out"
exec "$out" "$root/content/catalog.yaml" "$@"
