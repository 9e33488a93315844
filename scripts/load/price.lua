-- wrk script: POST a fixed cart to /v1/carts/price.
-- Env: KEY (bearer key), CART (path of the cart JSON), RATE_PER_CONNECTION (optional: requests
-- per second per connection; paces each connection with delay() for a fixed-rate run).
local file = assert(io.open(os.getenv("CART"), "r"))
local body = file:read("*a")
file:close()
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")

local rate = tonumber(os.getenv("RATE_PER_CONNECTION") or "0")
if rate > 0 then
  function delay()
    return 1000 / rate
  end
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("requests/s: %.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50: %.2f ms, p90: %.2f ms, p99: %.2f ms, max: %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("errors: connect %d, read %d, write %d, status %d, timeout %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
