#!/usr/bin/env bash
# Registry lookup and search through the HTTP API, against pgbench on the same throw-away PostgreSQL:
#   ./bench/run-lookup.sh [citizens]          (default 1,000,000)
# Targets (registry issue): lookup by personal ID number at >= 25% of `pgbench -S -M prepared` TPS; name + date-of-birth
# search p95 under 50 ms (the issue says with 10,000,000 citizens; this measures the size given).
# Environment: DINH_BENCH_SECONDS (20), DINH_BENCH_CONNECTIONS (16), DINH_BENCH_PG_PORT (55492), DINH_BENCH_PORT (55493).
# The seeded database is kept between runs as a stopped PostgreSQL cluster, bench/out/pg-registry-<citizens>/ (made
# once: from bench/out/registry-<citizens>.dump when there is one, else by `dinh seed`); a run starts it in seconds,
# migrates it (a no-op unless the schema changed) and stops it at the end. Delete the directory to rebuild it.
# DINH_BENCH_REUSE=1: use the PostgreSQL already listening on DINH_BENCH_PG_PORT whose database `registry` holds the
# citizens instead; it is migrated, not restored, and left running at the end.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
citizens=${1:-1000000}
seconds=${DINH_BENCH_SECONDS:-20}
connections=${DINH_BENCH_CONNECTIONS:-16}
pg_port=${DINH_BENCH_PG_PORT:-55492}
port=${DINH_BENCH_PORT:-55493}
# shellcheck source=../.ci/postgres.sh
source "$root/.ci/postgres.sh"

# shellcheck source=common.sh
source "$root/bench/common.sh"
bench_require run-lookup "apt-get install -y wrk postgresql postgresql-contrib curl jq" wrk pgbench pg_dump pg_restore psql curl jq

work=$(mktemp -d /tmp/dinh-lookup.XXXXXX)
server_pid=
minimal_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$minimal_pid" ] && kill "$minimal_pid" 2>/dev/null && wait "$minimal_pid" 2>/dev/null || true
  pg_temp_stop
  pg_cached_stop
  rm -rf "$work"
}
trap cleanup EXIT

echo "building Release…" >&2
dotnet build "$root/src/Dinh.Server/Dinh.Server.csproj" -c Release --nologo -v q >/dev/null
dotnet build "$root/bench/Dinh.Bench/Dinh.Bench.csproj" -c Release --nologo -v q >/dev/null
dinh=(dotnet "$root/src/Dinh.Server/bin/Release/net10.0/dinh.dll")
bench=(dotnet "$root/bench/Dinh.Bench/bin/Release/net10.0/Dinh.Bench.dll")
phase "build"

# Seeding is not what is measured, and it takes minutes (1,000,000 citizens) to hours (10,000,000) here: the seeded
# cluster is kept (see the header). A cluster whose preparation did not finish (no `ready` file) is made again.
mkdir -p "$root/bench/out"
cache="$root/bench/out/registry-$citizens.dump"
cluster="$root/bench/out/pg-registry-$citizens"
seed_line=
reuse=${DINH_BENCH_REUSE:-}
kept=
if [ -n "$reuse" ]; then
  export PG_TEMP_PORT=$pg_port
elif [ -f "$cluster/ready" ]; then
  pg_cached_start "$cluster" "$pg_port" >&2
  kept=1
else
  rm -rf "$cluster"
  pg_cached_start "$cluster" "$pg_port" >&2
fi
psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_TEMP_PORT" -U dinh)
export Dinh__Database__Provider=Postgres
export ConnectionStrings__Dinh="Host=127.0.0.1;Port=$PG_TEMP_PORT;Username=dinh;Database=registry"
if [ -n "$reuse" ] || [ -n "$kept" ]; then
  "${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS pgbench" -c "CREATE DATABASE pgbench"
else
  "${psql[@]}" -d postgres -c "CREATE DATABASE registry" -c "CREATE DATABASE pgbench"
fi

if [ -n "$reuse" ] || [ -n "$kept" ]; then
  ConnectionStrings__Dinh="$ConnectionStrings__Dinh;Command Timeout=0" "${dinh[@]}" db migrate >/dev/null
  phase "started the kept database ($([ -n "$reuse" ] && echo "port $PG_TEMP_PORT" || echo "$cluster")); dinh db migrate"
elif [ -s "$cache" ]; then
  pg_restore -h 127.0.0.1 -p "$PG_TEMP_PORT" -U dinh -d registry -j 2 --no-owner "$cache"
  phase "restored $cache"
  # A dump made before a later migration (e.g. a new index) is brought up to date, as a real upgrade would be.
  ConnectionStrings__Dinh="$ConnectionStrings__Dinh;Command Timeout=0" "${dinh[@]}" db migrate >/dev/null
  phase "dinh db migrate"
else
  "${dinh[@]}" db migrate >/dev/null
  seed_started=$(now)
  "${dinh[@]}" seed --citizens "$citizens" --random-seed 1 2>/dev/null
  seed_ns=$(( $(now) - seed_started ))
  seed_line=$(awk -v n="$citizens" -v ns="$seed_ns" 'BEGIN { printf "seeded %d citizens with `dinh seed` in %.0f s: %.0f citizens/s", n, ns / 1e9, n / (ns / 1e9) }')
  phase "$seed_line"
  pg_dump -h 127.0.0.1 -p "$PG_TEMP_PORT" -U dinh -Fc -f "$cache" registry
  phase "cached the seeded database in $cache"
fi
if [ -z "$reuse" ] && [ -z "$kept" ]; then
  "${psql[@]}" -d registry -c "VACUUM ANALYZE"
  touch "$cluster/ready"
  phase "vacuum analyze; kept the cluster in $cluster for the next runs"
fi
stored=$("${psql[@]}" -d registry -At -c "SELECT count(*) FROM citizens")
pgbench -i -s 10 -q -h 127.0.0.1 -p "$PG_TEMP_PORT" -U dinh pgbench 2>/dev/null
phase "pgbench -i -s 10"

# Samples of real rows: ID numbers (current and cancelled alike, as an officer might type them) and name + date of
# birth pairs, once as registered (with accents) and once as ASCII (the search ignores accents and tone placement).
"${psql[@]}" -d registry -At -c "SELECT number FROM citizen_id_numbers ORDER BY random() LIMIT 2000" \
  | jq -Rr '"/api/registry/citizens?number=\(.)&purpose=benchmark"' >"$work/lookup.paths"
"${psql[@]}" -d registry -At -F $'\t' -c "SELECT full_name, initcap(lower(name_key_ascii)),
    CASE WHEN birth_day IS NOT NULL THEN format('%s-%s-%s', birth_year, lpad(birth_month::text, 2, '0'), lpad(birth_day::text, 2, '0'))
         WHEN birth_month IS NOT NULL THEN format('%s-%s', birth_year, lpad(birth_month::text, 2, '0'))
         ELSE birth_year::text END
  FROM citizens
  -- The seeder gives some children of the current year a birth date later in the year; the API rightly refuses a
  -- date of birth in the future (400), so those are not sampled.
  WHERE make_date(birth_year, coalesce(birth_month, 1), coalesce(birth_day, 1)) <= current_date
  ORDER BY random() LIMIT 2000" >"$work/people.tsv"
jq -Rr 'split("\t") | "/api/registry/citizens?name=\(.[0] | @uri)&dateOfBirth=\(.[2])&purpose=benchmark"' "$work/people.tsv" >"$work/accented.paths"
jq -Rr 'split("\t") | "/api/registry/citizens?name=\(.[1] | @uri)&dateOfBirth=\(.[2])&purpose=benchmark"' "$work/people.tsv" >"$work/ascii.paths"
phase "sampled $(wc -l <"$work/lookup.paths") ID numbers and $(wc -l <"$work/people.tsv") name + date-of-birth pairs"

# Development only for the demo officer accounts (created when serve migrates), as the officer signs in with the
# real login form (password + TOTP): bench/officer-sign-in.sh.
echo "note: dinh serve runs with ASPNETCORE_ENVIRONMENT=Development only for the demo officer accounts" >&2
ASPNETCORE_ENVIRONMENT=Development Dinh__Demo__Seed=false "${dinh[@]}" serve --urls "http://127.0.0.1:$port" >"$root/bench/out/lookup-server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 240); do
  curl -sf -o /dev/null "$base/health/ready" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$root/bench/out/lookup-server.log" >&2; exit 1; }
  sleep 0.5
done
# The process that listens is the dotnet host started above: VmRSS is read from its /proc entry.
# shellcheck source=officer-sign-in.sh
source "$root/bench/officer-sign-in.sh"
officer_sign_in "$base" dulieu.quocgia "$work"
# One request of each kind must find what was sampled, or the figures would measure empty answers.
first=$(head -n 1 "$work/lookup.paths")
curl -sf -H "Cookie: $cookie" "$base$first" | jq -e '.total == 1' >/dev/null \
  || { echo "run-lookup: $first did not find exactly one citizen" >&2; exit 1; }
curl -sf -H "Cookie: $cookie" "$base$(head -n 1 "$work/ascii.paths")" | jq -e '.total >= 1' >/dev/null \
  || { echo "run-lookup: the ASCII name search found nobody" >&2; exit 1; }
phase "dinh serve on $base; signed in as dulieu.quocgia (national data steward)"

# wrk at the given concurrency; VmRSS of the server sampled every second meanwhile (peak printed).
load() { # name paths seconds
  local rss_file="$work/rss.$1"
  : >"$rss_file"
  ( while kill -0 "$server_pid" 2>/dev/null; do awk '/VmRSS/ { print $2 }' "/proc/$server_pid/status" >>"$rss_file"; sleep 1; done ) &
  local sampler=$!
  DINH_WRK_PATHS=$2 DINH_WRK_COOKIE=$cookie wrk -t 2 -c "$connections" -d "${3}s" --timeout 10s -s "$root/bench/lookup.lua" "${load_base:-$base}" \
    | awk '/^WRK / { $1 = ""; print }' >"$work/wrk.$1"
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  echo "$(cat "$work/wrk.$1") $(sort -n "$rss_file" | tail -n 1)"
}

pgbench_out=$(pgbench -S -M prepared -c "$connections" -j 2 -T "$seconds" -n -h 127.0.0.1 -p "$PG_TEMP_PORT" -U dinh pgbench 2>&1)
tps=$(echo "$pgbench_out" | awk '/^tps = / { print $3; exit }')
pg_latency=$(echo "$pgbench_out" | awk '/^latency average/ { print $4; exit }')
phase "pgbench -S -M prepared -c $connections -j 2 -T $seconds"
# Second peer, the floor of an audited read: the same indexed SELECT plus one durable INSERT and COMMIT per transaction.
printf '%s\n' '\set aid random(1, 1000000)' 'BEGIN;' 'SELECT abalance FROM pgbench_accounts WHERE aid = :aid;' \
  'INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, :aid, 0, CURRENT_TIMESTAMP);' 'END;' >"$work/audited.sql"
half=$(( (seconds + 1) / 2 ))
audited_out=$(pgbench -f "$work/audited.sql" -M prepared -c "$connections" -j 2 -T "$half" -n -h 127.0.0.1 -p "$PG_TEMP_PORT" -U dinh pgbench 2>&1)
audited_tps=$(echo "$audited_out" | awk '/^tps = / { print $3; exit }')
phase "pgbench SELECT + INSERT + COMMIT -c $connections -j 2 -T $half"
# Warm-up: JIT (tiered compilation reaches its optimised code after some thousands of calls), connection pool, the
# sampled rows in shared buffers. Measured figures are of a warm server, as in production.
# shellcheck source=warm-up.sh
source "$root/bench/warm-up.sh"
warmed=$(warm_up "$base" load warmup "$work/lookup.paths")
phase "$warmed"
lookup=$(load lookup "$work/lookup.paths" "$seconds")
phase "lookup by ID number"
# Third peer, the floor of the HTTP stack itself: the same server, cookie and middleware, an endpoint that does no work
# (no query, no audit). No endpoint of this server can be faster; the target is read against it too.
echo /health/live >"$work/floor.paths"
floor=$(load floor "$work/floor.paths" "$half")
phase "pipeline floor (GET /health/live)"
accented=$(load accented "$work/accented.paths" "$half")
ascii=$(load ascii "$work/ascii.paths" "$half")
phase "name + date-of-birth search"
# Fourth peer, the least an HTTP lookup by number costs on this stack: Kestrel, one prepared Npgsql SELECT of the same
# columns through the same indexes, JSON (`Dinh.Bench minimal-lookup`: no authentication, EF Core, jurisdiction,
# middleware or audit record). It runs while dinh idles; dinh's lookup can be no faster than this.
minimal_base="http://127.0.0.1:$((port + 10))"
"${bench[@]}" minimal-lookup "Host=127.0.0.1;Port=$PG_TEMP_PORT;Username=dinh;Database=registry" "$minimal_base" 2>"$work/minimal.log" &
minimal_pid=$!
for _ in $(seq 120); do
  curl -sf -o /dev/null "$minimal_base/health/live" && break
  kill -0 "$minimal_pid" 2>/dev/null || { cat "$work/minimal.log" >&2; exit 1; }
  sleep 0.5
done
sed 's|^/api/registry/citizens?number=\([0-9]*\).*|/lookup?number=\1|' "$work/lookup.paths" >"$work/minimal.paths"
curl -sf "$minimal_base$(head -n 1 "$work/minimal.paths")" | jq -e '.total == 1' >/dev/null \
  || { echo "run-lookup: the minimal lookup did not find exactly one citizen" >&2; exit 1; }
load_base=$minimal_base load minimal-warmup "$work/minimal.paths" 20 >/dev/null
minimal=$(load_base=$minimal_base load minimal "$work/minimal.paths" "$seconds")
phase "minimal HTTP lookup (Kestrel + Npgsql, no auth, EF Core or audit)"
# More peers on the same minimal server, the least an audited lookup costs on this stack: a durable, hash-chained audit
# row per read (smaller than Dinh's), committed by one writer for all reads waiting at that moment, before the answer
# ("audited": the SELECT per request, then the group-committed row); "batched": the reads waiting at that moment
# answered by one statement that selects them all (`number = ANY`) and inserts their audit rows, one round trip and one
# commit per batch, with one writer or two (two chains); "batched-plain": the same without audit rows. Dinh's
# audited lookups can be no faster than the best audited one.
routes=(audited batched batched-2 batched-plain)
for route in "${routes[@]}"; do
  sed "s|^/lookup|/$route|" "$work/minimal.paths" >"$work/$route.paths"
  curl -sf "$minimal_base$(head -n 1 "$work/$route.paths")" | jq -e '.total == 1' >/dev/null \
    || { echo "run-lookup: the minimal $route lookup did not find exactly one citizen" >&2; exit 1; }
  load_base=$minimal_base load "minimal-$route-warmup" "$work/$route.paths" 10 >/dev/null
done
declare -A minimal_by
for route in "${routes[@]}"; do
  minimal_by[$route]=$(load_base=$minimal_base load "minimal-$route" "$work/$route.paths" "$seconds")
done
audit_rows=$("${psql[@]}" -d registry -At -c 'SELECT count(*) FROM bench_read_audit')
kill "$minimal_pid" 2>/dev/null; wait "$minimal_pid" 2>/dev/null || true
minimal_pid=
"${psql[@]}" -d registry -c 'DROP TABLE bench_read_audit'
phase "minimal audited HTTP lookups (group-committed audit row; one statement per batch)"

echo
echo "registry lookup and search: $stored citizens in PostgreSQL $("${psql[@]}" -d postgres -At -c 'SHOW server_version'), $(nproc) CPUs, load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
[ -n "$seed_line" ] && echo "$seed_line"
echo "concurrency $connections (wrk -t 2, pgbench -j 2); $seconds s for pgbench -S and the lookup, $half s for the other lines"
awk -v tps="$tps" -v audited="$audited_tps" -v pglat="$pg_latency" -v floor="$floor" -v minimal="$minimal" -v minimal_audited="${minimal_by[audited]}" -v minimal_batched="${minimal_by[batched]}" -v minimal_batched2="${minimal_by[batched-2]}" -v minimal_plain="${minimal_by[batched-plain]}" -v audit_rows="$audit_rows" -v lookup="$lookup" -v accented="$accented" -v ascii="$ascii" 'BEGIN {
  printf "%-46s %9s %8s %8s %8s %8s %7s %8s\n", "scenario", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "RSS MiB", "vs peer"
  printf "%-46s %9.0f %8s %8s %8s %8s %7s %8.2f\n", "peer: pgbench -S -M prepared (avg " pglat " ms)", tps, "-", "-", "-", "-", "-", 1
  printf "%-46s %9.0f %8s %8s %8s %8s %7s %8.2f\n", "peer: pgbench SELECT + INSERT + COMMIT", audited, "-", "-", "-", "-", "-", audited / tps
  split(floor, f, " ")
  printf "%-46s %9.0f %8.2f %8.2f %8.2f %8d %7.0f %8.3f\n", "floor: GET /health/live (same cookie, no work)", f[3], f[4], f[5], f[6], f[7] + f[8], f[9] / 1024, f[3] / tps
  split(minimal, m, " ")
  printf "%-46s %9.0f %8.2f %8.2f %8.2f %8d %7s %8.3f\n", "peer: minimal HTTP lookup (Kestrel + Npgsql)", m[3], m[4], m[5], m[6], m[7] + m[8], "-", m[3] / tps
  split(minimal_audited, ma, " ")
  printf "%-46s %9.0f %8.2f %8.2f %8.2f %8d %7s %8.3f\n", "peer: minimal lookup + group-committed audit", ma[3], ma[4], ma[5], ma[6], ma[7] + ma[8], "-", ma[3] / tps
  split(minimal_batched, mb, " ")
  printf "%-46s %9.0f %8.2f %8.2f %8.2f %8d %7s %8.3f\n", "peer: minimal, one statement per batch + audit", mb[3], mb[4], mb[5], mb[6], mb[7] + mb[8], "-", mb[3] / tps
  split(minimal_batched2, m2, " ")
  printf "%-46s %9.0f %8.2f %8.2f %8.2f %8d %7s %8.3f\n", "peer: the same, two writers on two chains", m2[3], m2[4], m2[5], m2[6], m2[7] + m2[8], "-", m2[3] / tps
  split(minimal_plain, mp, " ")
  printf "%-46s %9.0f %8.2f %8.2f %8.2f %8d %7s %8.3f\n", "peer: minimal, one statement per batch, no audit", mp[3], mp[4], mp[5], mp[6], mp[7] + mp[8], "-", mp[3] / tps
  n = split(lookup, l, " ")
  printf "%-46s %9.0f %8.2f %8.2f %8.2f %8d %7.0f %8.3f\n", "dinh GET /api/registry/citizens?number=", l[3], l[4], l[5], l[6], l[7] + l[8], l[9] / 1024, l[3] / tps
  split(accented, a, " ")
  printf "%-46s %9.0f %8.2f %8.2f %8.2f %8d %7.0f %8.3f\n", "dinh search name (with accents) + date of birth", a[3], a[4], a[5], a[6], a[7] + a[8], a[9] / 1024, a[3] / tps
  split(ascii, s, " ")
  printf "%-46s %9.0f %8.2f %8.2f %8.2f %8d %7.0f %8.3f\n", "dinh search name (ASCII) + date of birth", s[3], s[4], s[5], s[6], s[7] + s[8], s[9] / 1024, s[3] / tps
  printf "target: lookup >= 0.25 of pgbench TPS: %.3f, %s (lookup vs SELECT + INSERT + COMMIT: %.3f; vs the floor: %.3f; the floor itself: %.3f of pgbench; vs the minimal lookup: %.3f, which is itself %.3f of pgbench)\n", l[3] / tps, (l[3] / tps >= 0.25 ? "met" : "NOT met"), l[3] / audited, l[3] / f[3], f[3] / tps, l[3] / m[3], m[3] / tps
  best = (ma[3] > mb[3] ? ma[3] : mb[3]); best = (best > m2[3] ? best : m2[3])
  printf "ceiling: an audited HTTP lookup on this stack and machine reaches at most %.3f of pgbench (the best minimal audited peer); their audit rows: %d, for %d reads answered in the measured runs plus the warm-ups\n", best / tps, audit_rows, ma[1] + mb[1] + m2[1]
  p95 = (a[5] > s[5] ? a[5] : s[5])
  printf "target: search p95 < 50 ms (issue: at 10,000,000 citizens): %.2f ms here, %s at this size\n", p95, (p95 < 50 ? "met" : "NOT met")
}'
printf 'total %.0f s\n' "$(( ($(now) - began) / 1000000 ))e-3"
# 499 is logged for the requests wrk abandons when each run ends; anything else is a real failure.
if grep 'responded [45][0-9][0-9]' "$root/bench/out/lookup-server.log" | grep -qv 'responded 499'; then
  echo "answers other than 2xx/3xx (from the server log, bench/out/lookup-server.log):"
  grep -o 'HTTP GET [^ ]* responded [45][0-9][0-9]' "$root/bench/out/lookup-server.log" | grep -v 'responded 499' | sort | uniq -c
fi
