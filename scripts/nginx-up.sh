#!/usr/bin/env bash
# Install Debian's nginx for the two-app-server test when it is missing (the test starts
# its own nginx on a free port with a throw-away configuration; no service is started).
set -u
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's nginx for the two-server test..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null \
    && (service nginx stop >/dev/null 2>&1 || pkill -x nginx || true)) \
    || echo "Could not install nginx; the two-server test will be skipped" >&2
else
  echo "nginx is missing and cannot be installed here; the two-server test will be skipped" >&2
fi
exit 0
