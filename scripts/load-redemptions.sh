#!/usr/bin/env bash
# Reservation throughput on ONE hot limited coupon against PostgreSQL, 64 concurrent clients
# (wrk, loopback, bounded in time), and price-call throughput measured side by side: alone
# first, then while the reservations run. Needs a PostgreSQL URL:
#   DATABASE=postgres://postgres@127.0.0.1:5432/marquee_load scripts/load-redemptions.sh
# (scripts/test.sh shows how to start a throwaway one). wrk, the server and PostgreSQL all
# share this machine's 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE:?set DATABASE=postgres://…}"
DURATION="${DURATION:-15s}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
scripts/install-deps.sh
swift build -c release --scratch-path .build-release --product marquee 2>&1 | tail -1
BIN="$PWD/.build-release/release/marquee"
WORK="$(mktemp -d /tmp/marquee-load.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export MARQUEE_DATA_DIR="$WORK" MARQUEE_LOG_LEVEL=warning MARQUEE_DATABASE_URL="$DATABASE"
TENANT="load$$"
KEY="$("$BIN" tenants create "$TENANT" --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["apiKey"])')"
"$BIN" serve --port "$PORT" & PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
H=(-H "Authorization: Bearer $KEY" -H "Content-Type: application/json")
curl -sf "${H[@]}" -d '{"id": "bf", "name": "BF", "coupon": true, "currency": "EUR", "action": {"type": "amountOff", "amount": "5.00", "per": "cart"}}' "http://127.0.0.1:$PORT/v1/promotions" >/dev/null
curl -sf "${H[@]}" -d '{"code": "HOT", "promotion": "bf", "kind": "limited", "maxRedemptions": 100000000}' "http://127.0.0.1:$PORT/v1/coupons" >/dev/null
for i in $(seq 0 63); do   # the control: the same load spread over 64 coupons (no hot row)
  curl -sf "${H[@]}" -d "{\"code\": \"SPREAD$i\", \"promotion\": \"bf\", \"kind\": \"limited\", \"maxRedemptions\": 100000000}" "http://127.0.0.1:$PORT/v1/coupons" >/dev/null
done
python3 scripts/load/catalog.py promotions 300 | python3 scripts/load/seed.py "$PORT" "$KEY"
python3 scripts/load/catalog.py cart 10 > "$WORK/cart.json"
export KEY CART="$WORK/cart.json" COUPON=HOT
BASE="http://127.0.0.1:$PORT"
wrk -t1 -c8 -d3s -s scripts/load/price.lua "$BASE/v1/carts/price" >/dev/null   # warm-up
echo "== pricing alone: wrk -t1 -c16 -d$DURATION"
wrk -t1 -c16 -d"$DURATION" -s scripts/load/price.lua "$BASE/v1/carts/price" | grep -E "requests/s|latency|errors"
echo "== reservations on one coupon (wrk -t1 -c64) and, at the same time, pricing (wrk -t1 -c16)"
wrk -t1 -c64 -d"$DURATION" -s scripts/load/reserve.lua "$BASE/v1/redemptions" > "$WORK/reserve.out" &
RESERVE=$!
wrk -t1 -c16 -d"$DURATION" -s scripts/load/price.lua "$BASE/v1/carts/price" > "$WORK/price.out"
wait $RESERVE
echo "-- reservations:"; grep -E "requests/s|latency|errors" "$WORK/reserve.out"
echo "-- pricing meanwhile:"; grep -E "requests/s|latency|errors" "$WORK/price.out"
echo "== control: the same reservation load spread over 64 coupons (no hot row), and pricing"
SPREAD=64 COUPON=SPREAD wrk -t1 -c64 -d"$DURATION" -s scripts/load/reserve.lua "$BASE/v1/redemptions" > "$WORK/spread.out" &
RESERVE=$!
wrk -t1 -c16 -d"$DURATION" -s scripts/load/price.lua "$BASE/v1/carts/price" > "$WORK/price2.out"
wait $RESERVE
echo "-- reservations over 64 coupons:"; grep -E "requests/s|latency|errors" "$WORK/spread.out"
echo "-- pricing meanwhile:"; grep -E "requests/s|latency|errors" "$WORK/price2.out"
MISMATCHED="$(psql -qAt "$DATABASE" -c "SELECT count(*) FROM coupon_usage u JOIN tenants t ON t.id = u.tenant_id WHERE t.name = '$TENANT'
  AND u.redeemed <> (SELECT count(*) FROM redemptions r WHERE r.tenant_id = u.tenant_id AND r.code = u.code AND r.status IN ('reserved', 'confirmed'))")"
TOTAL="$(psql -qAt "$DATABASE" -c "SELECT sum(redeemed) FROM coupon_usage u JOIN tenants t ON t.id = u.tenant_id WHERE t.name = '$TENANT'")"
echo "reservations counted: $TOTAL; coupons whose counter differs from their live rows: $MISMATCHED (must be 0)"
