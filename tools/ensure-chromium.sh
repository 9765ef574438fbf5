#!/usr/bin/env bash
# Find a Chromium for Playwright, installing Debian's when none is found and we can; on Debian,
# also install the font packages the page generator draws from (rendering depends on them).
# Order: LAYOUTCHECK_CHROMIUM, Playwright's own browser, a system chromium/chrome, apt-get.
set -euo pipefail
PY=${1:-.venv/bin/python}
FONTS="fonts-dejavu-core fonts-liberation fonts-noto-core fonts-freefont-ttf fonts-open-sans fonts-roboto fonts-lato"

SUDO=""
can_apt=0
if command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then can_apt=1
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; can_apt=1
  fi
fi

need=""
if ! "$PY" -m layoutcheck.browser >/dev/null 2>&1; then need="chromium"; fi
if [ "$can_apt" = 1 ]; then
  for pkg in $FONTS; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need="$need $pkg"
  done
fi

if [ -n "${need// /}" ]; then
  if [ "$can_apt" = 1 ]; then
    echo "installing with apt-get:$need" | tr -s ' '
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
  else
    echo "layoutcheck: missing:$need; install them (Debian/Ubuntu: 'sudo apt-get install$need')" >&2
  fi
fi

if "$PY" -m layoutcheck.browser; then exit 0; fi
echo "layoutcheck: no Chromium available; install it ('apt-get install chromium' or 'playwright install chromium') or set LAYOUTCHECK_CHROMIUM" >&2
exit 1
