#!/usr/bin/env bash
# Installs the system libraries Fazhi builds against, when missing (Debian/Ubuntu; needs root or sudo).
set -euo pipefail
need=()
for pkg in libcmark-gfm-dev libcmark-gfm-extensions-dev libmimalloc-dev pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Search (optional): Pagefind's extended build, which segments Chinese (the plain build does not). Best effort:
# without it (PyPI unreachable, no pip) the site is built without a search index and `fazhi build` says so.
PAGEFIND_VERSION=1.5.2
if command -v python3 >/dev/null 2>&1; then
  if ! { python3 -m pagefind --version 2>/dev/null | grep -qF "$PAGEFIND_VERSION" \
         && python3 -c 'import pagefind_bin_extended' >/dev/null 2>&1; }; then
    echo "installing pagefind[extended]==$PAGEFIND_VERSION (pip)"
    python3 -m pip install -q "pagefind[extended]==$PAGEFIND_VERSION" >/dev/null 2>&1 \
      || echo "warning: could not install pagefind[extended]==$PAGEFIND_VERSION; the site will be built without search" >&2
  fi
else
  echo "warning: no python3; the site will be built without search (needs: pip install 'pagefind[extended]==$PAGEFIND_VERSION')" >&2
fi
