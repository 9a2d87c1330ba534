#!/usr/bin/env bash
# An A/B probe of the exchange's audited read path (not a benchmark with targets; bench/run-exchange.sh is): the same
# seeded cluster as run-exchange.sh, with pg_stat_statements preloaded, then one lookup run per variant, each on a fresh
# server, printing wrk's line with the server's and PostgreSQL's CPU ms per request (as run-exchange.sh does), the load
# average, the audit records written and the transactions (read-audit batches) they took, and per variant the top
# statements by execution time per request and the WAL per request (to $PROBE_OUT, default bench/out/probe-exchange-audit.txt).
#   PROBE_VARIANTS="on@/tmp/base/dinh.dll on on:Dinh__Audit__Reads__GatherRounds=0 off" ./bench/probe-exchange-audit.sh
# A variant is on|off (off: Dinh:Exchange:BenchmarkWithoutAudit), optionally @<a published dinh.dll> (default: built
# from src), optionally :<env assignments, comma-separated>. Alternate the variants: on a shared machine the CPU per
# request of the same build moves by ±10 % between runs. PROBE_VERIFY=1 adds a verification run per variant.
# Environment otherwise as run-exchange.sh (DINH_BENCH_SECONDS, DINH_BENCH_CONNECTIONS, DINH_BENCH_PG_PORT, DINH_BENCH_PORT).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
citizens=${1:-20000}
seconds=${DINH_BENCH_SECONDS:-20}
connections=${DINH_BENCH_CONNECTIONS:-16}
pg_port=${DINH_BENCH_PG_PORT:-55494}
port=${DINH_BENCH_PORT:-55495}
PROBE_OUT=${PROBE_OUT:-$root/bench/out/probe-exchange-audit.txt}
# shellcheck source=../.ci/postgres.sh
source "$root/.ci/postgres.sh"
# shellcheck source=warm-up.sh
source "$root/bench/warm-up.sh"

# shellcheck source=common.sh
source "$root/bench/common.sh"
bench_require probe-exchange-audit "apt-get install -y wrk postgresql postgresql-contrib curl jq python3" wrk pgbench psql curl jq python3

# shellcheck source=exchange-build.sh
source "$root/bench/exchange-build.sh"

# pg_stat_statements, loaded for the probe only
exchange_after_pg_start() {
  local as=(); [ "$(id -u)" = 0 ] && as=(runuser -u "$PG_TEMP_OWNER" --)
  psql -X -q -h 127.0.0.1 -p "$PG_TEMP_PORT" -U dinh -d postgres -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
  "${as[@]}" "$PG_TEMP_BIN/pg_ctl" -D "$PG_TEMP_DIR/data" -w restart -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $PG_TEMP_DIR -c max_connections=300 -c shared_buffers=512MB -c fsync=on" >/dev/null
}
exchange_after_databases() { "${psql[@]}" -d exchange -c "CREATE EXTENSION pg_stat_statements"; }
# shellcheck source=exchange-setup.sh
source "$root/bench/exchange-setup.sh"
mkdir -p "$root/bench/out"
: >"$root/bench/out/exchange-server.log"

pgbench_out=$(pgbench -S -M prepared -c "$connections" -j 2 -T "$seconds" -n -h 127.0.0.1 -p "$PG_TEMP_PORT" -U dinh pgbench 2>&1)
tps=$(echo "$pgbench_out" | awk '/^tps = / { print $3; exit }')
phase "pgbench -S -M prepared -c $connections -j 2 -T $seconds: $tps tps"

half=$(( (seconds + 1) / 2 ))
declare -A result
dinh_default=("${dinh[@]}")
for variant in ${PROBE_VARIANTS:-on off}; do
  spec=${variant%%:*}; audit=${spec%%@*}; dinh=("${dinh_default[@]}"); [[ $spec == *@* ]] && dinh=(dotnet "${spec#*@}"); extra=(); [[ $variant == *:* ]] && IFS=, read -ra extra <<<"${variant#*:}"
  profiling=()
  [ -n "${DINH_BENCH_PERF:-}" ] && profiling=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
  if [ "$audit" = on ]; then serve "${profiling[@]}" "${extra[@]}"; else serve "${profiling[@]}" "${extra[@]}" Dinh__Exchange__BenchmarkWithoutAudit=true; fi
  access=$(token)
  warmed=$(warm_up "http://127.0.0.1:$port" load lookup)
  measured() { # mode seconds
    local s0 p0 out
    s0=$(cpu_ms "/proc/$server_pid/stat"); p0=$(pg_cpu_ms)
    out=$(load "$@")
    echo "$out $(awk -v o="$out" -v s="$(( $(cpu_ms "/proc/$server_pid/stat") - s0 ))" -v p="$(( $(pg_cpu_ms) - p0 ))" \
      'BEGIN { split(o, w, " "); printf "%.3f %.3f", s / w[1], p / w[1] }')"
  }
  "${psql[@]}" -d exchange -c "SELECT pg_stat_statements_reset()" -c "SELECT pg_stat_reset_shared('wal')" >/dev/null
  x0=$("${psql[@]}" -d exchange -At -c "SELECT count(*) FROM audit_records")
  b0=$("${psql[@]}" -d exchange -At -c "SELECT txid_current()")
  r=$(measured lookup "$seconds")
  x1=$("${psql[@]}" -d exchange -At -c "SELECT count(*) FROM audit_records")
  b1=$("${psql[@]}" -d exchange -At -c "SELECT txid_current()")
  n=$(echo "$r" | awk '{print $1}')
  echo "=== $variant: $r  load $(cut -d ' ' -f 1-3 /proc/loadavg) records $((x1-x0)) txids $((b1-b0-1))" | tee -a "$PROBE_OUT"
  "${psql[@]}" -d exchange -c "SELECT round(total_exec_time::numeric*1000/$n,1) AS us_per_req, calls, round(mean_exec_time::numeric*1000,1) AS mean_us, rows, round(wal_bytes::numeric/$n) AS wal_b_per_req, left(regexp_replace(query, '\s+', ' ', 'g'), 100) AS q FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 6" >> "$PROBE_OUT"
  "${psql[@]}" -d exchange -c "SELECT wal_records, wal_fpi, wal_bytes, round(wal_bytes::numeric/$n) AS bytes_per_req, wal_write, wal_sync FROM pg_stat_wal" >> "$PROBE_OUT"
  if [ -n "${PROBE_VERIFY:-}" ]; then echo "=== verify $variant: $(measured verify "$half")" | tee -a "$PROBE_OUT"; fi
  stop
done
