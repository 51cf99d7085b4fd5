#!/bin/sh
# PgBouncer in transaction mode in front of a PostgreSQL, for CI and for trying Openline behind a pooler.
#
#   scripts/pgbouncer.sh start   # listens on 127.0.0.1:$PGBOUNCER_PORT (6432), routes any database name
#   scripts/pgbouncer.sh stop
#
# Upstream: $PGBOUNCER_UPSTREAM_HOST:$PGBOUNCER_UPSTREAM_PORT (127.0.0.1:5432), trust auth, user
# $PGBOUNCER_USER (postgres). The ini, userlist, log and pid file live in $PGBOUNCER_DIR
# (/tmp/openline-pgbouncer-<port>). PgBouncer refuses to run as root, so as root it runs as
# $PGBOUNCER_RUN_AS (postgres). Needs Debian's `pgbouncer` package (1.18: no prepared statements
# in transaction mode, so Openline runs with OPENLINE_POOLER=transaction).
set -eu
PORT=${PGBOUNCER_PORT:-6432}
UP_HOST=${PGBOUNCER_UPSTREAM_HOST:-127.0.0.1}
UP_PORT=${PGBOUNCER_UPSTREAM_PORT:-5432}
DB_USER=${PGBOUNCER_USER:-postgres}
RUN_AS=${PGBOUNCER_RUN_AS:-postgres}
DIR=${PGBOUNCER_DIR:-/tmp/openline-pgbouncer-$PORT}
BIN=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$RUN_AS" -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    [ -x "$BIN" ] || { echo "pgbouncer is not installed (apt-get install -y pgbouncer)" >&2; exit 1; }
    mkdir -p "$DIR"
    cat >"$DIR/pgbouncer.ini" <<INI
[databases]
* = host=$UP_HOST port=$UP_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir =
auth_type = trust
auth_file = $DIR/userlist.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 10
max_db_connections = 20
server_idle_timeout = 10
ignore_startup_parameters = extra_float_digits,options
logfile = $DIR/pgbouncer.log
pidfile = $DIR/pgbouncer.pid
admin_users = $DB_USER
INI
    printf '"%s" ""\n' "$DB_USER" >"$DIR/userlist.txt"
    [ "$(id -u)" = 0 ] && chown -R "$RUN_AS" "$DIR"
    as_owner "$BIN" -d "$DIR/pgbouncer.ini"
    # Ready when it accepts a connection (bounded: 10 s).
    i=0
    until psql -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d postgres -Atc 'SELECT 1' >/dev/null 2>&1; do
      i=$((i + 1))
      [ "$i" -lt 50 ] || { echo "pgbouncer did not start; see $DIR/pgbouncer.log" >&2; exit 1; }
      sleep 0.2
    done
    echo "pgbouncer (transaction mode) on 127.0.0.1:$PORT -> $UP_HOST:$UP_PORT"
    ;;
  stop)
    if [ -f "$DIR/pgbouncer.pid" ]; then
      kill "$(cat "$DIR/pgbouncer.pid")" 2>/dev/null || true
      i=0
      while [ -f "$DIR/pgbouncer.pid" ] && [ "$i" -lt 50 ]; do i=$((i + 1)); sleep 0.2; done
    fi
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
