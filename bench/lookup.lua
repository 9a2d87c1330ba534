-- wrk script for bench/run-lookup.sh: rotates through the request paths in $DINH_WRK_PATHS (one per line), sends
-- the officer's cookie from $DINH_WRK_COOKIE, and prints one machine-readable line at the end:
--   WRK <requests> <seconds> <req/s> <p50 ms> <p95 ms> <p99 ms> <non-2xx/3xx> <socket errors>
local paths = {}
for line in io.lines(os.getenv("DINH_WRK_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
wrk.headers["Cookie"] = os.getenv("DINH_WRK_COOKIE")

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local i = 0
function init(args)
  -- Threads start at different places in the sample, so they do not ask for the same rows in lockstep.
  i = ((id or 0) * 7919) % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("WRK %d %.2f %.1f %.2f %.2f %.2f %d %d\n", summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, e.status,
    e.connect + e.read + e.write + e.timeout))
end
