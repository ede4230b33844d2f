#!/usr/bin/env bash
# The README's test command: installs or starts what the tests need, then runs every
# test of the workspace. Extra arguments go to `cargo test` (a filter, `-p CRATE`).
#
# - Browser tests: Debian's Chromium and ChromeDriver, and axe-core from npm (pinned
#   in crates/pronto-server/tests/browser). Installed with apt-get (as root, or
#   through sudo) and npm when missing. PRONTO_SKIP_BROWSER_TESTS=1 skips them and
#   installs neither.
# - PostgreSQL: the storage suite and the PostgreSQL server tests run when
#   PRONTO_TEST_DATABASE_URL is set (CI sets it); a local cluster that is installed
#   but stopped is started. Without the variable those tests say they were skipped.
# - Mail: the email channel's tests run against a local Dovecot + Postfix + SMTP
#   sink (scripts/mailserver.sh, which installs Debian's packages when missing and
#   starts them on 127.0.0.1); its variables (PRONTO_TEST_IMAP...) are exported here.
#   PRONTO_SKIP_MAIL_TESTS=1 skips them and installs nothing.
# - S3: the file store's S3 tests run against moto's S3-compatible server
#   (scripts/s3server.sh, which installs it from PyPI in a virtualenv and starts it
#   on 127.0.0.1); PRONTO_TEST_S3_ENDPOINT is exported here. PRONTO_SKIP_S3_TESTS=1
#   skips them and installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "test.sh: $*"; }

if [ ! -d ../shared/fixtures/responsiveness ]; then
  say "../shared (the spec's conformance cases) must be beside this repository" >&2
  exit 1
fi

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else
    say "installing needs root: run '$*' as root, or set PRONTO_SKIP_BROWSER_TESTS=1" >&2
    exit 1
  fi
}

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ "${PRONTO_SKIP_BROWSER_TESTS:-}" != 1 ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Chromium and ChromeDriver (Debian's packages)"
    apt_install chromium chromium-driver
  fi
  if [ ! -f crates/pronto-server/tests/browser/node_modules/axe-core/axe.min.js ]; then
    command -v npm >/dev/null || { say "installing npm"; apt_install npm; }
    say "installing axe-core"
    npm ci --prefix crates/pronto-server/tests/browser --no-audit --no-fund --loglevel=error
  fi
fi

if [ -n "${PRONTO_TEST_DATABASE_URL:-}" ] && command -v pg_isready >/dev/null; then
  case "$PRONTO_TEST_DATABASE_URL" in
    *@127.0.0.1:5432/* | *@localhost:5432/*)
      if ! pg_isready -q -h 127.0.0.1 -p 5432 && [ -d /etc/postgresql ]; then
        say "PostgreSQL is not answering on 127.0.0.1:5432; starting the local cluster"
        as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
      fi
      ;;
  esac
fi

if [ "${PRONTO_SKIP_MAIL_TESTS:-}" != 1 ]; then
  if [ "$(id -u)" = 0 ]; then
    bash scripts/mailserver.sh start
    eval "$(bash scripts/mailserver.sh env | sed 's/^/export /')"
  else
    say "the mail server needs root: run 'sudo scripts/mailserver.sh start' and export its env lines, or set PRONTO_SKIP_MAIL_TESTS=1" >&2
    exit 1
  fi
fi

if [ "${PRONTO_SKIP_S3_TESTS:-}" != 1 ]; then
  bash scripts/s3server.sh start
  eval "$(bash scripts/s3server.sh env | sed 's/^/export /')"
fi

cargo test --workspace --locked "$@"
