# Sourced by bench/run-exchange.sh and bench/probe-exchange-audit.sh, before exchange-setup.sh: a work directory that
# goes on exit with the servers, the webhook receivers and PostgreSQL, then the builds: dinh (from src, or
# DINH_BENCH_DINH_DLL, a published dinh.dll) and Dinh.Bench, into the arrays dinh and bench.
work=$(mktemp -d /tmp/dinh-exchange.XXXXXX)
server_pid=
hook_pids=()
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  for p in "${hook_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  pg_temp_stop
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "building Release…" >&2
if [ -n "${DINH_BENCH_DINH_DLL:-}" ]; then
  [ -f "$DINH_BENCH_DINH_DLL" ] || { echo "run-exchange: DINH_BENCH_DINH_DLL $DINH_BENCH_DINH_DLL is not a file" >&2; exit 1; }
  dinh=(dotnet "$DINH_BENCH_DINH_DLL")
else
  dotnet build "$root/src/Dinh.Server/Dinh.Server.csproj" -c Release --nologo -v q >/dev/null
  dinh=(dotnet "$root/src/Dinh.Server/bin/Release/net10.0/dinh.dll")
fi
dotnet build "$root/bench/Dinh.Bench/Dinh.Bench.csproj" -c Release --nologo -v q >/dev/null
bench=(dotnet "$root/bench/Dinh.Bench/bin/Release/net10.0/Dinh.Bench.dll")
phase "build"
