#!/usr/bin/env bash
# The browser tests (email at 390/720 px, the dashboard page) drive Debian's Chromium through playwright-core:
# Playwright's own browser download cannot work on a closed network. Install Chromium once when it is missing.
set -euo pipefail
CHROMIUM="${PULSE_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
echo "ensure-chromium: $CHROMIUM not found; installing Debian's chromium for the browser tests" >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
test -x "$CHROMIUM" || { echo "ensure-chromium: install failed; set PULSE_CHROMIUM to a Chromium binary" >&2; exit 1; }
