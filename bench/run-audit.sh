#!/usr/bin/env bash
# Audit append benchmark against a throw-away PostgreSQL: ./bench/run-audit.sh [--seconds N] [--writers W]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../.ci/postgres.sh
source "$root/.ci/postgres.sh"

trap pg_temp_stop EXIT
pg_temp_start "${DINH_BENCH_PG_PORT:-55440}"

# Built first so the build's output does not interleave with the figures; no timeout needed: each scenario ends by itself.
if ! build=$(dotnet build "$root/bench/Dinh.Bench/Dinh.Bench.csproj" -c Release --nologo 2>&1); then
  echo "$build" >&2
  exit 1
fi
dotnet run --project "$root/bench/Dinh.Bench/Dinh.Bench.csproj" -c Release --no-build -- \
  audit --postgres "$DINH_TEST_POSTGRES" "$@"
