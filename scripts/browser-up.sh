#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing.
set -u
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "Could not install chromium; the browser tests will be skipped" >&2
else
  echo "chromium is missing and cannot be installed here; the browser tests will be skipped" >&2
fi
exit 0
