#!/usr/bin/env bash
# An S3-compatible server on 127.0.0.1:9477 for the file store's tests: moto's
# server (PyPI, pinned below), in a virtualenv of its own. It keeps objects in
# memory and accepts any credentials, so the tests create their buckets.
#
#   scripts/s3server.sh start   # idempotent: already running is fine
#   scripts/s3server.sh stop
#   scripts/s3server.sh env     # the variables the tests read
#
# State lives in $PRONTO_S3_DIR (default /tmp/pronto-s3).
set -euo pipefail

DIR="${PRONTO_S3_DIR:-/tmp/pronto-s3}"
PORT=9477
MOTO="moto[server]==5.2.6"
say() { echo "s3server.sh: $*"; }

env_lines() {
  echo "PRONTO_TEST_S3_ENDPOINT=http://127.0.0.1:$PORT"
}

running() {
  python3 - "$PORT" <<'PY' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
s.close()
PY
}

start() {
  if running; then return; fi
  mkdir -p "$DIR"
  if [ ! -x "$DIR/venv/bin/moto_server" ]; then
    say "installing $MOTO (PyPI) in $DIR/venv"
    if ! python3 -m venv "$DIR/venv" 2>/dev/null; then
      # Debian's own python3 keeps venv in a package of its own.
      if [ "$(id -u)" = 0 ]; then
        say "installing python3-venv (Debian's package)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        rm -rf "$DIR/venv"
        python3 -m venv "$DIR/venv"
      else
        say "python3 -m venv failed: install python3-venv, or set PRONTO_SKIP_S3_TESTS=1" >&2
        exit 1
      fi
    fi
    "$DIR/venv/bin/pip" install -q --disable-pip-version-check "$MOTO"
  fi
  nohup "$DIR/venv/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$DIR/server.log" 2>&1 &
  echo $! >"$DIR/pid"
  # Until it answers (it starts in about a second; 30 s at most), or fail with its log.
  for _ in $(seq 1 300); do
    if running; then say "running on 127.0.0.1:$PORT"; return; fi
    sleep 0.1
  done
  say "the server did not start:" >&2
  cat "$DIR/server.log" >&2
  exit 1
}

stop() {
  if [ -f "$DIR/pid" ]; then kill "$(cat "$DIR/pid")" 2>/dev/null || true; rm -f "$DIR/pid"; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) env_lines ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
