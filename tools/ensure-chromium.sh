#!/usr/bin/env bash
# Find a Chromium for Playwright, installing Debian's when none is found and we can.
# Order: LAYOUTCHECK_CHROMIUM, Playwright's own browser, a system chromium/chrome, apt-get.
set -euo pipefail
PY=${1:-.venv/bin/python}
if "$PY" -m layoutcheck.browser >/dev/null 2>&1; then
  echo "chromium: $("$PY" -m layoutcheck.browser)"
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
      echo "layoutcheck: no Chromium found and not root; run 'sudo apt-get install chromium' or 'playwright install chromium'" >&2
      exit 1
    fi
  fi
  echo "chromium: none found, installing Debian's chromium (apt-get)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-liberation fonts-dejavu-core >/dev/null
fi
if "$PY" -m layoutcheck.browser; then exit 0; fi
echo "layoutcheck: no Chromium available; install it ('apt-get install chromium' or 'playwright install chromium') or set LAYOUTCHECK_CHROMIUM" >&2
exit 1
