#!/usr/bin/env bash
# Registry import versus a raw COPY of the same file, on a throw-away PostgreSQL: ./bench/run-import.sh [rows]
# Target (registry issue): the import runs at >= 30% of the rate of `COPY` into an unindexed table.
# Two more peers end the run: the rows the import stored, loaded again by binary COPY into a fresh schema, indexed or
# with the indexes built after (no parsing or checks): the "ceiling" line is the best any import into this schema can do.
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

work=$(mktemp -d /tmp/dinh-import.XXXXXX)
trap 'pg_temp_stop; rm -rf "$work"' EXIT
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

# Peers: the least any import into Dinh's schema can cost here. The rows the import stored are written out in
# PostgreSQL's binary format, then loaded into a freshly migrated database twice: once straight into the indexed
# tables ("indexed": every index kept up to date row by row), once with the tables' indexes and constraints dropped
# first and rebuilt after the load, as pg_restore does ("built after"). Neither parses, validates, checks for
# duplicates, checkpoints nor audits anything: an import that does those cannot be faster than the better of the two.
tables=(citizens citizen_id_numbers residences)
for table in "${tables[@]}"; do
  "${psql[@]}" -d bench_dinh -c "\\copy $table TO '$work/$table.bin' WITH (FORMAT binary)"
done
store_floor() { # database: binary COPY of the stored rows into the migrated, empty database; prints nanoseconds
  ConnectionStrings__Dinh="Host=127.0.0.1;Port=$PG_TEMP_PORT;Username=dinh;Database=$1" "${dinh[@]}" db migrate >/dev/null
  local begun; begun=$(now)
  for table in "${tables[@]}"; do
    "${psql[@]}" -d "$1" -c "\\copy $table FROM '$work/$table.bin' WITH (FORMAT binary)" >/dev/null
  done
  echo $(( $(now) - begun ))
}
"${psql[@]}" -d postgres -c "CREATE DATABASE bench_indexed" -c "CREATE DATABASE bench_after"
indexed_ns=$(store_floor bench_indexed)
# "built after": the definitions are read from the migrated schema, the constraints and indexes of the three tables
# dropped (foreign keys that point at them too), the rows loaded, then everything created again; all of it is timed.
ConnectionStrings__Dinh="Host=127.0.0.1;Port=$PG_TEMP_PORT;Username=dinh;Database=bench_after" "${dinh[@]}" db migrate >/dev/null
list="'citizens', 'citizen_id_numbers', 'residences'"
"${psql[@]}" -d bench_after -At -c "
  SELECT format('ALTER TABLE %s DROP CONSTRAINT %I;', conrelid::regclass, conname) FROM pg_constraint
  WHERE contype IN ('p', 'u', 'f', 'x') AND (conrelid::regclass::text IN ($list) OR confrelid::regclass::text IN ($list))
  ORDER BY contype = 'f' DESC" >"$work/drop.sql"
"${psql[@]}" -d bench_after -At -c "
  SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s;', conrelid::regclass, conname, pg_get_constraintdef(oid)) FROM pg_constraint
  WHERE contype IN ('p', 'u', 'f', 'x') AND (conrelid::regclass::text IN ($list) OR confrelid::regclass::text IN ($list))
  ORDER BY contype = 'f'" >"$work/add.sql"
"${psql[@]}" -d bench_after -At -c "
  SELECT format('DROP INDEX %s;', i.indexrelid::regclass) FROM pg_index AS i
  WHERE i.indrelid::regclass::text IN ($list) AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = i.indexrelid)" >>"$work/drop.sql"
"${psql[@]}" -d bench_after -At -c "
  SELECT pg_get_indexdef(i.indexrelid) || ';' FROM pg_index AS i
  WHERE i.indrelid::regclass::text IN ($list) AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = i.indexrelid)" >"$work/indexes.sql"
cat "$work/indexes.sql" >>"$work/add.sql"
rebuilt=$(grep -c . "$work/add.sql")
start=$(now)
"${psql[@]}" -d bench_after -f "$work/drop.sql"
for table in "${tables[@]}"; do
  "${psql[@]}" -d bench_after -c "\\copy $table FROM '$work/$table.bin' WITH (FORMAT binary)"
done
copied_ns=$(( $(now) - start ))
# The rebuild gets every advantage: 1 GB of sort memory per index build (the cluster's default is 64 MB).
PGOPTIONS="-c maintenance_work_mem=1GB" "${psql[@]}" -d bench_after -f "$work/add.sql"
after_ns=$(( $(now) - start ))
after_rows=$("${psql[@]}" -d bench_after -At -c "SELECT count(*) FROM citizens")

awk -v rows="$rows" -v raw="$raw_ns" -v dinh="$dinh_ns" -v base="$base_ns" -v imported="$imported" -v residences="$residences" \
  -v indexed="$indexed_ns" -v after="$after_ns" -v after_rows="$after_rows" -v rebuilt="$rebuilt" -v copied="$copied_ns" 'BEGIN {
  raw /= 1e9; dinh /= 1e9; base /= 1e9; indexed /= 1e9; after /= 1e9; copied /= 1e9
  printf "registry import: %d rows, PostgreSQL %s, %d CPUs, load average %s\n", rows, "'"$("${psql[@]}" -d postgres -At -c 'SHOW server_version')"'", "'"$(nproc)"'", "'"$(cut -d ' ' -f 1-3 /proc/loadavg)"'"
  printf "%-44s %10s %12s %8s\n", "scenario", "seconds", "rows/s", "ratio"
  printf "%-44s %10.2f %12.0f %8.2f\n", "raw COPY into an unindexed table (psql \\copy)", raw, rows / raw, 1
  if (base > 0) printf "%-44s %10.2f %12.0f %8.3f\n", "baseline build: dinh registry import", base, rows / base, raw / base
  printf "%-44s %10.2f %12.0f %8.3f\n", "dinh registry import (validated, indexed)", dinh, rows / dinh, raw / dinh
  printf "%-44s %10.2f %12.0f %8.3f\n", "peer: stored rows, binary COPY, indexed", indexed, rows / indexed, raw / indexed
  printf "%-44s %10.2f %12.0f %8.3f\n", "peer: stored rows, binary COPY, built after", after, rows / after, raw / after
  printf "citizens stored: %d of %d rows (%d residences); target ratio >= 0.30\n", imported, rows, residences
  best = (indexed < after ? indexed : after)
  printf "ceiling: an import into this schema reaches at most %.3f of the raw COPY here (binary rows, no parsing or checks; built after: %.2f s to drop and COPY, %.2f s to create %d constraints and indexes; %d citizens after)\n", raw / best, copied, after - copied, rebuilt, after_rows
}'
