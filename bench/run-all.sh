#!/usr/bin/env bash
# Every benchmark, one after the other, each against its peer in the same run:
#   bench/run-all.sh                 # the figures of docs/performance.md (1,000,000 citizens; 10,000,000 when cached)
#   bench/run-all.sh --quick         # a smoke run at small sizes and short durations (checks the harness, not figures)
#   bench/run-all.sh --only lookup,token
#   bench/run-all.sh --only services  # the portal: 10,000 dossiers and 1,000 birth bundles (--quick: 500 and 50)
# Builds Release once, then runs audit, import, lookup (1M, and 10M if its database is cached), token, login, exchange and
# services, each
# under a time cap; every script starts its own throw-away PostgreSQL and servers on loopback and stops them (trap on
# exit). Prints each script's figure lines (one per figure, with its ratio to the peer measured in that script) and
# the time each took; the full output of each goes to bench/out/all-<stamp>/<scenario>.txt.
# Budget: < 30 minutes on the 2-core development machine once the seeded databases are kept (bench/out/pg-registry-N/,
# stopped PostgreSQL clusters made by the first lookup run at that size: about 8 minutes for 1,000,000 citizens through
# `dinh seed`, or for 10,000,000 from bench/out/registry-10000000.dump; measured 24 min 26 s on 2026-11-24).
# Environment: DINH_BENCH_SEED_10M=1 seeds 10,000,000 citizens when no cache exists (hours; see docs/performance.md).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
quick=0
only=
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --only) only=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "run-all: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

stamp=$(date -u +%Y%m%d-%H%M%S)
out="$root/bench/out/all-$stamp"
mkdir -p "$out"
report="$out/report.txt"
began=$(date +%s)

if [ "$quick" = 1 ]; then
  seconds=5; rounds=1; citizens=20000; import_rows=100000; events=2000; down=10
else
  seconds=15; rounds=2; citizens=1000000; import_rows=1000000; events=100000; down=60
fi

wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }

{
  echo "Dinh benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$([ "$quick" = 1 ] && echo ', QUICK (smoke run: sizes and durations too small for figures)')"
  echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load average $(cut -d ' ' -f 1-3 /proc/loadavg) at the start"
  echo "Figures from a machine shared with other work are noisy: compare ratios from the same run only."
} | tee "$report"

echo "building Release…" >&2
dotnet build "$root/Dinh.slnx" -c Release --nologo -v q >/dev/null

failures=0
# run <name> <cap seconds> <command…>: the script's stdout (its figure lines) goes to the report, everything to the log.
run() {
  local name=$1 cap=$2; shift 2
  local log="$out/$name.txt" started status
  started=$(date +%s)
  echo "== $name: $* (cap ${cap}s)" >&2
  set +e
  timeout --foreground -k 30 "$cap" "$@" >"$log.stdout" 2>"$log.stderr"
  status=$?
  set -e
  cat "$log.stdout" "$log.stderr" >"$log"
  {
    echo
    echo "== $name ($(( $(date +%s) - started )) s, exit $status)"
    grep -v '^[[:space:]]*$' "$log.stdout" || true
    if [ "$status" != 0 ]; then
      echo "FAILED (exit $status$([ "$status" = 124 ] && echo ': over its time cap')); last lines of $log:"
      tail -n 15 "$log.stderr" | sed 's/^/    /'
    fi
  } | tee -a "$report"
  rm -f "$log.stdout" "$log.stderr"
  [ "$status" = 0 ] || failures=$((failures + 1))
}

wanted audit && run audit 600 "$root/bench/run-audit.sh" --seconds "$seconds"
wanted import && run import 900 "$root/bench/run-import.sh" "$import_rows"
if wanted lookup; then
  # The first run at a size seeds it through `dinh seed` (binary COPY: a few thousand citizens/s here) and caches the dump.
  kept() { [ -f "$root/bench/out/pg-registry-$1/ready" ]; }
  cap=900; kept "$citizens" || [ -s "$root/bench/out/registry-$citizens.dump" ] || cap=$(( 600 + citizens / 500 ))
  DINH_BENCH_SECONDS=$((seconds * 2)) run lookup "$cap" "$root/bench/run-lookup.sh" "$citizens"
  if [ "$quick" = 0 ]; then
    if kept 10000000 || [ -s "$root/bench/out/registry-10000000.dump" ] || [ "${DINH_BENCH_SEED_10M:-0}" = 1 ]; then
      cap=1800; kept 10000000 || [ -s "$root/bench/out/registry-10000000.dump" ] || cap=$(( 1800 + 10000000 / 500 ))
      DINH_BENCH_SECONDS=$((seconds * 2)) run lookup-10m "$cap" "$root/bench/run-lookup.sh" 10000000
    else
      echo -e "\n== lookup-10m: NOT MEASURED: no kept bench/out/pg-registry-10000000 and no bench/out/registry-10000000.dump; seeding it takes tens of minutes here (DINH_BENCH_SEED_10M=1 to do it)" | tee -a "$report"
    fi
  fi
fi
wanted token && DINH_BENCH_SECONDS=$seconds DINH_BENCH_ROUNDS=$rounds run token 900 "$root/bench/run-token.sh"
wanted login && DINH_BENCH_SECONDS=$seconds DINH_BENCH_ROUNDS=$rounds run login 600 "$root/bench/run-login.sh"
# Exchange: member lookup and verification (with and without the audit) against pgbench -S, then the events to three
# webhook subscribers, one of them down for a minute.
wanted exchange && DINH_BENCH_SECONDS=$seconds DINH_BENCH_EVENTS=$events DINH_BENCH_DOWN=$down run exchange 1200 "$root/bench/run-exchange.sh"
if wanted services; then
  if [ "$quick" = 1 ]; then
    DINH_BENCH_CITIZENS=3000 DINH_BENCH_SECONDS=$seconds run services 900 "$root/bench/run-services.sh" 500 50
  else
    DINH_BENCH_SECONDS=$seconds run services 2400 "$root/bench/run-services.sh" 10000 1000
  fi
fi

total=$(( $(date +%s) - began ))
{
  echo
  echo "total $((total / 60)) min $((total % 60)) s$([ "$total" -gt 1800 ] && echo ' (OVER the 30-minute budget)'), load average $(cut -d ' ' -f 1-3 /proc/loadavg) at the end; $failures scenario(s) failed"
  echo "report: $report"
} | tee -a "$report"
[ "$failures" = 0 ]
