#!/usr/bin/env bash
# A tenant with 1,000,000 single-use codes on PostgreSQL: how long the batch takes, what one more
# coupon costs, what a code running out costs, and what /livez and a price call (sampled every
# 0.25 s throughout) see meanwhile. Needs a PostgreSQL URL of an empty database:
#   DATABASE=postgres://postgres@127.0.0.1:5432/marquee_million scripts/load-million-codes.sh
# BIN=path/to/marquee measures another build (e.g. an older commit's) the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE:?set DATABASE=postgres://… (an empty database)}"
if [ -z "${BIN:-}" ]; then
  scripts/install-deps.sh
  swift build -c release --scratch-path .build-release --product marquee 2>&1 | tail -1
  BIN="$PWD/.build-release/release/marquee"
fi
WORK="$(mktemp -d /tmp/marquee-million.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
B="http://127.0.0.1:$PORT"
LOG="$WORK/latency.log"
export MARQUEE_DATA_DIR="$WORK" MARQUEE_LOG_LEVEL=warning MARQUEE_DATABASE_URL="$DATABASE"
KEY="$("$BIN" tenants create "million$$" --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["apiKey"])')"
"$BIN" serve --port "$PORT" & PID=$!
trap 'kill $PID $SAMPLER 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
SAMPLER=""
for _ in $(seq 100); do curl -sf "$B/readyz" >/dev/null && break; sleep 0.2; done
H=(-H "Authorization: Bearer $KEY" -H "Content-Type: application/json")
CART='{"currency":"EUR","lines":[{"id":"1","sku":"x","quantity":1,"unitPrice":"10"}]}'
curl -sf "${H[@]}" "$B/v1/promotions" -d '{"id":"bf","name":"BF","coupon":true,"action":{"type":"percentOff","percent":"10"}}' >/dev/null
: > "$LOG"
( end=$((SECONDS + 1800)); while [ $SECONDS -lt $end ]; do
    l=$(curl -s -o /dev/null -m 30 -w '%{time_total}' "$B/livez")
    p=$(curl -s -o /dev/null -m 30 -w '%{time_total}' "${H[@]}" "$B/v1/carts/price" -d "$CART")
    echo "$(date +%s.%N) $l $p"; sleep 0.25
  done ) >> "$LOG" & SAMPLER=$!
mark() { echo "$(date +%s.%N) MARK $1" >> "$LOG"; echo "$1"; }
rss() { echo "server RSS $(( $(ps -o rss= -p $PID) / 1024 )) MB"; }

mark "batch of 1,000,000 limited single-use codes"
T0=$SECONDS
BATCH=$(curl -sf "${H[@]}" "$B/v1/coupons/batches" -d '{"promotion":"bf","count":1000000,"prefix":"BF-","kind":"limited","maxRedemptions":1}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
for _ in $(seq 720); do
  STATUS=$(curl -sf "${H[@]}" "$B/v1/coupons/batches/$BATCH" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["status"], d["created"])')
  case "$STATUS" in completed*|failed*) break;; esac
  sleep 5
done
echo "  $STATUS after $((SECONDS - T0)) s"; rss
mark "idle"; sleep 10
mark "one more coupon"
curl -sf -o /dev/null -w '  POST /v1/coupons: %{http_code} in %{time_total} s\n' "${H[@]}" "$B/v1/coupons" -d '{"code":"ONEMORE","promotion":"bf","kind":"unlimited"}'
mark "idle"; sleep 10
CODE=$(curl -sf "${H[@]}" "$B/v1/coupons/batches/$BATCH/codes" | sed -n 2p | cut -d, -f1)
mark "a code runs out"
curl -sf -o /dev/null -w '  POST /v1/redemptions: %{http_code} in %{time_total} s\n' "${H[@]}" -H "Idempotency-Key: k1" "$B/v1/redemptions" -d "{\"coupon\":\"$CODE\",\"customer\":\"c1\"}"
sleep 10
curl -sf "${H[@]}" "$B/v1/carts/price" -d "{\"currency\":\"EUR\",\"coupons\":[\"$CODE\"],\"lines\":[{\"id\":\"1\",\"sku\":\"x\",\"quantity\":1,\"unitPrice\":\"10\"}]}" \
  | python3 -c 'import json, sys; print("  the code now prices as:", json.load(sys.stdin)["coupons"][0]["status"])'
mark "end"; rss
python3 - "$LOG" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1])]
samples = [(float(r[0]), float(r[1]), float(r[2])) for r in rows if r[1] != "MARK"]
marks = sorted((float(r[0]), " ".join(r[2:])) for r in rows if r[1] == "MARK")
q = lambda a, f: a[min(len(a) - 1, int(f * len(a)))] * 1000
print("phase                                         samples  livez p50 / max (ms)  price p50 / max (ms)")
for (t0, name), (t1, _) in zip(marks, marks[1:]):
    seg = [s for s in samples if t0 <= s[0] < t1]
    if seg:
        l, p = sorted(s[1] for s in seg), sorted(s[2] for s in seg)
        print(f"{name[:45]:45} {len(seg):7}  {q(l, .5):8.1f} / {l[-1]*1000:7.0f}  {q(p, .5):8.1f} / {p[-1]*1000:7.0f}")
PY
