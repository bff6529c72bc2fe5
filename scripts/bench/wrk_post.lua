-- wrk script for scripts/bench-serve: POSTs JSON bodies read from a file (one per line, taken in
-- turn, each thread starting at its own offset), optionally paced to a fixed total rate, and prints
-- one JSON line of results that bench-serve collects.
--   wrk -t1 -c16 -d10s -s wrk_post.lua URL -- BODIES PATH [RATE CONNECTIONS]
-- RATE (requests per second over all CONNECTIONS, 0 = as fast as possible) is approximate: each
-- connection waits CONNECTIONS/RATE seconds before its next request (Debian's wrk has no -R). The
-- latency of a paced run is then the service time, not corrected for coordinated omission.
local bodies, path, pause = {}, "/", 0
local counter = 0
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(bodies, line) end
  end
  path = args[2] or "/"
  local rate = tonumber(args[3] or "0")
  if rate > 0 then
    pause = 1000 * tonumber(args[4] or "1") / rate
  end
  counter = (id or 0) * 7919
  wrk.headers["Content-Type"] = "application/json"
end

function delay()
  return pause
end

function request()
  counter = counter + 1
  return wrk.format("POST", path, nil, bodies[(counter % #bodies) + 1])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "status_errors": %d, "socket_errors": %d, ' ..
    '"p50_ms": %.3f, "p99_ms": %.3f, "p999_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, seconds, summary.requests / seconds, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000))
end
