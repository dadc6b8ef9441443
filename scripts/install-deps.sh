#!/usr/bin/env bash
# Installs the system libraries Fazhi builds against, when missing (Debian/Ubuntu; needs root or sudo).
set -euo pipefail
need=()
for pkg in libcmark-gfm-dev libcmark-gfm-extensions-dev pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
