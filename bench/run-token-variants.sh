#!/usr/bin/env bash
# The token benchmark (bench/run-token.sh) against the same published dinh started with different runtime settings,
# one after the other, each run against oidc-provider in the same script (so every line has its own peer ratio):
#   bench/run-token-variants.sh                       # the variants below
#   DINH_VARIANTS='default:|wks:DOTNET_gcServer=0' bench/run-token-variants.sh
# A variant is name:VAR=value,VAR=value (empty: as published). dinh is published once (Release) to
# bench/out/dinh-release, on one throw-away PostgreSQL (DINH_BENCH_PG_PORT, 55610) migrated once, client registered
# once; each variant gets a fresh server process on DINH_BENCH_DINH_PORT (55601). Other settings: run-token.sh's.
# Prints each variant's figure lines prefixed with its name, and the load average before and after each.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/bench/out
dinh_port=${DINH_BENCH_DINH_PORT:-55601}
pg_port=${DINH_BENCH_PG_PORT:-55610}
variants=${DINH_VARIANTS:-'as-published:|workstation:DOTNET_gcServer=0|server-conserve:DOTNET_GCConserveMemory=5|server-no-datas:DOTNET_GCDynamicAdaptationMode=0'}

work=$(mktemp -d /tmp/dinh-token-variants.XXXXXX)
dinh_pid=
cleanup() {
  if [ -n "$dinh_pid" ] && kill -0 "$dinh_pid" 2>/dev/null; then kill "$dinh_pid"; wait "$dinh_pid" 2>/dev/null || true; fi
  pg_temp_stop || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "${DINH_SKIP_PUBLISH:-0}" != 1 ]; then
  echo "variants: publishing dinh (Release)…" >&2
  timeout 1800 dotnet publish "$root/src/Dinh.Server/Dinh.Server.csproj" -c Release -o "$out/dinh-release" --nologo -v q >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log" >&2; exit 1; }
fi
# shellcheck source=../.ci/postgres.sh
source "$root/.ci/postgres.sh"
pg_temp_start "$pg_port" >&2
export Dinh__Database__Provider=Postgres ConnectionStrings__Dinh="$DINH_TEST_POSTGRES"
export ASPNETCORE_ENVIRONMENT=Production Dinh__Oidc__RequireHttps=false Dinh__Oidc__Issuer="http://127.0.0.1:$dinh_port/"
export Dinh__Messaging__Dispatch=false Dinh__Demo__Accounts=false Dinh__Demo__Seed=false
dinh=(dotnet "$out/dinh-release/dinh.dll")
timeout 300 "${dinh[@]}" db migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }
[ -f "$root/bench/token/keys/client.public.jwk.json" ] || node "$root/bench/token/peer/keys.js" "$root/bench/token/keys"
timeout 120 "${dinh[@]}" clients add --client-id bench --name Benchmark --auth private_key_jwt \
  --jwks-file "$root/bench/token/keys/client.public.jwk.json" --grant client_credentials --scope registry.read --alg ES256 >"$work/clients.log" 2>&1 \
  || { cat "$work/clients.log" >&2; exit 1; }

IFS='|' read -r -a list <<<"$variants"
for variant in "${list[@]}"; do
  name=${variant%%:*}
  settings=${variant#*:}
  env_args=()
  [ -n "$settings" ] && IFS=',' read -r -a env_args <<<"$settings"
  env "${env_args[@]}" "${dinh[@]}" serve --urls "http://127.0.0.1:$dinh_port" >"$out/token-variant-$name.log" 2>&1 &
  dinh_pid=$!
  for _ in $(seq 120); do curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$dinh_port/.well-known/openid-configuration" && break; sleep 0.5; done
  echo "variant $name (${settings:-as published}): load average before $(cut -d ' ' -f 1-3 /proc/loadavg)"
  DINH_TOKEN_URL=http://127.0.0.1:$dinh_port/connect/token DINH_CLIENT_ID=bench DINH_PID=$dinh_pid \
    DINH_ASSERTION_AUD=http://127.0.0.1:$dinh_port/ "$root/bench/run-token.sh" 2>"$work/run.$name.log" \
    | grep -E '^token/|^target|replayed' | sed "s/^/variant $name: /" || { tail -n 20 "$work/run.$name.log" >&2; }
  echo "variant $name: load average after $(cut -d ' ' -f 1-3 /proc/loadavg)"
  kill "$dinh_pid"; wait "$dinh_pid" 2>/dev/null || true
  dinh_pid=
done
