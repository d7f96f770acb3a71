#!/usr/bin/env bash
# Install the locked dependencies into .venv and build the handbook into site/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
npm ci --silent --no-audit --no-fund --omit=dev
.venv/bin/python -m generator build "$@"
