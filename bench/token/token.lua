-- wrk script for bench/run-token.sh: client_credentials token requests authenticated with private_key_jwt.
--   DINH_WRK_ASSERTIONS=<file> DINH_WRK_THREADS=<t> [DINH_WRK_SCOPE=registry.read] [DINH_WRK_EXTRA='&resource=…'] \
--     wrk -t <t> -c <c> -d 20s -s bench/token/token.lua http://127.0.0.1:<port>/token
-- Every request carries the next unused client assertion of the file (one compact JWS per line): servers refuse a jti
-- they have seen, so each line is sent once. Thread t of T takes lines t+1, t+1+T, t+1+2T, … (DINH_WRK_THREADS must
-- equal wrk's -t). A thread that runs out of assertions stops, and says so. wrk calls request() once before the run
-- to check the script (thread 1's first line): that line is counted as used but never sent.
-- At the end it prints one machine-readable line, then one line per status other than 200:
--   WRK <completed> <seconds> <200s per second> <p50 ms> <p99 ms> <non-200> <socket errors> <assertions used> <threads out of assertions>
--   NON200 <status> <count> <first body, truncated>
local file = os.getenv("DINH_WRK_ASSERTIONS")
local nthreads = tonumber(os.getenv("DINH_WRK_THREADS") or "1")
local scope = os.getenv("DINH_WRK_SCOPE") or "registry.read"
local extra = os.getenv("DINH_WRK_EXTRA") or ""
local prefix = "grant_type=client_credentials"
  .. (scope ~= "" and ("&scope=" .. scope) or "")
  .. extra
  .. "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion="
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Accept"] = "application/json" }

-- setup() and done() run in their own Lua state; the threads are kept there to read their counters at the end.
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

-- Per-thread state (each wrk thread has its own Lua state).
local assertions = {}
local next_index = 0
used = 0
exhausted = 0
statuses = {}   -- status -> count, for statuses other than 200
samples = {}    -- status -> first body seen

function init(args)
  if (id or 0) >= nthreads then
    error("token.lua: DINH_WRK_THREADS (" .. nthreads .. ") must equal wrk's -t")
  end
  local n = 0
  for line in io.lines(file) do
    if n % nthreads == id and #line > 0 then assertions[#assertions + 1] = line end
    n = n + 1
  end
end

function request()
  next_index = next_index + 1
  local assertion = assertions[next_index]
  if assertion == nil then
    -- Out of assertions: stop this thread rather than replay one (which the server would rightly refuse).
    exhausted = 1
    wrk.thread:stop()
    assertion = ""
  else
    used = next_index
  end
  return wrk.format("POST", nil, headers, prefix .. assertion)
end

function response(status, headers, body)
  if status ~= 200 then
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
    if samples[key] == nil then samples[key] = string.sub(body or "", 1, 160) end
  end
end

function done(summary, latency, requests)
  local used_total, exhausted_total, non200 = 0, 0, 0
  local by_status, first_body = {}, {}
  for _, thread in ipairs(threads) do
    used_total = used_total + (thread:get("used") or 0)
    exhausted_total = exhausted_total + (thread:get("exhausted") or 0)
    for status, count in pairs(thread:get("statuses") or {}) do
      by_status[status] = (by_status[status] or 0) + count
      non200 = non200 + count
      if first_body[status] == nil then first_body[status] = (thread:get("samples") or {})[status] end
    end
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("WRK %d %.2f %.1f %.2f %.2f %d %d %d %d\n", summary.requests, seconds,
    (summary.requests - non200) / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000, non200,
    e.connect + e.read + e.write + e.timeout, used_total, exhausted_total))
  for status, count in pairs(by_status) do
    io.write(string.format("NON200 %s %d %s\n", status, count, (first_body[status] or ""):gsub("%s+", " ")))
  end
end
