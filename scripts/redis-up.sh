#!/usr/bin/env bash
# Make sure Redis answers on 127.0.0.1:6379 for the tests of the shared cache and the two
# app servers; start it (installing Debian's redis-server if root may) when it is down.
set -u
ready() { command -v redis-cli >/dev/null 2>&1 && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }
ready && exit 0
if ! command -v redis-server >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's redis-server for the tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) || true
fi
if command -v redis-server >/dev/null 2>&1; then
  mkdir -p /tmp/redis-tests
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /tmp/redis-tests --logfile /tmp/redis-tests/redis.log >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do ready && exit 0; sleep 0.2; done
fi
echo "Redis is not available; the tests that need it will be skipped" >&2
exit 1
