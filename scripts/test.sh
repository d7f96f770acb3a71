#!/usr/bin/env bash
# Install everything the tests need (Debian Chromium, Japanese fonts, Java, Python and npm
# packages), then run linters and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export PUPPETEER_SKIP_DOWNLOAD=true CHROMEDRIVER_SKIP_DOWNLOAD=true PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-test.lock
if [ -f package-lock.json ]; then npm ci --silent --no-audit --no-fund; fi
.venv/bin/ruff check generator tests benchmarks
.venv/bin/mypy
# Two worker processes (pytest-xdist): one process takes longer than the 10 minutes CI allows the suite. Each file's
# tests run on one worker (--dist loadfile in pyproject.toml), so what a file builds for its module is built once.
.venv/bin/python -m pytest -n 2 "$@"
