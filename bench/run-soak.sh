#!/usr/bin/env bash
# Soak (bench only, not CI): mixed traffic against one `dinh serve` for 10 minutes; memory growth under 10%, no errors.
#   bench/run-soak.sh                       # 600 s, 8 connections, 20,000 seeded citizens
#   DINH_SOAK_SECONDS=120 bench/run-soak.sh # shorter
# Environment: DINH_SOAK_SECONDS (600), DINH_SOAK_CONNECTIONS (8), DINH_SOAK_CITIZENS (20000),
#              DINH_BENCH_PG_PORT (55494), DINH_BENCH_PORT (55495).
# The traffic rotates through: officer lookups by ID number and name + date-of-birth searches (audited reads, the
# officer's cookie validated against the database on every request), the home page, the sign-in page, the OpenID
# configuration and JWKS, /health/ready. wrk runs in one-minute slices; after each, the server's VmRSS is read.
# Baseline: the RSS after the first slice (warm-up: JIT, pools, caches). Result: final RSS / baseline − 1 must stay
# under 10% and every slice must have 0 errors (non-2xx/3xx answers, socket errors, timeouts); exit 1 otherwise.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${DINH_SOAK_SECONDS:-600}
connections=${DINH_SOAK_CONNECTIONS:-8}
citizens=${DINH_SOAK_CITIZENS:-20000}
pg_port=${DINH_BENCH_PG_PORT:-55494}
port=${DINH_BENCH_PORT:-55495}
slice=60
[ "$seconds" -lt $((slice * 2)) ] && slice=$((seconds / 2))
# shellcheck source=../.ci/postgres.sh
source "$root/.ci/postgres.sh"
# shellcheck source=common.sh
source "$root/bench/common.sh"
bench_require run-soak "apt-get install -y wrk postgresql curl jq" wrk psql curl jq

work=$(mktemp -d /tmp/dinh-soak.XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  pg_temp_stop
  rm -rf "$work"
}
trap cleanup EXIT

echo "building Release…" >&2
dotnet build "$root/src/Dinh.Server/Dinh.Server.csproj" -c Release --nologo -v q >/dev/null
dinh=(dotnet "$root/src/Dinh.Server/bin/Release/net10.0/dinh.dll")
pg_temp_start "$pg_port" >&2
psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_TEMP_PORT" -U dinh -d soak)
psql -X -q -h 127.0.0.1 -p "$PG_TEMP_PORT" -U dinh -d postgres -c "CREATE DATABASE soak"
export Dinh__Database__Provider=Postgres
export ConnectionStrings__Dinh="Host=127.0.0.1;Port=$PG_TEMP_PORT;Username=dinh;Database=soak"
# Development only for the demo officer accounts (bench/officer-sign-in.sh signs one in through the login form).
export ASPNETCORE_ENVIRONMENT=Development Dinh__Demo__Seed=false Dinh__Demo__Accounts=true
"${dinh[@]}" db migrate >/dev/null
"${dinh[@]}" seed --citizens "$citizens" --random-seed 7 >/dev/null 2>&1
"${psql[@]}" -c "VACUUM ANALYZE"
echo "seeded $citizens citizens" >&2

"${psql[@]}" -At -c "SELECT number FROM citizen_id_numbers ORDER BY random() LIMIT 500" \
  | jq -Rr '"/api/registry/citizens?number=\(.)&purpose=soak"' >"$work/paths"
"${psql[@]}" -At -F $'\t' -c "SELECT full_name, format('%s-%s-%s', birth_year, lpad(birth_month::text, 2, '0'), lpad(birth_day::text, 2, '0'))
  FROM citizens WHERE birth_day IS NOT NULL AND make_date(birth_year, birth_month, birth_day) <= current_date ORDER BY random() LIMIT 500" \
  | jq -Rr 'split("\t") | "/api/registry/citizens?name=\(.[0] | @uri)&dateOfBirth=\(.[1])&purpose=soak"' >>"$work/paths"
for _ in $(seq 100); do
  printf '%s\n' / /account/login /.well-known/openid-configuration /.well-known/jwks /health/ready >>"$work/paths"
done
shuf "$work/paths" -o "$work/paths"

mkdir -p "$root/bench/out"
"${dinh[@]}" serve --urls "http://127.0.0.1:$port" >"$root/bench/out/soak-server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 240); do
  curl -sf -o /dev/null "$base/health/ready" && break
  kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$root/bench/out/soak-server.log" >&2; exit 1; }
  sleep 0.5
done
# shellcheck source=officer-sign-in.sh
source "$root/bench/officer-sign-in.sh"
officer_sign_in "$base" dulieu.quocgia "$work"
curl -sf -H "Cookie: $cookie" "$base$(grep -m 1 'number=' "$work/paths")" | jq -e '.total == 1' >/dev/null \
  || { echo "run-soak: a sampled lookup did not find its citizen" >&2; exit 1; }

rss() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status"; }
echo "soak: $seconds s in slices of $slice s, wrk -t 2 -c $connections, $(wc -l <"$work/paths") paths (lookups, searches, pages, OIDC metadata, health); load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
printf '%-7s %9s %8s %8s %8s %7s %8s\n' slice req/s "p50 ms" "p99 ms" errors "RSS MiB" "vs first"
baseline=
errors=0
elapsed=0
i=0
while [ "$elapsed" -lt "$seconds" ]; do
  i=$((i + 1))
  line=$(DINH_WRK_PATHS="$work/paths" DINH_WRK_COOKIE=$cookie wrk -t 2 -c "$connections" -d "${slice}s" --timeout 10s \
    -s "$root/bench/lookup.lua" "$base" | awk '/^WRK / { $1 = ""; print }')
  kill -0 "$server_pid" 2>/dev/null || { echo "run-soak: the server died" >&2; tail -n 30 "$root/bench/out/soak-server.log" >&2; exit 1; }
  now_rss=$(rss)
  [ -n "$baseline" ] || baseline=$now_rss
  read -r _ _ rate p50 _ p99 non2xx socket <<<"$line"
  errors=$((errors + non2xx + socket))
  awk -v i="$i" -v r="$rate" -v a="$p50" -v b="$p99" -v e="$((non2xx + socket))" -v m="$now_rss" -v base="$baseline" \
    'BEGIN { printf "%-7s %9.0f %8.2f %8.2f %8d %7d %8.3f\n", i, r, a, b, e, m, m / base }'
  elapsed=$((elapsed + slice))
done
final=$(rss)
growth=$(awk -v f="$final" -v b="$baseline" 'BEGIN { printf "%.1f", (f / b - 1) * 100 }')
verdict=$(awk -v g="$growth" -v e="$errors" 'BEGIN { print (g < 10 && e == 0) ? "met" : "NOT met" }')
echo "soak: RSS $baseline MiB after the first slice, $final MiB at the end: growth ${growth}% (target < 10%); errors $errors (target 0): $verdict; load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
[ "$verdict" = met ]
