#!/usr/bin/env bash
# Sourced by the HTTP benchmarks: warm a server up until its JIT has settled, so that the measured run is of the
# code a server runs for hours, not of methods still being compiled.
#   source bench/warm-up.sh; warm_up http://127.0.0.1:PORT <command that loads the server for N seconds, N last>
# The command is run in slices of 5 s. .NET compiles a method first quickly, then again instrumented, then optimised
# (tiered compilation); on this application that goes on for 30–40 s of load after start, and meanwhile requests run
# slower code and the compiler takes CPU from them. After each slice the server's own count of compiled methods
# (`dotnet_jit_compiled_methods_total` on /metrics, from the System.Runtime meter) is read: the warm-up ends after
# DINH_BENCH_WARMUP seconds (15) once three slices in a row each compiled fewer than 100 methods, and in any case
# after DINH_BENCH_WARMUP_MAX seconds (90). One quiet slice was not enough: on the login server a lull at 10-15 s was
# followed by bursts of 300-1,700 methods per slice until ~80 s (traced 2026-11-24), inside the measured rounds.
# Prints one line: how long it took and what the last slice compiled. DINH_BENCH_WARMUP_TRACE=1 prints every slice.
warm_up() {
  local base=$1; shift
  local least=${DINH_BENCH_WARMUP:-15} most=${DINH_BENCH_WARMUP_MAX:-90} slice=5 spent=0 quiet=0 before after compiled=
  before=$(jit_methods "$base")
  while :; do
    "$@" "$slice" >/dev/null
    spent=$((spent + slice))
    after=$(jit_methods "$base")
    compiled=$((after - before))
    before=$after
    [ -n "${DINH_BENCH_WARMUP_TRACE:-}" ] && echo "  warm-up ${spent} s: ${compiled} methods compiled in the last ${slice} s" >&2
    if [ "$compiled" -lt 100 ]; then quiet=$((quiet + 1)); else quiet=0; fi
    if [ "$spent" -ge "$least" ] && [ "$quiet" -ge 3 ]; then
      echo "warm-up ${spent} s: the JIT settled (${compiled} methods compiled in the last ${slice} s, under 100 in each of the last 3 slices)"
      return
    fi
    if [ "$spent" -ge "$most" ]; then
      echo "warm-up ${spent} s: the JIT had NOT settled (${compiled} methods compiled in the last ${slice} s)"
      return
    fi
  done
}

jit_methods() {
  curl -sf "$1/metrics" | awk '/^dotnet_jit_compiled_methods_total[ {]/ { n = $NF } END { printf "%d\n", n }'
}
