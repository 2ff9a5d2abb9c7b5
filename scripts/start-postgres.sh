#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the persistence tests, or stops one.
#   scripts/start-postgres.sh start   → prints "DIR URL" (cluster in a temp dir, free loopback port)
#   scripts/start-postgres.sh stop DIR
#   scripts/start-postgres.sh kill DIR      → SIGKILL to the server and every backend (a crash)
#   scripts/start-postgres.sh restart DIR   → starts the same cluster again on the same port
# Installs Debian's `postgresql` when initdb is missing (as root). PostgreSQL refuses to run as
# root, so as root the cluster belongs to the `postgres` user.
set -euo pipefail

find_bin() {
    for d in /usr/lib/postgresql/*/bin; do [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }; done
    command -v "$1" 2>/dev/null || return 1
}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_server() {
    local dir="$1" port
    port=$(cat "$dir/port")
    as_owner "$(find_bin pg_ctl)" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null \
        || { echo "start-postgres: server did not start:" >&2; cat "$dir/server.log" >&2; exit 1; }
}

checked_dir() {
    case "$1" in /tmp/spc-pg.*) ;; *) echo "start-postgres: refusing to touch $1" >&2; exit 1;; esac
}

case "${1:-}" in
start)
    if ! find_bin initdb >/dev/null; then
        if [ "$(id -u)" -ne 0 ]; then echo "start-postgres: initdb not found and not root: install postgresql" >&2; exit 1; fi
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null 2>&1 || true
        apt-get install -y -qq postgresql >/dev/null
        # The package may start its own cluster on 5432; ours uses a free port, so leave it be.
    fi
    INITDB=$(find_bin initdb); PG_CTL=$(find_bin pg_ctl)
    DIR=$(mktemp -d /tmp/spc-pg.XXXXXX)
    chmod 755 "$DIR"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$DIR"; fi
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    as_owner "$INITDB" -D "$DIR/data" -U spc --auth=trust -E UTF8 >"$DIR/initdb.log" 2>&1 \
        || { echo "start-postgres: initdb failed:" >&2; cat "$DIR/initdb.log" >&2; exit 1; }
    echo "$PORT" >"$DIR/port"
    start_server "$DIR"
    as_owner "$(find_bin createdb)" -h 127.0.0.1 -p "$PORT" -U spc spc_test
    echo "$DIR postgresql://spc@127.0.0.1:$PORT/spc_test"
    ;;
kill)
    DIR="${2:?usage: start-postgres.sh kill DIR}"; checked_dir "$DIR"
    PID=$(head -1 "$DIR/data/postmaster.pid")
    PIDS="$PID $(pgrep -P "$PID" | tr '\n' ' ')"
    kill -9 $PIDS 2>/dev/null || true
    for _ in $(seq 1 100); do
        alive=0; for p in $PIDS; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ "$alive" -eq 0 ] && break; sleep 0.1
    done
    ;;
restart)
    DIR="${2:?usage: start-postgres.sh restart DIR}"; checked_dir "$DIR"
    start_server "$DIR"
    ;;
stop)
    DIR="${2:?usage: start-postgres.sh stop DIR}"; checked_dir "$DIR"
    as_owner "$(find_bin pg_ctl)" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
    ;;
*)
    echo "usage: $0 start | stop DIR | kill DIR | restart DIR" >&2; exit 2
    ;;
esac
