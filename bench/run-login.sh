#!/usr/bin/env bash
# Password logins on Dinh's form (GET /account/login, POST with the antiforgery token) against the raw password-hash
# verification rate measured in the same run, loopback only:
#   ./bench/run-login.sh
# Targets (identity issue): logins per second per core >= 90% of password-hash verifications per second per core
# (Dinh's own Argon2idPasswordHasher with the server's parameters, ADR 0022), and >= 15 logins/s per vCPU (Keycloak's
# sizing guide).
#
# Environment:
#   DINH_BENCH_SECONDS (15)       measured seconds of each hash run and each login run
#   DINH_BENCH_ROUNDS (3)         rounds; each round measures the hash rate, then the logins, so load from elsewhere
#                                 on the machine falls on both alike
#   DINH_BENCH_CLIENTS (2 x dinh's CPUs) concurrent login clients (each login is a new visitor: GET page, POST form)
#   DINH_BENCH_WARMUP (15)        at least this many seconds of logins before the first round, and until the server's
#                                 JIT has settled (bench/warm-up.sh; at most DINH_BENCH_WARMUP_MAX, here 180), not counted
#   DINH_BENCH_DINH_PORT (55601)  port of dinh on 127.0.0.1
#   DINH_BENCH_PG_PORT (55610)    port of the throw-away PostgreSQL (.ci/postgres.sh)
#   DINH_BENCH_ARGON2_MEMORY_KIB, DINH_BENCH_ARGON2_PASSES  Argon2id parameters for both the server
#                                 (Dinh:Identity:PasswordHash) and the hash runs; unset: the server's defaults
#   DINH_BENCH_PIN (1 when there are 2 CPUs or more)  "per core" as a core of the provider: PostgreSQL and the login
#                                 clients get the first quarter of the CPUs (at least one: CPU 0 of 2), dinh and the
#                                 hash runs the rest (taskset), as in a deployment where
#                                 the database has its own machine (Keycloak's sizing, the 15/s per vCPU, counts the
#                                 provider's vCPUs only). 0: every process shares every CPU, and a login's per-core
#                                 figure also pays for the database and the load generator while the hash's does not.
#   DINH_BENCH_PERF (none)        a directory: round 1's hash run and login run are profiled there (`perf record -F 999
#                                 -g`, hash.data and login.data; dinh starts with DOTNET_PerfMapEnabled=1). A profile, not
#                                 a measurement: perf takes some CPU, so keep that round's figures out of comparisons.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${DINH_BENCH_SECONDS:-15}
rounds=${DINH_BENCH_ROUNDS:-3}
cpus=$(nproc)
pin=${DINH_BENCH_PIN:-$([ "$cpus" -ge 2 ] && echo 1 || echo 0)}
on_provider=() on_others=() others=0
if [ "$pin" = 1 ]; then
  command -v taskset >/dev/null || { echo "run-login: taskset is missing (util-linux), or set DINH_BENCH_PIN=0" >&2; exit 1; }
  others=$(( cpus / 4 > 1 ? cpus / 4 : 1 ))
  on_provider=(taskset -c "$others-$(( cpus - 1 ))") on_others=(taskset -c "0-$(( others - 1 ))")
  cores=$(( cpus - others ))
else
  cores=$cpus
fi
clients=${DINH_BENCH_CLIENTS:-$(( 2 * cores ))}
warmup=${DINH_BENCH_WARMUP:-15}
port=${DINH_BENCH_DINH_PORT:-55601}
pg_port=${DINH_BENCH_PG_PORT:-55610}
out=$root/bench/out
base=http://127.0.0.1:$port

# shellcheck source=common.sh
source "$root/bench/common.sh"
bench_require run-login "" dotnet curl

mkdir -p "$out"
work=$(mktemp -d /tmp/dinh-login.XXXXXX)
server_pid=
pg_started=
# shellcheck source=../.ci/postgres.sh
source "$root/.ci/postgres.sh"
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  [ -n "$pg_started" ] && pg_temp_stop
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

timeout 900 dotnet publish "$root/src/Dinh.Server/Dinh.Server.csproj" -c Release -o "$out/dinh-release" --nologo -v q >"$work/publish.log" 2>&1 \
  || { cat "$work/publish.log" >&2; exit 1; }
timeout 600 dotnet build "$root/bench/Dinh.LoginBench/Dinh.LoginBench.csproj" -c Release --nologo -v q >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }
dinh=(dotnet "$out/dinh-release/dinh.dll")
bench=(dotnet "$root/bench/Dinh.LoginBench/bin/Release/net10.0/Dinh.LoginBench.dll")
phase "dinh published (Release), bench/Dinh.LoginBench built"

pg_temp_start "$pg_port" >&2
pg_started=1
if [ "$pin" = 1 ]; then
  # The postmaster and the processes it has started; the backends it forks later inherit its CPU.
  postmaster=$(head -n 1 "$PG_TEMP_DIR/data/postmaster.pid")
  for p in "$postmaster" $(pgrep -P "$postmaster"); do taskset -a -cp "0-$(( others - 1 ))" "$p" >/dev/null; done
fi
# Production (plain HTTP is allowed on loopback only), with the demo population and demo accounts seeded on start.
export Dinh__Database__Provider=Postgres ConnectionStrings__Dinh="$DINH_TEST_POSTGRES"
export ASPNETCORE_ENVIRONMENT=Production Dinh__Services__AllowDevelopmentAdapters=true Dinh__Oidc__RequireHttps=false Dinh__Messaging__Dispatch=false Dinh__Oidc__Issuer="$base/"
export Dinh__Demo__Seed=true Dinh__Demo__Accounts=true
hash_options=()
if [ -n "${DINH_BENCH_ARGON2_MEMORY_KIB:-}" ]; then
  export Dinh__Identity__PasswordHash__MemoryKiB=$DINH_BENCH_ARGON2_MEMORY_KIB
  hash_options+=(--memory-kib "$DINH_BENCH_ARGON2_MEMORY_KIB")
fi
if [ -n "${DINH_BENCH_ARGON2_PASSES:-}" ]; then
  export Dinh__Identity__PasswordHash__Passes=$DINH_BENCH_ARGON2_PASSES
  hash_options+=(--passes "$DINH_BENCH_ARGON2_PASSES")
fi
timeout 300 "${dinh[@]}" db migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }
profiling=()
if [ -n "${DINH_BENCH_PERF:-}" ]; then
  command -v perf >/dev/null || { echo "run-login: DINH_BENCH_PERF needs perf (linux-perf)" >&2; exit 1; }
  mkdir -p "$DINH_BENCH_PERF"
  profiling=(env DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
fi
"${on_provider[@]}" "${profiling[@]}" "${dinh[@]}" serve --urls "$base" >"$out/login-server.log" 2>&1 &
server_pid=$!
for _ in $(seq 240); do
  curl -s -o /dev/null --max-time 2 "$base/health/live" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$out/login-server.log" >&2; exit 1; }
  sleep 0.5
done
# The demo citizen: its login (the personal ID number) is printed in the start-up banner under "Demo accounts".
password=cong-dan-demo-2026
for _ in $(seq 60); do grep -q -- "$password" "$out/login-server.log" && break; sleep 0.5; done
login=$(grep -- " $password\$" "$out/login-server.log" | head -n 1 | awk '{ print $(NF - 1) }')
[ -n "$login" ] || { echo "run-login: no demo citizen in the banner (bench/out/login-server.log)" >&2; exit 1; }
phase "dinh serve on $base (Production, PostgreSQL on 127.0.0.1:$pg_port); demo citizen $login"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

# Logins until the server's JIT has settled (bench/warm-up.sh): a login's own work is ~1 ms next to a ~20 ms hash, so
# a round measured while methods are still being compiled (the first 30–40 s) shows the compiler, not the login.
login_slice() {
  "${on_others[@]}" "${bench[@]}" login --url "$base" --login "$login" --password "$password" --seconds "$1" --clients "$clients" >"$work/warmup.txt" \
    || { cat "$work/warmup.txt" >&2; exit 1; }
}
# shellcheck source=warm-up.sh
source "$root/bench/warm-up.sh"
# At tens of logins a second a method takes minutes to reach the tiers' call counts: up to 180 s unless told otherwise.
phase "$(DINH_BENCH_WARMUP=$warmup DINH_BENCH_WARMUP_MAX=${DINH_BENCH_WARMUP_MAX:-180} warm_up "$base" login_slice); last slice: $(grep '^RESULT' "$work/warmup.txt")"

: >"$work/results"
for round in $(seq "$rounds"); do
  profile() { [ -n "${DINH_BENCH_PERF:-}" ] && [ "$round" = 1 ]; }
  hash_run=("${on_provider[@]}" "${bench[@]}" hash --seconds "$seconds" --threads "$cores" "${hash_options[@]}")
  if profile; then hash_run=(perf record -F 999 -g -o "$DINH_BENCH_PERF/hash.data" -- "${profiling[@]}" "${hash_run[@]}"); fi
  line=$(timeout $(( seconds + 120 )) "${hash_run[@]}" 2>/dev/null | grep '^RESULT')
  hash_rate=$(field per_s "$line")
  hash_cpu=$(field cpu_s "$line")
  hash_count=$(field count "$line")
  phase "round $round hash: $line"

  ticks=$(cpu_ticks "$server_pid")
  perf_pid=
  if profile; then
    perf record -F 999 -g -o "$DINH_BENCH_PERF/login.data" -p "$server_pid" -- sleep "$seconds" >/dev/null 2>&1 & perf_pid=$!
  fi
  set +e
  line=$(timeout $(( seconds + 120 )) "${on_others[@]}" "${bench[@]}" login --url "$base" --login "$login" --password "$password" --seconds "$seconds" --clients "$clients" 2>"$work/login.err")
  status=$?
  set -e
  cat "$work/login.err" >&2
  [ -n "$perf_pid" ] && wait "$perf_pid"
  line=$(grep '^RESULT' <<<"$line" || true)
  [ -n "$line" ] || { echo "run-login: the login client failed (exit $status)" >&2; exit 1; }
  server_cpu=$(awk -v t="$(( $(cpu_ticks "$server_pid") - ticks ))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }')
  rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$server_pid/status")
  phase "round $round login: $line server_cpu_s=$server_cpu"
  echo "$round $hash_rate $hash_cpu $hash_count $(field per_s "$line") $(field count "$line") $(field seconds "$line") $(field errors "$line") $(field p50_ms "$line") $(field p99_ms "$line") $server_cpu $rss" >>"$work/results"
done

report=$out/login-$(date +%Y%m%d-%H%M%S).txt
# The host's transparent-huge-page mode moves the hash rate by half (docs/operations.md, "Password hashes"): recorded with
# the figures, so that runs on differently set hosts are not compared.
thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || true)
thp=${thp:-unknown}
{
  echo "login: Argon2id (m=${DINH_BENCH_ARGON2_MEMORY_KIB:-47104} KiB, t=${DINH_BENCH_ARGON2_PASSES:-1}, p=1); transparent huge pages: $thp; $cpus CPUs, $( [ "$pin" = 1 ] && echo "dinh and the hash runs pinned to $cores of them, PostgreSQL and the clients to the other $others" || echo "not pinned"); load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
  echo "$rounds round(s) of ${seconds} s hash ($cores threads) then ${seconds} s logins ($clients clients, GET /account/login + POST, 302 = success); dinh Release, Production, PostgreSQL $("$PG_TEMP_BIN/postgres" --version | awk '{ print $3 }')"
  awk -v cores="$cores" '
    { r = $1; hash[r] = $2; hs += $2; hcpu += $3; hn += $4
      login[r] = $5; ls += $5 * $7; lsec += $7; ln += $6; errors += $8
      if ($10 > p99) p99 = $10
      if ($9 > p50) p50 = $9
      scpu += $11; if ($12 > rss) rss = $12
      q = $5 / $2; if (r == 1 || q < qlo) qlo = q; if (r == 1 || q > qhi) qhi = q }
    END {
      hash_rate = hs / NR; login_rate = ls / lsec; hash_cpu = hn / hcpu; login_cpu = ln / scpu
      printf "hash/Argon2id  per_s=%.2f  per_core=%.2f  per_cpu_s=%.2f  (%d verifications)\n", hash_rate, hash_rate / cores, hash_cpu, hn
      printf "login/dinh  logins_per_s=%.2f  per_core=%.2f  ratio_to_hash=%.2f (rounds %.2f..%.2f)  hash_per_core=%.2f  per_server_cpu_s=%.2f  cpu_ratio_to_hash=%.2f  p50=%dms  p99=%dms  errors=%d  rss_mb=%.0f  (%d logins)\n",
        login_rate, login_rate / cores, login_rate / hash_rate, qlo, qhi, hash_rate / cores, login_cpu, login_cpu / hash_cpu, p50, p99, errors, rss * 1024 / 1e6, ln
      if (errors > 0) { print "targets: not judged, logins failed (see the first failure above)"; exit }
      # Per core of the machine (wall clock / CPUs) and per CPU-second actually spent (dinh process vs hash process):
      # on a shared machine the first depends on each process share of the CPUs, the second does not.
      printf "target: logins per core >= 90%% of hash verifications per core (same run): %.0f%% per core of wall clock, %s; %.0f%% per CPU-second spent, %s\n",
        100 * login_rate / hash_rate, (login_rate >= 0.9 * hash_rate ? "met" : "NOT met"), 100 * login_cpu / hash_cpu, (login_cpu >= 0.9 * hash_cpu ? "met" : "NOT met")
      printf "target: >= 15 logins/s per vCPU (Keycloak sizing): %.2f per core of wall clock, %.2f per CPU-second of dinh, %s; the hash alone allows %.2f per CPU-second here\n",
        login_rate / cores, login_cpu, (login_rate / cores >= 15 ? "met" : "NOT met"), hash_cpu
    }' "$work/results"
  printf 'total %.0f s\n' "$(( ($(now) - began) / 1000000 ))e-3"
} | tee "$report"
{
  echo "per round: round hash_per_s hash_cpu_s hash_count logins_per_s logins seconds errors p50_ms p99_ms server_cpu_s VmRSS_kB"
  cat "$work/results"
} >>"$report"
echo "(also in $report; server log in bench/out/login-server.log)" >&2
! grep -q 'NOT judged\|not judged' "$report"
