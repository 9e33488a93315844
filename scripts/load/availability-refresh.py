#!/usr/bin/env python3
"""What the 2-second coupon availability refresh costs a PostgreSQL server: one tenant holding
--codes single-use codes, half of them redeemed, and a trickle of reservations over HTTP
(--rate per second, each taking a fresh code); for each given marquee binary in turn, served
alone on the same database, the CPU time PostgreSQL's processes and the server's used over
--seconds, and the reservations' latency.

Usage: availability-refresh.py --database-url postgres://postgres@127.0.0.1:55432/postgres BINARY [BINARY ...]
Creates (and drops at the end) a database next to the one in the URL; the first binary
migrates it, so list the newest first. Codes are inserted by SQL; loopback only; stops by itself.
Linux only (reads /proc). Nothing else should be using that PostgreSQL server meanwhile.
"""
import argparse, json, os, statistics, subprocess, threading, time, urllib.parse, urllib.request
from served import served

parser = argparse.ArgumentParser()
parser.add_argument("--database-url", required=True)
parser.add_argument("--codes", type=int, default=1_000_000)
parser.add_argument("--seconds", type=int, default=120)  # spans the once-a-minute full reads
parser.add_argument("--rate", type=int, default=10)
parser.add_argument("--rounds", type=int, default=2)
parser.add_argument("--port", type=int, default=18202)
parser.add_argument("binaries", nargs="+")
args = parser.parse_args()

server_url = urllib.parse.urlparse(args.database_url)
database = f"marquee_availability_{os.getpid()}"
url = server_url._replace(path="/" + database).geturl()
psql = lambda sql, db=database: subprocess.run(["psql", server_url._replace(path="/" + db).geturl(), "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql],
                                               check=True, capture_output=True, text=True).stdout.strip()
ticks = os.sysconf("SC_CLK_TCK")

def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

def postgres_cpu():
    """CPU seconds so far of each PostgreSQL process (backends started later count from 0)."""
    seconds = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if open(f"/proc/{pid}/comm").read().strip() == "postgres":
                seconds[pid] = cpu_seconds(pid)
        except OSError:
            pass
    return seconds

psql(f"CREATE DATABASE {database}", db=server_url.path.lstrip("/") or "postgres")
try:
    subprocess.run([args.binaries[0], "migrate", "--database", url], check=True, capture_output=True)
    created = subprocess.run([args.binaries[0], "tenants", "create", "bulk", "--database", url, "--json"], check=True, capture_output=True, text=True)
    key = json.loads(created.stdout.strip().splitlines()[-1])["apiKey"]
    tenant = psql("SELECT id FROM tenants WHERE name = 'bulk'")
    psql(f"""INSERT INTO coupons (tenant_id, code, promotion_id, kind, max_redemptions, created_at)
             SELECT '{tenant}', 'BULK' || lpad(i::text, 8, '0'), 'cp', 'limited', 1, now() FROM generate_series(0, {args.codes - 1}) i""")
    psql(f"""INSERT INTO coupon_usage (tenant_id, code, redeemed, max_redemptions)
             SELECT '{tenant}', 'BULK' || lpad(i::text, 8, '0'), i % 2, 1 FROM generate_series(0, {args.codes - 1}) i""")
    psql("VACUUM ANALYZE")

    def call(method, path, body=None, headers={}):
        request = urllib.request.Request(f"http://127.0.0.1:{args.port}{path}", method=method, data=json.dumps(body).encode() if body else None,
                                         headers={"Authorization": "Bearer " + key, "Content-Type": "application/json", **headers})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status

    next_code = 0  # even codes are unused (i % 2 redeemed); each reservation takes the next one
    for round in range(1, args.rounds + 1):
        for index, binary in enumerate(args.binaries):
            with served(binary, ["--database", url], args.port) as server:
                if round == 1 and index == 0:  # the promotion the codes unlock
                    assert call("POST", "/v1/promotions", {"id": "cp", "name": "cp", "coupon": True, "action": {"type": "percentOff", "percent": "5"}}) == 201
                time.sleep(5)  # start-up reads settle
                latencies, running = [], True
                def reserve():
                    global next_code
                    while running:
                        started = time.monotonic()
                        code = "BULK%08d" % next_code
                        next_code += 2
                        assert call("POST", "/v1/redemptions", {"coupon": code, "customer": f"c{next_code}"},
                                    {"Idempotency-Key": f"{os.getpid()}-{code}"}) == 201
                        latencies.append(time.monotonic() - started)
                        time.sleep(max(0, 1 / args.rate - (time.monotonic() - started)))
                trickle = threading.Thread(target=reserve)
                pg_before, server_before, started = postgres_cpu(), cpu_seconds(server.pid), time.monotonic()
                trickle.start()
                time.sleep(args.seconds)
                running = False
                trickle.join()
                elapsed = time.monotonic() - started
                pg = sum(now - pg_before.get(pid, 0) for pid, now in postgres_cpu().items()) / elapsed * 1000
                own = (cpu_seconds(server.pid) - server_before) / elapsed * 1000
                latencies.sort()
                print(f"round {round} {binary}: {args.codes:,} single-use codes, half redeemed, {len(latencies)} reservations in {elapsed:.0f} s: "
                      f"PostgreSQL CPU {pg:.0f} ms/s, server CPU {own:.0f} ms/s; reservation median {statistics.median(latencies) * 1000:.1f} ms, "
                      f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms", flush=True)
finally:
    psql(f"DROP DATABASE IF EXISTS {database}", db=server_url.path.lstrip("/") or "postgres")
