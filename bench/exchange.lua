-- wrk script for bench/run-exchange.sh: a member system's lookups (GET) or verifications (POST) with its bearer
-- token and purpose headers, rotating through the personal ID numbers in $DINH_WRK_NUMBERS (one per line).
-- Prints: WRK <requests> <seconds> <req/s> <p50 ms> <p95 ms> <p99 ms> <non-2xx/3xx> <socket errors>
local numbers = {}
for line in io.lines(os.getenv("DINH_WRK_NUMBERS")) do
  if #line > 0 then numbers[#numbers + 1] = line end
end
local mode = os.getenv("DINH_WRK_MODE")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DINH_WRK_TOKEN")
wrk.headers["Dinh-Purpose"] = "benchmark"
wrk.headers["Dinh-Case-Reference"] = "BENCH-1"
wrk.headers["Content-Type"] = "application/json"

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local i = 0
function init(args)
  i = ((id or 0) * 7919) % #numbers
end

function request()
  i = i % #numbers + 1
  if mode == "verify" then
    return wrk.format("POST", "/api/exchange/verifications", nil,
      '{"personalIdNumber":"' .. numbers[i] .. '","fullName":"Nguyễn Văn An","dateOfBirth":"1990-01-01"}')
  end
  if mode == "floor" then
    -- The floor of the HTTP stack: the same headers, an endpoint that does no work.
    return wrk.format("GET", "/health/live")
  end
  return wrk.format("GET", "/api/exchange/persons/" .. numbers[i] .. "?fields=fullName,dateOfBirth")
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("WRK %d %.2f %.1f %.2f %.2f %.2f %d %d\n", summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, e.status,
    e.connect + e.read + e.write + e.timeout))
end
