#!/usr/bin/env bash
# The browser tests (tests/browser/) drive Debian's Chromium through Playwright for Python
# (installed by uv from the dev group); Playwright's own browser download is never used.
# chromium-l10n carries Chromium's French interface, which draws date fields as jour/mois/année.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -e /usr/lib/chromium/locales/fr.pak ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Debian's chromium and chromium-l10n are needed by tests/browser/: run" \
    "'sudo apt-get install -y chromium chromium-l10n'" >&2
  exit 1
fi
apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-l10n
