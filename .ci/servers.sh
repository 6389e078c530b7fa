# Sourced by .ci/run (and usable by hand: `source .ci/servers.sh && start_test_servers`).
# Starts a throwaway Redis and a PostgreSQL 15 cluster on 127.0.0.1, each on a free port, for the
# scale-out tests, and exports how to reach them:
#   MINIAUTH_TEST_REDIS     StackExchange.Redis configuration, e.g. 127.0.0.1:6390
#   MINIAUTH_TEST_POSTGRES  Npgsql connection string of a superuser (the tests make a schema each)
# stop_test_servers stops both and removes their data; .ci/run calls it from an EXIT trap.

MINIAUTH_PG_BIN=${MINIAUTH_PG_BIN:-/usr/lib/postgresql/15/bin}

_port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

_as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$MINIAUTH_PG_USER" -- "$@"; else "$@"; fi
}

_free_port() {
  local port
  for port in $(seq "$1" $(($1 + 200))); do
    if _port_is_free "$port"; then echo "$port"; return 0; fi
  done
  echo "no free port from $1" >&2
  return 1
}

start_test_servers() {
  if ! command -v redis-server >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  # The Debian package starts its own server on 6379 where systemd runs; ours is separate.

  MINIAUTH_SERVERS_DIR=$(mktemp -d /tmp/miniauth-servers.XXXXXX)
  export MINIAUTH_SERVERS_DIR

  local redis_port
  redis_port=$(_free_port 6390)
  redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes \
    --dir "$MINIAUTH_SERVERS_DIR" --pidfile "$MINIAUTH_SERVERS_DIR/redis.pid" \
    --logfile "$MINIAUTH_SERVERS_DIR/redis.log" --save '' --appendonly no
  local i
  for i in $(seq 50); do
    redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null || { cat "$MINIAUTH_SERVERS_DIR/redis.log" >&2; return 1; }
  export MINIAUTH_TEST_REDIS="127.0.0.1:$redis_port"

  # postgres refuses to run as root: as root the cluster belongs to an unprivileged user.
  local pg_user
  pg_user=$(id -un)
  if [ "$(id -u)" = 0 ]; then
    pg_user=postgres
    if ! id "$pg_user" >/dev/null 2>&1; then
      pg_user=miniauth-pg
      id "$pg_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user"
    fi
  fi
  MINIAUTH_PG_USER=$pg_user
  export MINIAUTH_PG_USER
  local pg_port pg_dir="$MINIAUTH_SERVERS_DIR/pg"
  pg_port=$(_free_port 5440)
  mkdir -p "$pg_dir"
  if [ "$(id -u)" = 0 ]; then chown "$pg_user" "$pg_dir"; fi
  chmod 755 "$MINIAUTH_SERVERS_DIR"
  _as_pg "$MINIAUTH_PG_BIN/initdb" -D "$pg_dir/data" -U miniauth --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  _as_pg "$MINIAUTH_PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c max_connections=200 -c fsync=off" start >/dev/null \
    || { cat "$pg_dir/server.log" >&2; return 1; }
  export MINIAUTH_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=miniauth;Database=postgres"

  echo "Test servers: Redis at $MINIAUTH_TEST_REDIS, PostgreSQL at 127.0.0.1:$pg_port"
}

stop_test_servers() {
  [ -n "${MINIAUTH_SERVERS_DIR:-}" ] || return 0
  if [ -d "$MINIAUTH_SERVERS_DIR/pg/data" ]; then
    _as_pg "$MINIAUTH_PG_BIN/pg_ctl" -D "$MINIAUTH_SERVERS_DIR/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ -f "$MINIAUTH_SERVERS_DIR/redis.pid" ]; then
    kill "$(cat "$MINIAUTH_SERVERS_DIR/redis.pid")" 2>/dev/null || true
  fi
  rm -rf "$MINIAUTH_SERVERS_DIR"
  MINIAUTH_SERVERS_DIR=
}
