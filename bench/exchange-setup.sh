# Sourced by bench/run-exchange.sh and bench/probe-exchange-audit.sh: a throw-away PostgreSQL with the exchange database
# migrated and seeded with $citizens citizens and a pgbench database, a member with person and verification grants,
# 2,000 sampled ID numbers, and the helpers both scripts measure with (serve, stop, token, cpu_ms, pg_cpu_ms, load).
# Expects root, citizens, connections, pg_port, port, work, dinh and bench set, and phase defined. A script may define
# exchange_after_pg_start and exchange_after_databases (run after the cluster starts and after the databases exist).
declare -F exchange_after_pg_start >/dev/null || exchange_after_pg_start() { :; }
declare -F exchange_after_databases >/dev/null || exchange_after_databases() { :; }
pg_temp_start "$pg_port" >&2
exchange_after_pg_start
psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_TEMP_PORT" -U dinh)
export Dinh__Database__Provider=Postgres
export ConnectionStrings__Dinh="Host=127.0.0.1;Port=$PG_TEMP_PORT;Username=dinh;Database=exchange"
"${psql[@]}" -d postgres -c "CREATE DATABASE exchange" -c "CREATE DATABASE pgbench"
exchange_after_databases
"${dinh[@]}" db migrate >/dev/null
"${dinh[@]}" seed --citizens "$citizens" --random-seed 1 2>/dev/null >/dev/null
"${psql[@]}" -d exchange -c "VACUUM ANALYZE"
pgbench -i -s 10 -q -h 127.0.0.1 -p "$PG_TEMP_PORT" -U dinh pgbench 2>/dev/null
phase "migrated, seeded $citizens citizens, pgbench -i -s 10"

member="VN/COM/BENCH/ekyc"
"${bench[@]}" exchange-key "$work/member.pem" "$work/member.jwk"
"${dinh[@]}" members add "$member" --name "Benchmark member" --jwks-file "$work/member.jwk" --rate 100000 >/dev/null
"${dinh[@]}" grants add "$member" --dataset person --field fullName dateOfBirth --purpose benchmark --legal-basis "benchmark" >/dev/null
"${dinh[@]}" grants add "$member" --dataset verification --field fullName dateOfBirth --purpose benchmark --legal-basis "benchmark" >/dev/null
"${psql[@]}" -d exchange -At -c "SELECT number FROM citizen_id_numbers ORDER BY random() LIMIT 2000" >"$work/numbers"
phase "member $member with person and verification grants; sampled $(wc -l <"$work/numbers") ID numbers"

serve() { # extra env assignments…
  env ASPNETCORE_ENVIRONMENT=Development Dinh__Demo__Seed=false Dinh__Demo__Accounts=false Dinh__Exchange__Deliver=false "$@" \
    "${dinh[@]}" serve --urls "http://127.0.0.1:$port" >>"$root/bench/out/exchange-server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && return 0
    kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$root/bench/out/exchange-server.log" >&2; exit 1; }
    sleep 0.5
  done
}
stop() { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; server_pid=; }
token() {
  local issuer assertion
  issuer=$(curl -sf "http://127.0.0.1:$port/.well-known/openid-configuration" | jq -r .issuer)
  assertion=$("${bench[@]}" exchange-assertion "$issuer" "$member" "$work/member.pem")
  curl -sf "http://127.0.0.1:$port/connect/token" --data-urlencode grant_type=client_credentials --data-urlencode "client_id=$member" \
    --data-urlencode scope=exchange --data-urlencode client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \
    --data-urlencode "client_assertion=$assertion" | jq -r .access_token
}
# CPU time (ms) used so far by a process, and by the PostgreSQL cluster (postmaster and its live children: the
# server's pooled connections, the WAL writer, the checkpointer), from /proc: per request, this is less sensitive to
# other work on the machine than the request rate.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); t += $12 + $13 } END { printf "%.0f", t * 1000 / hz }' "$@" 2>/dev/null || echo 0; }
# The postmaster's own time includes its children that have exited (cutime, cstime: a server's connections closed,
# autovacuum workers done), which a sum over the live ones would lose.
pg_cpu_ms() {
  local postmaster; postmaster=$(head -n 1 "$PG_TEMP_DIR/data/postmaster.pid")
  echo $(( $(awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$postmaster/stat") \
    + $(cpu_ms "/proc/$postmaster/stat" $(ps -o pid= --ppid "$postmaster" | sed 's|.*|/proc/&/stat|' | tr -d ' ')) ))
}
load() { # mode seconds
  DINH_WRK_NUMBERS="$work/numbers" DINH_WRK_MODE=$1 DINH_WRK_TOKEN=$access wrk -t 2 -c "$connections" -d "${2}s" --timeout 10s \
    -s "$root/bench/exchange.lua" "http://127.0.0.1:$port" | awk '/^WRK / { $1 = ""; print }'
}
