#!/usr/bin/env bash
# Data exchange through the full stack (token validation, member and grant check, audit + access-log write) against
# pgbench on the same throw-away PostgreSQL, then event delivery to three webhook subscribers, one down for a minute:
#   ./bench/run-exchange.sh [citizens]          (default 20,000)
# Targets (exchange issue): lookup and verification >= 25% of `pgbench -S -M prepared` TPS; the audit trail costs
# < 15% of that throughput (Dinh:Exchange:BenchmarkWithoutAudit compares); 100,000 events to 3 subscribers, one down
# for a minute: every event delivered, none lost.
# Environment: DINH_BENCH_SECONDS (20), DINH_BENCH_CONNECTIONS (16), DINH_BENCH_EVENTS (100000), DINH_BENCH_DOWN (60),
# DINH_BENCH_PARTS ("lookup events": either or both), DINH_BENCH_PG_PORT (55494), DINH_BENCH_PORT (55495), DINH_BENCH_HOOK_PORT (20496: three ports from there, below the ephemeral
# range: a client retrying a closed port inside it can connect to itself and then hold the port),
# DINH_BENCH_DINH_DLL (none: builds src): a published dinh.dll to run instead, for an A/B against another build (publish
# it once with `dotnet publish src/Dinh.Server -c Release -o DIR`; it migrates and seeds its own schema),
# DINH_BENCH_PERF (none): a directory; the audited and unaudited lookup runs are then profiled with `perf record -F 499 -g`
# (the servers start with DOTNET_PerfMapEnabled=1; a profile, not a measurement: perf takes some CPU).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
citizens=${1:-20000}
seconds=${DINH_BENCH_SECONDS:-20}
connections=${DINH_BENCH_CONNECTIONS:-16}
events=${DINH_BENCH_EVENTS:-100000}
down=${DINH_BENCH_DOWN:-60}
pg_port=${DINH_BENCH_PG_PORT:-55494}
port=${DINH_BENCH_PORT:-55495}
hook_port=${DINH_BENCH_HOOK_PORT:-20496}
parts=${DINH_BENCH_PARTS:-lookup events}
# shellcheck source=../.ci/postgres.sh
source "$root/.ci/postgres.sh"
# shellcheck source=warm-up.sh
source "$root/bench/warm-up.sh"

# shellcheck source=common.sh
source "$root/bench/common.sh"
bench_require run-exchange "apt-get install -y wrk postgresql postgresql-contrib curl jq python3" wrk pgbench psql curl jq python3

# shellcheck source=exchange-build.sh
source "$root/bench/exchange-build.sh"

# shellcheck source=exchange-setup.sh
source "$root/bench/exchange-setup.sh"
mkdir -p "$root/bench/out"
: >"$root/bench/out/exchange-server.log"

if [[ $parts == *lookup* ]]; then
pgbench_out=$(pgbench -S -M prepared -c "$connections" -j 2 -T "$seconds" -n -h 127.0.0.1 -p "$PG_TEMP_PORT" -U dinh pgbench 2>&1)
tps=$(echo "$pgbench_out" | awk '/^tps = / { print $3; exit }')
phase "pgbench -S -M prepared -c $connections -j 2 -T $seconds: $tps tps"

half=$(( (seconds + 1) / 2 ))
declare -A result
for audit in on off; do
  profiling=()
  [ -n "${DINH_BENCH_PERF:-}" ] && profiling=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
  if [ "$audit" = on ]; then serve "${profiling[@]}"; else serve "${profiling[@]}" Dinh__Exchange__BenchmarkWithoutAudit=true; fi
  access=$(token)
  first=$(head -n 1 "$work/numbers")
  curl -sf -H "Authorization: Bearer $access" -H "Dinh-Purpose: benchmark" -H "Dinh-Case-Reference: BENCH-1" \
    "http://127.0.0.1:$port/api/exchange/persons/$first" | jq -e '.fullName | length > 0' >/dev/null \
    || { echo "run-exchange: the lookup of $first returned no name" >&2; exit 1; }
  warmed=$(warm_up "http://127.0.0.1:$port" load lookup)
  # Appends "<server CPU ms per request> <PostgreSQL CPU ms per request>" to wrk's line.
  measured() { # mode seconds
    local s0 p0 out
    s0=$(cpu_ms "/proc/$server_pid/stat"); p0=$(pg_cpu_ms)
    out=$(load "$@")
    echo "$out $(awk -v o="$out" -v s="$(( $(cpu_ms "/proc/$server_pid/stat") - s0 ))" -v p="$(( $(pg_cpu_ms) - p0 ))" \
      'BEGIN { split(o, w, " "); printf "%.3f %.3f", s / w[1], p / w[1] }')"
  }
  perf_pid=
  if [ -n "${DINH_BENCH_PERF:-}" ]; then
    mkdir -p "$DINH_BENCH_PERF"
    perf record -F 499 -g -o "$DINH_BENCH_PERF/lookup-audit-$audit.data" -p "$server_pid" -- sleep "$seconds" >/dev/null 2>&1 & perf_pid=$!
  fi
  result[lookup_$audit]=$(measured lookup "$seconds")
  [ -n "$perf_pid" ] && { wait "$perf_pid" || true; }
  result[verify_$audit]=$(measured verify "$half")
  # The floor (no query, no audit) once, on the audited server: no endpoint of this server can be faster.
  [ "$audit" = on ] && result[floor]=$(load floor "$half")
  stop
  phase "lookup and verification, audit $audit ($warmed)"
done
audits=$("${psql[@]}" -d exchange -At -c "SELECT count(*) FROM audit_records WHERE action LIKE 'exchange.%'")
logged=$("${psql[@]}" -d exchange -At -c "SELECT count(*) FROM exchange_access_log")

echo
echo "dinh: ${DINH_BENCH_DINH_DLL:-built from $root}"
echo "data exchange: $citizens citizens in PostgreSQL $("${psql[@]}" -d postgres -At -c 'SHOW server_version'), $(nproc) CPUs, load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "concurrency $connections (wrk -t 2, pgbench -j 2); $seconds s for pgbench -S and lookups, $half s for verifications"
awk -v tps="$tps" -v floor="${result[floor]}" -v lon="${result[lookup_on]}" -v loff="${result[lookup_off]}" -v von="${result[verify_on]}" -v voff="${result[verify_off]}" 'BEGIN {
  printf "%-52s %9s %8s %8s %8s %8s %8s\n", "scenario", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "vs peer"
  printf "%-52s %9.0f %8s %8s %8s %8s %8.2f\n", "peer: pgbench -S -M prepared", tps, "-", "-", "-", "-", 1
  split(lon, a, " "); split(loff, b, " "); split(von, c, " "); split(voff, d, " "); split(floor, f, " ")
  printf "%-52s %9.0f %8.2f %8.2f %8.2f %8d %8.3f\n", "floor: GET /health/live (same headers, no work)", f[3], f[4], f[5], f[6], f[7] + f[8], f[3] / tps
  printf "%-52s %9.0f %8.2f %8.2f %8.2f %8d %8.3f\n", "dinh GET /api/exchange/persons/{n} (audited)", a[3], a[4], a[5], a[6], a[7] + a[8], a[3] / tps
  printf "%-52s %9.0f %8.2f %8.2f %8.2f %8d %8.3f\n", "dinh POST /api/exchange/verifications (audited)", c[3], c[4], c[5], c[6], c[7] + c[8], c[3] / tps
  printf "%-52s %9.0f %8.2f %8.2f %8.2f %8d %8.3f\n", "dinh lookup, BenchmarkWithoutAudit", b[3], b[4], b[5], b[6], b[7] + b[8], b[3] / tps
  printf "%-52s %9.0f %8.2f %8.2f %8.2f %8d %8.3f\n", "dinh verification, BenchmarkWithoutAudit", d[3], d[4], d[5], d[6], d[7] + d[8], d[3] / tps
  printf "target: lookup >= 0.25 of pgbench: %.3f %s; verification: %.3f %s (of the floor: lookup %.3f, verification %.3f)\n", a[3] / tps, (a[3] / tps >= 0.25 ? "met" : "NOT met"), c[3] / tps, (c[3] / tps >= 0.25 ? "met" : "NOT met"), a[3] / f[3], c[3] / f[3]
  printf "CPU ms per request (server / PostgreSQL): lookup audited %.3f / %.3f, without audit %.3f / %.3f; verification audited %.3f / %.3f, without audit %.3f / %.3f\n", a[9], a[10], b[9], b[10], c[9], c[10], d[9], d[10]
  printf "extra CPU ms per audited request (server + PostgreSQL): lookup %.3f, verification %.3f\n", a[9] + a[10] - b[9] - b[10], c[9] + c[10] - d[9] - d[10]
  printf "target: audit costs < 15%%: lookup %.1f%% %s, verification %.1f%% %s\n", 100 * (1 - a[3] / b[3]), (1 - a[3] / b[3] < 0.15 ? "met" : "NOT met"), 100 * (1 - c[3] / d[3]), (1 - c[3] / d[3] < 0.15 ? "met" : "NOT met")
}'
echo "audit records written by the audited runs: $audits (3 of them administration); access-log rows: $logged"
# Each read-audit batch is one transaction: its rows share their xmin.
echo "read-audit batches: $("${psql[@]}" -d exchange -At -c "SELECT count(DISTINCT xmin::text) || ', ' || round(count(*)::numeric / greatest(count(DISTINCT xmin::text), 1), 2) || ' records each' FROM audit_records WHERE action LIKE 'exchange.%'")"
fi
[[ $parts == *events* ]] || exit 0

# Events: three subscribers with events grants and webhooks; the third is down for the first $down seconds.
secrets=()
for i in 0 1 2; do
  m="VN/GOV/SUB$i/events"
  "${bench[@]}" exchange-key "$work/sub$i.pem" "$work/sub$i.jwk"
  "${dinh[@]}" members add "$m" --name "Subscriber $i" --jwks-file "$work/sub$i.jwk" >/dev/null
  "${dinh[@]}" grants add "$m" --dataset events --field birth --purpose benchmark --legal-basis "benchmark" >/dev/null
  secrets[$i]=$("${dinh[@]}" members webhook "$m" --url "http://127.0.0.1:$((hook_port + i))/hook" | sed 's/.*: //')
done
python3 "$root/bench/webhook_receiver.py" "$hook_port" "${secrets[0]}" & hook_pids+=($!)
python3 "$root/bench/webhook_receiver.py" "$((hook_port + 1))" "${secrets[1]}" & hook_pids+=($!)
"${psql[@]}" -d exchange -c "INSERT INTO registry_changes (event_id, kind, citizen_id, occurred_on, recorded_at, data)
  SELECT gen_random_uuid(), 'birth', (SELECT id FROM citizens ORDER BY id LIMIT 1), current_date, now(), '{\"bench\":\"' || g || '\"}'
  FROM generate_series(1, $events) g"
phase "$events registry changes written; subscribers 0 and 1 up, 2 down"
delivery_started=$(now)
serve Dinh__Exchange__Deliver=true Dinh__Exchange__FirstRetryDelay=00:00:02 Dinh__Exchange__MaxRetryDelay=00:00:20 Dinh__Exchange__MaxAttempts=20
sleep "$down"
python3 "$root/bench/webhook_receiver.py" "$((hook_port + 2))" "${secrets[2]}" & hook_pids+=($!)
phase "subscriber 2 up after $down s"
count() { curl -sf "http://127.0.0.1:$1/count" || echo "0 0 0"; }
for _ in $(seq 1800); do
  pending=$("${psql[@]}" -d exchange -At -c "SELECT count(*) FROM exchange_deliveries WHERE status <> 2")
  made=$("${psql[@]}" -d exchange -At -c "SELECT count(*) FROM exchange_deliveries")
  [ "$made" -ge $(( 3 * events )) ] && [ "$pending" = 0 ] && break
  sleep 1
done
delivery_ns=$(( $(now) - delivery_started ))
phase "deliveries settled"
parked=$("${psql[@]}" -d exchange -At -c "SELECT count(*) FROM exchange_deliveries WHERE status = 3")
echo
echo "events: $events births to 3 webhook subscribers, subscriber 2 down for the first $down s"
lost=0
for i in 0 1 2; do
  read -r distinct received bad <<<"$(count $((hook_port + i)))"
  echo "  subscriber $i: $distinct distinct events ($received requests, $bad bad signatures)"
  [ "$distinct" = "$events" ] || lost=1
done
awk -v n="$events" -v ns="$delivery_ns" 'BEGIN { printf "  all delivered in %.0f s (from server start, incl. the %s s outage): %.0f deliveries/s\n", ns / 1e9, "'"$down"'", 3 * n / (ns / 1e9) }'
echo "  parked: $parked"
if [ "$lost" = 0 ] && [ "$parked" = 0 ]; then echo "target: every event delivered, none lost: met"; else echo "target: every event delivered, none lost: NOT met"; fi
printf 'total %.0f s\n' "$(( ($(now) - began) / 1000000 ))e-3"
