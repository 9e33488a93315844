#!/usr/bin/env python3
"""Coupon reservations survive PostgreSQL faults: no oversell, no lost 2xx, no double count.

Starts `marquee serve` on PostgreSQL, creates a limited coupon (maxRedemptions 300, perCustomer 3)
and sends 1,200 reservations (distinct Idempotency-Keys, 150 customers) from 16 threads. Each
request is retried with the same key until it gets a definite answer. Meanwhile every Marquee
connection is terminated with pg_terminate_backend (twice) and PostgreSQL is restarted once.
Afterwards: every key is replayed (same answer), and the database must show exactly the
reservations that got 201, the counter equal to the live rows, <= 300 in all, <= 3 per customer;
the service answers again without a restart.

Then PostgreSQL is stopped for 15 s (longer than the 10 s API-key cache): price calls with the key
in use must keep answering 200 from memory, a key never used before gets 503
authentication_unavailable, and after the start everything answers again.

Usage: coupon_faults.py --binary BIN --database postgres://... --restart "CMD" --stop "CMD" --start "CMD"
Loopback only, bounded (deadlines everywhere). Prints 'N passed, N failed'.
"""
import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

from checks import Checks, free_port, psql_value

check = Checks()



def call(port, method, path, key, body=None, headers=None, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--restart", required=True)
    parser.add_argument("--stop", required=True)
    parser.add_argument("--start", required=True)
    parser.add_argument("--requests", type=int, default=1200)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="marquee-faults-")
    env = dict(os.environ, MARQUEE_DATA_DIR=workdir, MARQUEE_DATABASE_URL=args.database, MARQUEE_LOG_LEVEL="warning")
    tenant = f"faults{os.getpid()}"
    key = json.loads(subprocess.run([args.binary, "tenants", "create", tenant, "--json"], env=env,
                                    capture_output=True, text=True, timeout=120).stdout)["apiKey"]
    port = free_port()
    server = subprocess.Popen([args.binary, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(workdir, "serve.log"), "w"))
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if call(port, "GET", "/readyz", key)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        call(port, "POST", "/v1/promotions", key, json.dumps({"id": "bf", "name": "BF", "coupon": True, "currency": "EUR",
                                                               "action": {"type": "amountOff", "amount": "5.00", "per": "cart"}}))
        status, body = call(port, "POST", "/v1/coupons", key, json.dumps({"code": "HOT", "promotion": "bf", "kind": "limited",
                                                                          "maxRedemptions": 300, "perCustomer": 3}))
        check("limited coupon created", status == 201, body)

        answers = {}
        lock = threading.Lock()
        retries = {"n": 0}
        next_index = {"i": 0}

        def reserve(index):
            body = json.dumps({"coupon": "HOT", "customer": f"c{index % 150}", "order": f"o{index}"})
            give_up = time.time() + 90
            while time.time() < give_up:
                try:
                    status, data = call(port, "POST", "/v1/redemptions", key, body, {"Idempotency-Key": f"key-{index}"})
                    if status in (201, 409):
                        return status, json.loads(data)
                except (OSError, http.client.HTTPException):
                    pass
                with lock:
                    retries["n"] += 1
                time.sleep(0.1)
            return None, None

        def worker():
            while True:
                with lock:
                    index = next_index["i"]
                    if index >= args.requests:
                        return
                    next_index["i"] += 1
                answers[index] = reserve(index)

        threads = [threading.Thread(target=worker) for _ in range(16)]
        for thread in threads:
            thread.start()
        faults = []
        terminated, restarted, during_traffic = 0, False, 0
        for fraction, fault in ((0.2, "terminate"), (0.45, "restart"), (0.7, "terminate")):
            while next_index["i"] < args.requests * fraction and any(t.is_alive() for t in threads):
                time.sleep(0.01)
            if next_index["i"] < args.requests:  # requests still to be sent: the fault meets traffic
                during_traffic += 1
            if fault == "terminate":
                killed = psql_value(args.database, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                             "WHERE application_name LIKE 'marquee%' AND pid <> pg_backend_pid()")
                faults.append(f"terminated {killed}")
                terminated += int(killed) if killed.isdigit() else 0
            else:
                result = subprocess.run(args.restart, shell=True, capture_output=True, text=True, timeout=120)
                faults.append(f"restart rc={result.returncode}")
                restarted = result.returncode == 0
        for thread in threads:
            thread.join(timeout=300)
        print(f"faults: {', '.join(faults)}; client retries: {retries['n']}")
        # Otherwise "no oversell" below could hold because nothing went wrong.
        check("the faults happened: connections terminated", terminated > 0, ", ".join(faults))
        check("the faults happened: PostgreSQL restarted", restarted, ", ".join(faults))
        check("every fault met requests still to be sent", during_traffic == 3, f"{during_traffic} of 3")
        undecided = [i for i, (status, _) in answers.items() if status is None]
        check("every request got a definite answer", not undecided and len(answers) == args.requests, f"{len(undecided)} undecided")
        reserved = {i: body["id"] for i, (status, body) in answers.items() if status == 201}
        check("exactly 300 reservations succeeded", len(reserved) == 300, f"{len(reserved)}")
        check("no two keys share a redemption", len(set(reserved.values())) == len(reserved))

        # Replays: same key, same body -> the same answer.
        mismatches = 0
        for index in list(answers)[::7]:
            status, body = reserve(index)
            if status != answers[index][0] or (status == 201 and body["id"] != answers[index][1]["id"]):
                mismatches += 1
        check("replayed keys get the first answer", mismatches == 0, f"{mismatches} mismatches")

        where = f"tenant_id = (SELECT id FROM tenants WHERE name = '{tenant}') AND code = 'HOT'"
        live = int(psql_value(args.database, f"SELECT count(*) FROM redemptions WHERE {where} AND status IN ('reserved', 'confirmed')"))
        counter = int(psql_value(args.database, f"SELECT redeemed FROM coupon_usage WHERE {where}"))
        worst = int(psql_value(args.database, f"SELECT COALESCE(max(n), 0) FROM (SELECT count(*) n FROM redemptions WHERE {where} "
                                        "AND status IN ('reserved', 'confirmed') GROUP BY customer_id) t"))
        stored = set(psql_value(args.database, f"SELECT id FROM redemptions WHERE {where} AND status = 'reserved'").split())
        check("no oversell: live rows <= 300", live <= 300, f"{live}")
        check("counter equals live rows", counter == live, f"counter {counter}, live {live}")
        check("no customer above 3", worst <= 3, f"{worst}")
        check("every 201 is stored", set(reserved.values()) <= stored, f"{len(set(reserved.values()) - stored)} missing")
        check("nothing stored that was not answered 201", stored <= set(reserved.values()), f"{len(stored - set(reserved.values()))} extra")
        status, _ = call(port, "POST", "/v1/carts/price", key, json.dumps(
            {"currency": "EUR", "lines": [{"id": "1", "sku": "a", "quantity": 1, "unitPrice": "9.99"}]}))
        check("service recovered without a restart", status == 200 and server.poll() is None)
        price_through_an_outage(args, port, key)
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    sys.exit(check.summary("coupon faults"))


def price_through_an_outage(args, port, key):
    cart = json.dumps({"currency": "EUR", "lines": [{"id": "1", "sku": "a", "quantity": 1, "unitPrice": "9.99"}]})
    status, data = call(port, "POST", "/v1/keys", key, json.dumps({"role": "pricing"}))
    check("second key created", status == 201, data)
    unused_key = json.loads(data)["apiKey"]
    check("price call before the outage", call(port, "POST", "/v1/carts/price", key, cart)[0] == 200)
    stopped = subprocess.run(args.stop, shell=True, capture_output=True, text=True, timeout=120)
    check("PostgreSQL stopped", stopped.returncode == 0, stopped.stderr[-500:])
    try:
        statuses, slowest = [], 0.0
        end = time.time() + 15
        while time.time() < end:
            started = time.time()
            try:
                statuses.append(call(port, "POST", "/v1/carts/price", key, cart, timeout=5)[0])
            except (OSError, http.client.HTTPException) as error:
                statuses.append(type(error).__name__)
            slowest = max(slowest, time.time() - started)
            time.sleep(0.5)
        print(f"outage: {len(statuses)} price calls over 15 s, slowest {slowest:.2f} s")
        check("price calls answer 200 through a 15 s outage", all(s == 200 for s in statuses),
              f"{[s for s in statuses if s != 200][:5]}")
        try:
            status, data = call(port, "POST", "/v1/carts/price", unused_key, cart, timeout=15)
            code = json.loads(data).get("error", {}).get("code")
        except (OSError, http.client.HTTPException) as error:
            status, code = type(error).__name__, None
        check("a key never seen gets 503 during the outage", status == 503 and code == "authentication_unavailable", f"{status} {code}")
    finally:
        started = subprocess.run(args.start, shell=True, capture_output=True, text=True, timeout=120)
        check("PostgreSQL started", started.returncode == 0, started.stderr[-500:])
    status = None
    deadline = time.time() + 60
    while time.time() < deadline and status != 200:
        try:
            status = call(port, "POST", "/v1/carts/price", unused_key, cart, timeout=10)[0]
        except (OSError, http.client.HTTPException):
            pass
        if status != 200:
            time.sleep(0.5)
    check("the new key works once PostgreSQL is back", status == 200, f"{status}")


if __name__ == "__main__":
    main()
