#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on the loopback for the class board's tests.
#   export PLAYGROUND_TEST_PG_URL="$(bash .ci/postgres.sh start)"   # prints the URL
#   bash .ci/postgres.sh stop                                        # stops it by its pid
# Debian's postgresql is installed if missing. The cluster lives in $PLAYGROUND_PG_DIR
# (default /tmp/playground-pg), listens on 127.0.0.1:$PLAYGROUND_PG_PORT (default 54329)
# with its socket in /tmp, trusts local connections (nothing else can reach it) and runs
# without fsync (a test database). Everything but the URL goes to stderr.
set -euo pipefail
DIR="${PLAYGROUND_PG_DIR:-/tmp/playground-pg}"
PORT="${PLAYGROUND_PG_PORT:-54329}"
DB=playground_test

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_owner() {  # run as the postgres user when root (initdb refuses root), else as oneself
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  [ -f "$DIR/postmaster.pid" ] || { rm -rf "$DIR"; return 0; }
  local pid
  pid="$(head -n 1 "$DIR/postmaster.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid"  # fast shutdown
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$DIR"
  echo "postgres: stopped (pid $pid)" >&2
}

start() {
  if [ -z "$(bindir)" ]; then
    echo "postgres: installing Debian's postgresql" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  local bin
  bin="$(bindir)"
  stop  # a cluster left by an earlier run
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
  as_owner "$bin/initdb" -D "$DIR" -U postgres -A trust --no-sync -E UTF8 >/dev/null
  as_owner "$bin/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 \
    -o "-k /tmp -p $PORT -h 127.0.0.1 -c fsync=off -c max_connections=200" start >&2
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
  echo "postgres: running on 127.0.0.1:$PORT (pid $(head -n 1 "$DIR/postmaster.pid"))" >&2
  echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
