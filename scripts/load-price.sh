#!/usr/bin/env bash
# HTTP load test of POST /v1/carts/price on loopback, bounded in time: a release build of
# `marquee serve` on SQLite, PROMOTIONS active promotions (default 300), a LINES-line cart
# (default 10), then wrk twice: as fast as it goes (64 connections), and paced at RATE req/s
# (default 5000 offered, see scripts/load/price.lua) to read p99 at that load. wrk runs on the
# same 2 cores as the server and takes a large share of them.
# SCRATCH: the release build's scratch path (default .build-release); BIN: a prebuilt binary to
# run instead of building (for side-by-side runs of two builds); LUA: the wrk script.
set -euo pipefail
cd "$(dirname "$0")/.."
PROMOTIONS="${PROMOTIONS:-300}"; LINES="${LINES:-10}"; DURATION="${DURATION:-20s}"; RATE="${RATE:-5000}"
LUA="${LUA:-scripts/load/price.lua}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
scripts/install-deps.sh
SCRATCH="${SCRATCH:-.build-release}"
if [ -z "${BIN:-}" ]; then
  swift build -c release --scratch-path "$SCRATCH" --product marquee 2>&1 | tail -1
  BIN="$(cd "$SCRATCH/release" && pwd)/marquee"
fi
WORK="$(mktemp -d /tmp/marquee-load.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export MARQUEE_DATA_DIR="$WORK" MARQUEE_LOG_LEVEL=warning
KEY="$("$BIN" tenants create loadtest --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["apiKey"])')"
"$BIN" serve --port "$PORT" & PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
python3 scripts/load/catalog.py promotions "$PROMOTIONS" | python3 scripts/load/seed.py "$PORT" "$KEY"
python3 scripts/load/catalog.py cart "$LINES" > "$WORK/cart.json"
export KEY CART="$WORK/cart.json"
URL="http://127.0.0.1:$PORT/v1/carts/price"
echo "sample response: $(curl -s -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d @"$CART" "$URL" | head -c 300)…"
echo "== warm-up (5 s)"; wrk -t2 -c16 -d5s -s "$LUA" "$URL" >/dev/null
echo "load average: $(uptime | sed 's/.*load average: //')"
echo "== max throughput: wrk -t2 -c64 -d$DURATION"
wrk -t2 -c64 -d"$DURATION" -s "$LUA" "$URL" | grep -E "requests/s|latency|errors|Non-2xx"
CONNECTIONS=50
echo "== paced at $RATE req/s: wrk -t2 -c$CONNECTIONS -d$DURATION, each wrk thread sending every $((2000000 / RATE)) us"
echo "load average: $(uptime | sed 's/.*load average: //')"
PACED_RATE="$RATE" PACED_THREADS=2 wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s "$LUA" "$URL" | grep -E "requests/s|latency|errors|Non-2xx"
