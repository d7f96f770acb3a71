#!/usr/bin/env bash
# Install the locked dependencies into .venv and build the handbook into site/.
set -euo pipefail
cd "$(dirname "$0")/.."
# The PDF is printed by headless Chromium with Japanese fonts; as root, install them if missing
# (without Chromium the build fails with a clear message; add --no-package to skip the PDF and offline copy).
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
  if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
npm ci --silent --no-audit --no-fund --omit=dev
.venv/bin/python -m generator build "$@"
