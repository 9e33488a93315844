-- wrk script: POST /v1/redemptions on one hot coupon, a fresh Idempotency-Key per request.
-- Env: KEY (bearer key), COUPON (code), SPREAD (optional n > 1: use codes COUPON0…COUPON<n-1>
-- round-robin instead of one hot code — the control run without a hot row).
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

function init(args)
  math.randomseed(os.time() + (tid or 0))
  prefix = string.format("w%d-%d-", tid or 0, math.random(1, 1000000000))
end

function request()
  counter = counter + 1
  local spread = tonumber(os.getenv("SPREAD") or "1")
  local code = os.getenv("COUPON")
  if spread > 1 then code = code .. (counter % spread) end
  local body = string.format('{"coupon": "%s", "customer": "c%d"}', code, counter % 5000)
  return wrk.format("POST", "/v1/redemptions", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("KEY"),
    ["Idempotency-Key"] = prefix .. counter,
  }, body)
end

local statuses = {}
function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("requests/s: %.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50: %.2f ms, p90: %.2f ms, p99: %.2f ms, max: %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("errors: connect %d, read %d, write %d, status %d, timeout %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
