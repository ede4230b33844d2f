#!/usr/bin/env bash
# django-helpdesk 2.6.1 under gunicorn (2 sync workers) on SQLite in WAL mode: the
# yardstick that `pronto bench server --yardstick django-helpdesk` measures beside
# Pronto's inbound messages, by POSTing followups through the helpdesk's REST API.
#
#   scripts/yardstick/django-helpdesk.sh setup
#       the virtualenv (pinned in requirements-django-helpdesk.txt) and a migrated
#       template database with a superuser, its API token, a queue and 2,000
#       tickets; done once, then only checked (a second run takes about a second)
#   scripts/yardstick/django-helpdesk.sh run [--port PORT] [--info FILE]
#       setup, then a fresh copy of the template served on 127.0.0.1:PORT in the
#       foreground until SIGTERM or SIGINT (what the bench uses); FILE receives
#       JSON with the URL, the token and the ticket ids (mode 0600)
#   scripts/yardstick/django-helpdesk.sh start [--port PORT]
#       the same in the background; prints the URL and the file with the token
#   scripts/yardstick/django-helpdesk.sh stop
#       stops what `start` started
#
# Everything lives in $PRONTO_YARDSTICK_DIR/django-helpdesk (by default
# target/yardstick/django-helpdesk in this repository): delete it to start over.
# Nothing is installed outside it; Python 3.10 or later must be on the PATH
# (python3, or $PYTHON).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${PRONTO_YARDSTICK_DIR:-$repo/target/yardstick}/django-helpdesk"
project="$here/helpdesk_project"
requirements="$here/requirements-django-helpdesk.txt"
tickets=2000
python="${PYTHON:-python3}"
venv="$cache/venv"

say() { echo "django-helpdesk.sh: $*" >&2; }

# A hash of the files a cached thing was built from: a change rebuilds it.
fingerprint() { cat "$@" | sha256sum | cut -d' ' -f1; }

setup_venv() {
    local want
    want="$(fingerprint "$requirements")"
    if [[ -x "$venv/bin/gunicorn" && "$(cat "$venv/.fingerprint" 2>/dev/null)" == "$want" ]]; then
        return
    fi
    say "creating the virtualenv in $venv"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$want" >"$venv/.fingerprint"
}

setup_secret() {
    if [[ ! -s "$cache/secret_key" ]]; then
        (umask 077 && "$venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$cache/secret_key")
    fi
}

# Runs manage.py of the yardstick project on database $1.
manage() {
    local db="$1"
    shift
    YARDSTICK_DB="$db" YARDSTICK_SECRET_KEY="$(cat "$cache/secret_key")" \
        PYTHONPATH="$project" "$venv/bin/python" "$project/manage.py" "$@"
}

setup_template() {
    local want
    want="$(fingerprint "$requirements" "$0" $(find "$project" -name '*.py' | sort))-$tickets"
    if [[ -s "$cache/template.sqlite3" && -s "$cache/template.json" \
        && "$(cat "$cache/template.fingerprint" 2>/dev/null)" == "$want" ]]; then
        return
    fi
    say "migrating a template database and creating its fixtures ($tickets tickets)"
    local build="$cache/template-build"
    rm -rf "$build" "$cache/template.sqlite3" "$cache/template.json"
    mkdir -p "$build"
    manage "$build/db.sqlite3" migrate --noinput >"$build/migrate.log"
    (umask 077 && manage "$build/db.sqlite3" yardstick_fixtures --tickets "$tickets" --out "$build/fixtures.json")
    # One self-contained file (no -wal beside it) to copy for every run.
    "$venv/bin/python" - "$build/db.sqlite3" "$cache/template.sqlite3" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("VACUUM INTO ?", (sys.argv[2],))
con.close()
PY
    mv "$build/fixtures.json" "$cache/template.json"
    rm -rf "$build"
    echo "$want" >"$cache/template.fingerprint"
}

setup() {
    mkdir -p "$cache"
    chmod 700 "$cache"
    setup_venv
    setup_secret
    setup_template
}

free_port() {
    "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

versions() {
    "$venv/bin/python" - <<'PY'
import importlib.metadata as m, platform, sqlite3
names = ["django-helpdesk", "Django", "djangorestframework", "gunicorn"]
parts = [f"{n} {m.version(n)}" for n in names]
parts += [f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}"]
print(", ".join(parts))
PY
}

# Serves a fresh copy of the template on 127.0.0.1:$port until SIGTERM or SIGINT,
# then stops gunicorn and removes the copy.
run() {
    local port="" info=""
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --port) port="$2"; shift 2 ;;
            --info) info="$2"; shift 2 ;;
            *) say "unknown option $1"; exit 2 ;;
        esac
    done
    setup
    [[ -n "$port" ]] || port="$(free_port)"
    local dir
    dir="$(mktemp -d "$cache/run-XXXXXX")"
    [[ -n "$info" ]] || info="$dir/info.json"
    cp "$cache/template.sqlite3" "$dir/db.sqlite3"
    local url="http://127.0.0.1:$port"
    (umask 077 && "$venv/bin/python" - "$cache/template.json" "$url" "$(versions)" "$dir/db.sqlite3" >"$info" <<'PY'
import json, sys
fixtures = json.load(open(sys.argv[1]))
fixtures.update(url=sys.argv[2], versions=sys.argv[3], database=sys.argv[4])
print(json.dumps(fixtures))
PY
    )
    say "serving $url (token and ticket ids in $info)"
    local gunicorn_pid=""
    stop_gunicorn() {
        trap - TERM INT EXIT
        if [[ -n "$gunicorn_pid" ]]; then
            kill -TERM "$gunicorn_pid" 2>/dev/null || true
            wait "$gunicorn_pid" 2>/dev/null || true
        fi
        rm -rf "$dir"
    }
    trap stop_gunicorn TERM INT EXIT
    YARDSTICK_DB="$dir/db.sqlite3" YARDSTICK_SECRET_KEY="$(cat "$cache/secret_key")" \
        "$venv/bin/gunicorn" yardstick.wsgi:application \
        --chdir "$project" --bind "127.0.0.1:$port" \
        --workers 2 --worker-class sync \
        --log-level warning --error-logfile - &
    gunicorn_pid=$!
    wait "$gunicorn_pid" || true
}

# True once something answers HTTP at $1 (any status).
answers() {
    "$venv/bin/python" - "$1" 2>/dev/null <<'PY'
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=1)
except urllib.error.HTTPError:
    pass
PY
}

start() {
    local port=""
    [[ "${1:-}" == "--port" ]] && port="$2"
    setup
    [[ -n "$port" ]] || port="$(free_port)"
    if [[ -s "$cache/started.pid" ]] && kill -0 "$(cat "$cache/started.pid")" 2>/dev/null; then
        say "already running (pid $(cat "$cache/started.pid")); stop it first"
        exit 1
    fi
    local info="$cache/started.json"
    setsid "$0" run --port "$port" --info "$info" >"$cache/started.log" 2>&1 </dev/null &
    echo $! >"$cache/started.pid"
    for _ in $(seq 1 100); do
        if answers "http://127.0.0.1:$port/api/"; then
            echo "url: http://127.0.0.1:$port"
            echo "API: POST http://127.0.0.1:$port/api/followups/ with 'Authorization: Token <token>'"
            echo "token and ticket ids: $info"
            echo "log: $cache/started.log"
            return
        fi
        sleep 0.2
    done
    say "no answer on port $port after 20 s; see $cache/started.log"
    stop
    exit 1
}

stop() {
    local pid
    pid="$(cat "$cache/started.pid" 2>/dev/null || true)"
    if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then
        say "not running"
        rm -f "$cache/started.pid"
        return
    fi
    # `run` is the leader of its own process group (setsid): its trap stops gunicorn.
    kill -TERM "$pid"
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$cache/started.pid" "$cache/started.json"
    say "stopped"
}

case "${1:-}" in
    setup) setup; versions ;;
    run) shift; run "$@" ;;
    start) shift; start "$@" ;;
    stop) stop ;;
    *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
