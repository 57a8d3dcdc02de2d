#!/usr/bin/env bash
# Start the local PostgreSQL and Redis the tests use when they are installed but not running,
# and install Debian's chromium for the browser tests when it is missing.
# Prints the environment lines the test run should export.
set -u

log() { echo "[services] $*" >&2; }

if command -v pg_isready >/dev/null 2>&1; then
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
      log "starting PostgreSQL"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >&2 || true
      for _ in $(seq 1 20); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.5; done
    fi
  fi
  if pg_isready -h 127.0.0.1 -p 5432 -q; then
    echo "SHOPKEEPER_TEST_POSTGRES_URL=${SHOPKEEPER_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres}"
  else
    log "PostgreSQL not available: PostgreSQL passes will be skipped"
  fi
fi

if command -v redis-cli >/dev/null 2>&1; then
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1; then
    log "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log >&2 || true
    for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.3; done
  fi
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "SHOPKEEPER_TEST_REDIS_URL=${SHOPKEEPER_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
  else
    log "Redis not available: Redis tests will be skipped"
  fi
fi

if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  log "installing Debian's chromium for the browser tests"
  # The package manager's chatter goes to a log; only a failure is worth the test output.
  apt_log=$(mktemp)
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
    >"$apt_log" 2>&1; then
    tail -n 20 "$apt_log" >&2
    log "chromium install failed: browser tests will be skipped"
  fi
  rm -f "$apt_log"
fi
