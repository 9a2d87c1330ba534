#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster on loopback, owned by an unprivileged user (PostgreSQL refuses root).
# Source it, then:  pg_temp_start [port]   → exports DINH_TEST_POSTGRES (a connection string to the `postgres` db)
#                   pg_temp_stop           → stops the cluster and removes its directory
# Used by .ci/run and by the benchmarks in bench/.

pg_temp_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; return 1; }
  echo "$dir"
}

pg_temp_start() {
  local port=${1:-55432}
  local bin; bin=$(pg_temp_bin) || return 1
  local owner=postgres
  id "$owner" >/dev/null 2>&1 || owner=$(id -un)
  PG_TEMP_DIR=$(mktemp -d /tmp/dinh-pg.XXXXXX)
  chown "$owner" "$PG_TEMP_DIR"
  chmod 700 "$PG_TEMP_DIR"
  PG_TEMP_OWNER=$owner
  PG_TEMP_BIN=$bin
  local as=()
  [ "$(id -u)" = 0 ] && as=(runuser -u "$owner" --)
  "${as[@]}" "$bin/initdb" -D "$PG_TEMP_DIR/data" -U dinh --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_TEMP_DIR/initdb.log" 2>&1 \
    || { cat "$PG_TEMP_DIR/initdb.log" >&2; return 1; }
  "${as[@]}" "$bin/pg_ctl" -D "$PG_TEMP_DIR/data" -l "$PG_TEMP_DIR/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $PG_TEMP_DIR -c max_connections=300 -c shared_buffers=512MB -c fsync=on" start >/dev/null \
    || { cat "$PG_TEMP_DIR/server.log" >&2; return 1; }
  export PG_TEMP_PORT=$port
  export DINH_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=dinh;Database=postgres"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($PG_TEMP_DIR)"
}

pg_temp_stop() {
  [ -n "${PG_TEMP_DIR:-}" ] || return 0
  local as=()
  [ "$(id -u)" = 0 ] && as=(runuser -u "$PG_TEMP_OWNER" --)
  "${as[@]}" "$PG_TEMP_BIN/pg_ctl" -D "$PG_TEMP_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_TEMP_DIR"
  unset PG_TEMP_DIR
}

# A cluster kept between runs (the benchmarks' seeded databases: restoring 10,000,000 citizens from a dump takes many
# minutes, starting a kept cluster a few seconds). Source this file, then:
#   pg_cached_start DIR [port]   → starts the cluster in DIR/data (initdb first if DIR holds none); exports PG_TEMP_PORT
#   pg_cached_stop               → stops it and keeps DIR
pg_cached_start() {
  local dir=$1 port=${2:-55432}
  local bin; bin=$(pg_temp_bin) || return 1
  local owner=postgres
  id "$owner" >/dev/null 2>&1 || owner=$(id -un)
  mkdir -p "$dir"
  chown "$owner" "$dir"
  chmod 700 "$dir"
  local as=()
  [ "$(id -u)" = 0 ] && as=(runuser -u "$owner" --)
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U dinh --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; return 1; }
  fi
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 300 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=300 -c shared_buffers=512MB -c fsync=on" start >/dev/null \
    || { tail -n 20 "$dir/server.log" >&2; return 1; }
  PG_CACHED_DIR=$dir
  PG_TEMP_OWNER=$owner
  PG_TEMP_BIN=$bin
  export PG_TEMP_PORT=$port
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (kept in $dir)"
}

pg_cached_stop() {
  [ -n "${PG_CACHED_DIR:-}" ] || return 0
  local as=()
  [ "$(id -u)" = 0 ] && as=(runuser -u "$PG_TEMP_OWNER" --)
  "${as[@]}" "$PG_TEMP_BIN/pg_ctl" -D "$PG_CACHED_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  unset PG_CACHED_DIR
}
