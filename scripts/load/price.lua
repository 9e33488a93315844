-- wrk script: POST a fixed cart to /v1/carts/price.
-- Env: KEY (bearer key), CART (path of the cart JSON); for a fixed-rate run either PACED_RATE
-- (requests per second offered in total, PACED_THREADS = wrk's -t: each wrk thread hands out send
-- slots 1/rate apart to whichever connection is free, so the offered rate does not shrink as the
-- latency grows) or RATE_PER_CONNECTION (the older pacing: a fixed pause after each response, so
-- each connection offers less than that rate by its latency).
local file = assert(io.open(os.getenv("CART"), "r"))
local body = file:read("*a")
file:close()
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")

local pacedRate = tonumber(os.getenv("PACED_RATE") or "0")
local rate = tonumber(os.getenv("RATE_PER_CONNECTION") or "0")
if pacedRate > 0 then
  local ffi = require("ffi")
  ffi.cdef[[
    typedef struct { long tv_sec; long tv_nsec; } marquee_timespec;
    int clock_gettime(int clk_id, marquee_timespec *tp);
  ]]
  local timespec = ffi.new("marquee_timespec")
  local function nowMs()
    ffi.C.clock_gettime(1, timespec)  -- CLOCK_MONOTONIC
    return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
  end
  local interval = 1000 * tonumber(os.getenv("PACED_THREADS") or "1") / pacedRate
  local nextSlot = 0
  function delay()
    local now = nowMs()
    nextSlot = math.max(nextSlot + interval, now)  -- never bank slots missed while all connections were busy
    return math.floor(nextSlot - now + 0.5)
  end
elseif rate > 0 then
  function delay()
    return 1000 / rate
  end
end

-- No response() callback: with one, wrk hands every response to Lua, which costs the client
-- (on the same 2 cores as the server) more CPU than it is worth. Statuses >= 400 are counted by
-- wrk itself (errors.status below, and its "Non-2xx or 3xx responses" line).

function done(summary, latency, requests)
  io.write(string.format("requests/s: %.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50: %.2f ms, p90: %.2f ms, p99: %.2f ms, max: %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("errors: connect %d, read %d, write %d, status %d, timeout %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
