#!/usr/bin/env bash
# Installs what the browser tests (tests/browser) need, only what is missing:
#   - Debian's chromium at /usr/bin/chromium (apt, ~480 MB; needs root). Playwright's own
#     `playwright install` downloads a browser build from outside the package registries,
#     which cannot be reached here, so the tests launch this one (executable_path).
#   - the Python playwright package comes with the project virtualenv (uv.lock), checked here.
# Idempotent: a second run does nothing and takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="/usr/bin/chromium"
VENV=".venv"

if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "browser_deps: $CHROMIUM is missing and installing it needs root (apt-get install chromium)" >&2
    exit 1
  fi
  echo "browser_deps: installing Debian's chromium (about 480 MB)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

if ! "$VENV/bin/python" -c 'import playwright' 2>/dev/null; then
  echo "browser_deps: playwright is missing from $VENV (it is in uv.lock): run 'make venv'" >&2
  exit 1
fi
