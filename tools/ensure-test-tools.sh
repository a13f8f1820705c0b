#!/usr/bin/env bash
# What the tests render with, installed once from Debian's packages when missing (npm test runs this first):
#   chromium                 the browser tests (email at 390/720 px, the dashboard page) drive it through
#                            playwright-core, since Playwright's own browser download cannot work on a closed network;
#   libreoffice-impress      the deck tests convert the .pptx to PDF as a reader's LibreOffice lays it out
#                            (tools/preview.ts deckToPdf);
#   poppler-utils            and read the PDF back with pdftotext (test/support/rendered-deck.ts).
set -euo pipefail
CHROMIUM="${PULSE_CHROMIUM:-/usr/bin/chromium}"
# LibreOffice counts when it starts: a removed libreoffice-core leaves libreoffice-common's soffice script behind.
office_runs() { timeout 60 soffice --version >/dev/null 2>&1; }
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
office_runs || missing+=(libreoffice-impress)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi
echo "ensure-test-tools: installing Debian's ${missing[*]} for the browser and deck tests" >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
test -x "$CHROMIUM" || { echo "ensure-test-tools: chromium install failed; set PULSE_CHROMIUM to a Chromium binary" >&2; exit 1; }
office_runs || { echo "ensure-test-tools: libreoffice-impress install failed (the deck tests need soffice)" >&2; exit 1; }
command -v pdftotext >/dev/null 2>&1 || { echo "ensure-test-tools: poppler-utils install failed (pdftotext)" >&2; exit 1; }
