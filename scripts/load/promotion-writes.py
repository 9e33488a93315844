#!/usr/bin/env python3
"""Promotion writes on a tenant with many coupon codes: the median and max time of sequential
`POST /v1/promotions`, for each given marquee binary in turn on the same SQLite data (side by side).

Usage: promotion-writes.py --codes 300000 --rounds 2 BINARY [BINARY ...]
The codes are inserted by SQL (unlimited, one promotion); loopback only; stops by itself.
"""
import argparse, json, os, sqlite3, statistics, subprocess, tempfile, time, urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--codes", type=int, default=300_000)
parser.add_argument("--rounds", type=int, default=2)
parser.add_argument("--writes", type=int, default=12)
parser.add_argument("--port", type=int, default=18201)
parser.add_argument("binaries", nargs="+")
args = parser.parse_args()

data = tempfile.mkdtemp(prefix="marquee-promotion-writes-")
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
        server = subprocess.Popen([binary, "serve", "--data-dir", data, "--port", str(args.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(600):
                try:
                    if urllib.request.urlopen(f"http://127.0.0.1:{args.port}/readyz", timeout=5).status == 200:
                        break
                except OSError:
                    time.sleep(0.5)
            times = []
            for write in range(args.writes):
                started = time.monotonic()
                body = {"id": f"w{round}-{index}-{write}", "name": "w", "action": {"type": "percentOff", "percent": "1"}}
                assert call("POST", "/v1/promotions", body) == 201
                times.append(time.monotonic() - started)
            print(f"round {round} {binary}: {args.writes} promotion POSTs with {args.codes:,} codes: "
                  f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=60)
