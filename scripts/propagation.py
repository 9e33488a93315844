#!/usr/bin/env python3
"""Two `marquee serve` processes on one PostgreSQL: every change reaches the other instance.

Phase 1: 1,000 creates/updates/deletes of a probe promotion through instance A (every 25th one
as plain SQL straight into the `promotions` table); after each, instance B prices a probe cart
until it reflects the change. Reports the propagation latency (p50/p99/max); p99 must be <= 1 s.
Phase 2: 200 more changes while B's LISTEN connection is terminated repeatedly with
pg_terminate_backend, and PostgreSQL is restarted once; B must converge.
Finally A's and B's /v1/status digests must be equal.

Usage: propagation.py --binary BIN --database postgres://... --restart "CMD" [--changes 1000]
Loopback only, bounded (every wait has a deadline). Prints 'N passed, N failed'.
"""
import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time

from checks import Checks, free_port, psql

check = Checks()


class Instance:
    def __init__(self, binary, env, name):
        self.port = free_port()
        self.name = name
        self.process = subprocess.Popen([binary, "serve", "--port", str(self.port)], env=env,
                                        stdout=subprocess.DEVNULL, stderr=open(os.path.join(env["MARQUEE_DATA_DIR"], f"{name}.log"), "w"))
        self.connection = None

    def request(self, method, path, key, body=None, headers=None):
        for attempt in range(3):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                all_headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json", **(headers or {})}
                self.connection.request(method, path, body=body, headers=all_headers)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException):
                self.connection = None
                time.sleep(0.05)
        return 0, b""

    def wait_ready(self, deadline_s=60):
        deadline = time.time() + deadline_s
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()



CART = json.dumps({"currency": "EUR", "lines": [{"id": "1", "sku": "probe", "quantity": 1, "unitPrice": "100.00"}]})


def promotion(percent):
    return json.dumps({"id": "probe", "name": "probe", "target": {"sku": "probe"},
                       "action": {"type": "percentOff", "percent": str(percent)}})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--restart", required=True, help="shell command that restarts PostgreSQL")
    parser.add_argument("--changes", type=int, default=1000)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="marquee-propagation-")
    env = dict(os.environ, MARQUEE_DATA_DIR=workdir, MARQUEE_DATABASE_URL=args.database, MARQUEE_LOG_LEVEL="info")
    created = subprocess.run([args.binary, "tenants", "create", f"prop{os.getpid()}", "--json"], env=env,
                             capture_output=True, text=True, timeout=120)
    key = json.loads(created.stdout)["apiKey"]
    tenant = f"prop{os.getpid()}"
    a, b = Instance(args.binary, env, "a"), Instance(args.binary, env, "b")
    try:
        check("both instances ready", a.wait_ready() and b.wait_ready())
        state = {"percent": None}  # None = no promotion
        version = {"v": 0}
        rng = random.Random(7)

        def expected_discount():
            return "0.00" if state["percent"] is None else f"{state['percent']}.00"

        def change(index, via_sql_every=25):
            """One change through A (or plain SQL); returns when it is committed."""
            percent = rng.randrange(1, 90)
            while percent == state["percent"]:
                percent = rng.randrange(1, 90)
            deadline = time.time() + 60
            while time.time() < deadline:
                if state["percent"] is None:
                    status, body = a.request("POST", "/v1/promotions", key, promotion(percent))
                    if status == 409:  # created before a lost response: adopt it
                        status, body = a.request("GET", "/v1/promotions/probe", key)
                        state["percent"], version["v"] = json.loads(body)["action"]["percent"], json.loads(body)["version"]
                        return
                    ok = status == 201
                elif index % 7 == 6:
                    status, body = a.request("DELETE", "/v1/promotions/probe", key)
                    ok = status in (204, 404)
                    if ok:
                        state["percent"] = None
                        return
                elif index % via_sql_every == 0:
                    document = promotion(percent).replace("'", "''")
                    result = psql(args.database, f"UPDATE promotions SET document = '{document}'::jsonb, version = version + 1 "
                                                 f"WHERE id = 'probe' AND tenant_id = (SELECT id FROM tenants WHERE name = '{tenant}')")
                    ok = result.returncode == 0
                    body = b""
                else:
                    status, body = a.request("PUT", "/v1/promotions/probe", key, promotion(percent))
                    if status == 428:
                        status, body = a.request("PUT", "/v1/promotions/probe", key, promotion(percent),
                                                 {"If-Match": f'"{version["v"]}"'})
                    if status == 412:  # changed behind our back (plain SQL): refresh the version
                        _, current = a.request("GET", "/v1/promotions/probe", key)
                        version["v"] = json.loads(current)["version"]
                        continue
                    ok = status == 200
                if ok:
                    state["percent"] = percent
                    if body:
                        version["v"] = json.loads(body).get("version", version["v"])
                    else:
                        version["v"] += 1
                    return
                time.sleep(0.2)
            raise RuntimeError("could not apply a change within 60 s")

        def wait_b(deadline_s):
            started = time.time()
            expected = expected_discount()
            while time.time() - started < deadline_s:
                status, body = b.request("POST", "/v1/carts/price", key, CART)
                if status == 200 and json.loads(body)["discount"] == expected:
                    return time.time() - started
                time.sleep(0.002)
            return None

        # Phase 1: latency of each change reaching B.
        latencies, lost = [], 0
        for index in range(args.changes):
            change(index)
            latency = wait_b(10)
            if latency is None:
                lost += 1
            else:
                latencies.append(latency)
        latencies.sort()
        p50 = latencies[len(latencies) // 2] if latencies else None
        p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else None
        print(f"phase 1: {args.changes} changes, propagation to B p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
              f"max {latencies[-1] * 1000:.1f} ms" if latencies else "phase 1: no latencies")
        check("phase 1: every change reached B", lost == 0, f"{lost} never arrived")
        check("phase 1: propagation p99 <= 1 s", p99 is not None and p99 <= 1.0, f"p99 {p99}")

        # Phase 2: B's LISTEN connection killed repeatedly, PostgreSQL restarted once.
        stop = threading.Event()
        kills = {"n": 0}

        def killer():
            while not stop.wait(0.5):
                result = psql(args.database, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                             f"WHERE application_name = 'marquee-listener-{b.process.pid}'")
                if result.returncode == 0 and result.stdout.strip().isdigit():
                    kills["n"] += int(result.stdout.strip())

        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        phase2 = 200
        for index in range(phase2):
            if index == phase2 // 2:
                restarted = subprocess.run(args.restart, shell=True, capture_output=True, text=True, timeout=120)
                check("PostgreSQL restarted", restarted.returncode == 0, restarted.stderr[-300:])
            change(index)
        stop.set()
        thread.join(timeout=10)
        print(f"phase 2: {phase2} changes, B's listener terminated {kills['n']} times, one PostgreSQL restart")
        check("phase 2: B's listener was terminated at least once", kills["n"] > 0)
        check("phase 2: B converges to the last change", wait_b(30) is not None)

        digests = {}
        deadline = time.time() + 30
        while time.time() < deadline:
            digests = {name: json.loads(inst.request("GET", "/v1/status", key)[1] or b"{}").get("digest") for name, inst in (("a", a), ("b", b))}
            if digests["a"] and digests["a"] == digests["b"]:
                break
            time.sleep(0.2)
        # The last change leaves the promotion in place: equal digests of two empty catalogs would prove nothing.
        check("the promotion exists at the end", state["percent"] is not None)
        check("A and B hold identical snapshots (status digest)", digests.get("a") and digests["a"] == digests.get("b"), str(digests))
        check("both instances still up", a.process.poll() is None and b.process.poll() is None)
    finally:
        a.stop()
        b.stop()
    sys.exit(check.summary("propagation"))


if __name__ == "__main__":
    main()
