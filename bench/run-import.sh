#!/usr/bin/env bash
# Registry import versus a raw COPY of the same file, on a throw-away PostgreSQL: ./bench/run-import.sh [rows]
# Target (registry issue): the import runs at >= 30% of the rate of `COPY` into an unindexed table.
# DINH_IMPORT_BASELINE=/path/to/another/build/dinh.dll also imports the same file with that build (e.g. main's before
# a change) into its own fresh database, so a before/after pair comes from one run.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rows=${1:-1000000}
# shellcheck source=../.ci/postgres.sh
source "$root/.ci/postgres.sh"

echo "building Release…" >&2
dotnet build "$root/src/Dinh.Server/Dinh.Server.csproj" -c Release --nologo -v q >/dev/null
dotnet build "$root/bench/Dinh.Bench/Dinh.Bench.csproj" -c Release --nologo -v q >/dev/null
dinh=(dotnet "$root/src/Dinh.Server/bin/Release/net10.0/dinh.dll")

# The file is cached between runs: generating it is not what is measured.
mkdir -p "$root/bench/out"
file="$root/bench/out/citizens-$rows.csv"
if [ ! -s "$file" ]; then
  echo "generating $rows rows…" >&2
  dotnet "$root/bench/Dinh.Bench/bin/Release/net10.0/Dinh.Bench.dll" citizen-file "$rows" "$file"
fi

trap pg_temp_stop EXIT
pg_temp_start "${DINH_BENCH_PG_PORT:-55441}" >&2
psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_TEMP_PORT" -U dinh)

now() { date +%s%N; }

"${psql[@]}" -d postgres -c "CREATE DATABASE bench_raw" -c "CREATE DATABASE bench_dinh" -c "CREATE DATABASE bench_base"
"${psql[@]}" -d bench_raw -c "CREATE TABLE raw (personal_id_number text, full_name text, date_of_birth text, sex text,
  ethnicity_code text, religion text, nationality text, birthplace text, hometown text, residence_unit_code text,
  residence_address text, residence_from text, date_of_death text)"
start=$(now)
"${psql[@]}" -d bench_raw -c "\\copy raw FROM '$file' WITH (FORMAT csv, HEADER true)"
raw_ns=$(( $(now) - start ))

export Dinh__Database__Provider=Postgres
base_ns=0
if [ -n "${DINH_IMPORT_BASELINE:-}" ]; then
  export ConnectionStrings__Dinh="Host=127.0.0.1;Port=$PG_TEMP_PORT;Username=dinh;Database=bench_base"
  dotnet "$DINH_IMPORT_BASELINE" db migrate >/dev/null
  start=$(now)
  dotnet "$DINH_IMPORT_BASELINE" registry import "$file" 2>/dev/null
  base_ns=$(( $(now) - start ))
fi
export ConnectionStrings__Dinh="Host=127.0.0.1;Port=$PG_TEMP_PORT;Username=dinh;Database=bench_dinh"
"${dinh[@]}" db migrate >/dev/null
start=$(now)
"${dinh[@]}" registry import "$file" 2>/dev/null
dinh_ns=$(( $(now) - start ))
imported=$("${psql[@]}" -d bench_dinh -At -c "SELECT count(*) FROM citizens")
residences=$("${psql[@]}" -d bench_dinh -At -c "SELECT count(*) FROM residences")
"${dinh[@]}" audit verify 2>/dev/null | tail -n 1

awk -v rows="$rows" -v raw="$raw_ns" -v dinh="$dinh_ns" -v base="$base_ns" -v imported="$imported" -v residences="$residences" 'BEGIN {
  raw /= 1e9; dinh /= 1e9; base /= 1e9
  printf "registry import: %d rows, PostgreSQL %s, %d CPUs, load average %s\n", rows, "'"$("${psql[@]}" -d postgres -At -c 'SHOW server_version')"'", "'"$(nproc)"'", "'"$(cut -d ' ' -f 1-3 /proc/loadavg)"'"
  printf "%-44s %10s %12s %8s\n", "scenario", "seconds", "rows/s", "ratio"
  printf "%-44s %10.2f %12.0f %8.2f\n", "raw COPY into an unindexed table (psql \\copy)", raw, rows / raw, 1
  if (base > 0) printf "%-44s %10.2f %12.0f %8.3f\n", "baseline build: dinh registry import", base, rows / base, raw / base
  printf "%-44s %10.2f %12.0f %8.3f\n", "dinh registry import (validated, indexed)", dinh, rows / dinh, raw / dinh
  printf "citizens stored: %d of %d rows (%d residences); target ratio >= 0.30\n", imported, rows, residences
}'
