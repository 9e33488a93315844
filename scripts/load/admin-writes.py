#!/usr/bin/env python3
"""Admin writes on a tenant with many coupon codes: the median and max time of sequential
`POST /v1/promotions` (--what promotions) or `POST /v1/coupons` + `DELETE /v1/coupons/{code}`
(--what coupons), of price calls made meanwhile from another thread, and of `GET /v1/status`
after them (its digest covers every code), for each given marquee binary in turn on the same
SQLite data (side by side).

Usage: admin-writes.py --what coupons --codes 300000 --rounds 2 BINARY [BINARY ...]
The codes are inserted by SQL (unlimited, one promotion); loopback only; stops by itself.
--large-promotion N adds a promotion whose trigger and target are a `$in` of N skus (a large
catalogue promotion: every rebuild that recompiles it pays for it); --large-count K adds K of
them (different skus each).
"""
import argparse, json, os, sqlite3, statistics, subprocess, tempfile, threading, time, urllib.request
from served import served

parser = argparse.ArgumentParser()
parser.add_argument("--what", choices=["promotions", "coupons"], default="promotions")
parser.add_argument("--codes", type=int, default=300_000)
parser.add_argument("--rounds", type=int, default=2)
parser.add_argument("--writes", type=int, default=12)
parser.add_argument("--port", type=int, default=18201)
parser.add_argument("--large-promotion", type=int, default=0, metavar="SKUS")
parser.add_argument("--large-count", type=int, default=1)
parser.add_argument("binaries", nargs="+")
args = parser.parse_args()

data = tempfile.mkdtemp(prefix="marquee-admin-writes-")
subprocess.run([args.binaries[0], "migrate", "--data-dir", data], check=True, capture_output=True)
created = subprocess.run([args.binaries[0], "tenants", "create", "bulk", "--data-dir", data, "--json"], check=True, capture_output=True, text=True)
key = json.loads(created.stdout.strip().splitlines()[-1])["apiKey"]
db = sqlite3.connect(os.path.join(data, "marquee.sqlite"))
tenant = db.execute("SELECT id FROM tenants WHERE name = 'bulk'").fetchone()[0]
db.executemany("INSERT INTO coupons VALUES (?,?,?,?,?,?,?,?,?,?,?)", ((tenant, "BULK%08d" % i, "cp", "unlimited", None, None, None, None,
               None, None, "2026-12-05T00:00:00Z") for i in range(args.codes)))
db.commit()
db.close()

def call(method, path, body=None):
    request = urllib.request.Request(f"http://127.0.0.1:{args.port}{path}", method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        return response.status

for round in range(1, args.rounds + 1):
    for index, binary in enumerate(args.binaries):
        with served(binary, ["--data-dir", data], args.port) as server:
            if round == 1 and index == 0:  # the promotion the codes unlock
                assert call("POST", "/v1/promotions", {"id": "cp", "name": "cp", "coupon": True, "action": {"type": "percentOff", "percent": "5"}}) == 201
                for large in range(args.large_count if args.large_promotion else 0):
                    skus = {"$in": ["L%03dSKU%06d" % (large, i) for i in range(args.large_promotion)]}
                    assert call("POST", "/v1/promotions", {"id": f"large{large}", "name": "large", "trigger": {"lines.sku": skus}, "target": {"sku": skus},
                                                           "action": {"type": "percentOff", "percent": "3"}}) == 201
            times, prices, writing = [], [], True
            def price():
                cart = {"currency": "EUR", "coupons": ["BULK00000001"], "lines": [{"id": "1", "sku": "x", "quantity": 1, "unitPrice": "10"}]}
                while writing:
                    started = time.monotonic()
                    call("POST", "/v1/carts/price", cart)
                    prices.append(time.monotonic() - started)
                    time.sleep(0.02)
            def timed(method, path):
                started = time.monotonic()
                assert call(method, path) == 200
                return time.monotonic() - started
            timed("GET", "/v1/status")  # its digest computed once before the writes
            sampler = threading.Thread(target=price)
            sampler.start()
            for write in range(args.writes):
                started = time.monotonic()
                if args.what == "promotions":
                    body = {"id": f"w{round}-{index}-{write}", "name": "w", "action": {"type": "percentOff", "percent": "1"}}
                    assert call("POST", "/v1/promotions", body) == 201
                else:
                    code = f"W{round}X{index}X{write}"
                    assert call("POST", "/v1/coupons", {"code": code, "promotion": "cp", "kind": "unlimited"}) == 201
                    assert call("DELETE", f"/v1/coupons/{code}") == 204
                times.append(time.monotonic() - started)
            time.sleep(3)  # what the change feed does after the last write shows in the price calls too
            writing = False
            sampler.join()
            status = timed("GET", "/v1/status")
            prices.sort()
            what = "promotion POSTs" if args.what == "promotions" else "coupon POST+DELETEs"
            large = f" and {args.large_count} promotion(s) of {args.large_promotion:,} skus" if args.large_promotion else ""
            print(f"round {round} {binary}: {args.writes} {what} with {args.codes:,} codes{large}: "
                  f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms; "
                  f"{len(prices)} price calls meanwhile: median {statistics.median(prices) * 1000:.1f} ms, "
                  f"p99 {prices[int(len(prices) * 0.99)] * 1000:.1f} ms, max {prices[-1] * 1000:.0f} ms; "
                  f"GET /v1/status after them {status * 1000:.0f} ms", flush=True)
