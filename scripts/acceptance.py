#!/usr/bin/env python3
"""Process-level acceptance checks against the real `marquee` binary (loopback only, bounded).

Covers what in-process tests cannot: the CLI bootstrap (`tenants create --json`, `keys`),
`serve` on the chosen backend, Prometheus text parsed by prometheus_client, and graceful
shutdown: SIGTERM while a request is in flight -> the request completes, exit code 0; and (SQLite)
a start whose migrations fail exits non-zero with the error instead of hanging.

Usage: acceptance.py --binary .build/debug/marquee --database sqlite|postgres://...
Prints 'N passed, N failed' and exits non-zero on any failure.
"""
import argparse
import http.client
import json
import os
import signal
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from checks import Checks, free_port

from prometheus_client.parser import text_string_to_metric_families

check = Checks()


def request(port, method, path, key=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--database", required=True, help="sqlite, or a postgres:// URL")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="marquee-accept-")
    env = dict(os.environ, MARQUEE_DATA_DIR=workdir, MARQUEE_LOG_LEVEL="warning")
    if args.database != "sqlite":
        env["MARQUEE_DATABASE_URL"] = args.database
    label = "sqlite" if args.database == "sqlite" else "postgres"
    suffix = str(os.getpid())

    def cli(*argv):
        return subprocess.run([args.binary, *argv], env=env, capture_output=True, text=True, timeout=120)

    migrate = cli("migrate")
    check(f"[{label}] migrate", migrate.returncode == 0, migrate.stderr[-500:])
    check(f"[{label}] migrate again is a no-op", cli("migrate").stdout.strip() == "schema is up to date")

    acme_out = cli("tenants", "create", f"acme{suffix}", "--json")
    check(f"[{label}] tenants create --json", acme_out.returncode == 0, acme_out.stderr[-500:])
    acme = json.loads(acme_out.stdout)
    check(f"[{label}] --json has tenant and apiKey", acme.get("tenant") == f"acme{suffix}" and acme.get("apiKey", "").startswith("mq_"))
    globex = json.loads(cli("tenants", "create", f"globex{suffix}", "--json").stdout)
    dup = cli("tenants", "create", f"acme{suffix}")
    check(f"[{label}] duplicate tenant fails", dup.returncode != 0)
    read_key = json.loads(cli("keys", "create", "--tenant", f"acme{suffix}", "--role", "read", "--json").stdout)

    port = free_port()
    server = subprocess.Popen([args.binary, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        ready = False
        while time.time() < deadline and not ready:
            try:
                ready = request(port, "GET", "/readyz")[0] == 200
            except OSError:
                time.sleep(0.2)
        check(f"[{label}] serve becomes ready", ready)

        status, body = request(port, "GET", "/v1/tenant", acme["apiKey"])
        check(f"[{label}] acme key -> 200", status == 200 and json.loads(body)["name"] == f"acme{suffix}", body)
        status, body = request(port, "GET", "/v1/tenant", "mq_" + "0" * 64)
        check(f"[{label}] wrong key -> 401 JSON", status == 401 and json.loads(body)["error"]["code"] == "unauthorized")
        status, body = request(port, "GET", f"/v1/keys/{read_key['keyId']}", acme["apiKey"])
        check(f"[{label}] acme reads its key", status == 200)
        status, body = request(port, "GET", f"/v1/keys/{read_key['keyId']}", globex["apiKey"])
        check(f"[{label}] other tenant's key -> 404", status == 404 and json.loads(body)["error"]["code"] == "not_found")
        status, _ = request(port, "POST", "/v1/keys", read_key["apiKey"], '{"role":"admin"}')
        check(f"[{label}] read role cannot create keys -> 403", status == 403)
        revoke = cli("keys", "revoke", "--tenant", f"acme{suffix}", read_key["keyId"])
        check(f"[{label}] keys revoke", revoke.returncode == 0, revoke.stderr[-300:])
        deadline, status = time.time() + 30, None  # another process revoked it: the change feed or the key cache's TTL
        while time.time() < deadline:
            status = request(port, "GET", "/v1/tenant", read_key["apiKey"])[0]
            if status == 401:
                break
            time.sleep(0.2)
        check(f"[{label}] the revoked key -> 401", status == 401, f"{status}")

        status, text = request(port, "GET", "/metrics")
        families = {f.name: f for f in text_string_to_metric_families(text.decode())}
        histogram = families.get("http_server_request_duration_seconds")
        check(f"[{label}] /metrics parses; request duration histogram present",
              status == 200 and histogram is not None and histogram.type == "histogram")
        check(f"[{label}] histogram has buckets for /v1/tenant",
              histogram is not None and any(s.labels.get("route") == "/v1/tenant" for s in histogram.samples))
        last_sync = families.get("marquee_change_feed_last_sync_timestamp_seconds")
        synced = last_sync.samples[0].value if last_sync and last_sync.samples else 0
        check(f"[{label}] change feed reports its last sync (a recent Unix time)", abs(time.time() - synced) < 120, f"{synced}")
        check(f"[{label}] change feed version exported", "marquee_change_feed_version" in families)

        # Graceful shutdown: a request is mid-body when SIGTERM arrives; it must complete.
        body = b'{"role": "pricing"}'
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        head = (f"POST /v1/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {acme['apiKey']}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        sock.sendall(head + body[:5])
        time.sleep(0.3)
        server.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        sock.sendall(body[5:])
        response = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            response += chunk
            if b"\r\n\r\n" in response:
                head_part, _, rest = response.partition(b"\r\n\r\n")
                length = [int(l.split(b":")[1]) for l in head_part.split(b"\r\n") if l.lower().startswith(b"content-length")]
                if length and len(rest) >= length[0]:
                    break
        sock.close()
        check(f"[{label}] in-flight request completes after SIGTERM", response.startswith(b"HTTP/1.1 201"), response[:200])
        code = server.wait(timeout=30)
        check(f"[{label}] exits 0 after SIGTERM", code == 0, f"exit code {code}")
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()

    if label == "sqlite":
        failing_migration(args.binary)
        nonsense_settings(args.binary)
    sys.exit(check.summary(f"acceptance ({label})"))


def failing_migration(binary):
    """A start whose migrations fail ends with the error and a non-zero exit (it used to hang:
    services waiting for the migrations never returned)."""
    import sqlite3
    path = os.path.join(tempfile.mkdtemp(prefix="marquee-badmigration-"), "marquee.sqlite")
    database = sqlite3.connect(path)
    database.execute("CREATE TABLE schema_migrations (unrelated INTEGER)")  # no 'version' column
    database.commit()
    database.close()
    server = subprocess.Popen([binary, "serve", "--database", f"sqlite://{path}", "--port", str(free_port())],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    name = "[sqlite] failing migration: serve exits non-zero with the error"
    try:
        output, _ = server.communicate(timeout=30)
        check(name, server.returncode != 0 and "version" in output, f"exit {server.returncode}: {output[-300:]}")
    except subprocess.TimeoutExpired:
        # Say where it is stuck before killing it: its output and, when gdb is there, its threads.
        stacks = ""
        if shutil.which("gdb"):
            stacks = subprocess.run(["gdb", "-p", str(server.pid), "-batch", "-ex", "thread apply all bt 12"],
                                    capture_output=True, text=True, timeout=60).stdout
        server.kill()
        output, _ = server.communicate()
        check(name, False, f"still running after 30 s; output: {output[-1500:]}\n{stacks[-6000:]}")


def nonsense_settings(binary):
    """Impossible limits stop `serve` at once with the option's name (a negative body limit used
    to start a server that answered 413 to every body)."""
    # 0.0001 s polled in a busy loop (rounded to 0 ms); 1e300 s and 1e10 s trapped converting to Int.
    for args in (["--body-limit", "-1"], ["--audience-max-depth", "0"], ["--filter-cache-mb", "0"], ["--poll-interval", "0"],
                 ["--poll-interval", "0.0001"], ["--poll-interval", "1e300"], ["--idle-timeout", "10000000000"]):
        try:
            result = subprocess.run([binary, "serve", "--port", str(free_port()), *args], capture_output=True, text=True, timeout=30)
            check(f"serve {' '.join(args)} is refused", result.returncode != 0 and args[0] in result.stderr,
                  f"exit {result.returncode}: {result.stderr[-300:]}")
        except subprocess.TimeoutExpired:
            check(f"serve {' '.join(args)} is refused", False, "still running after 30 s")
    # member-source set converted --statement-timeout with Int(seconds * 1000): 1e300 trapped.
    env = dict(os.environ, MARQUEE_DATA_DIR=tempfile.mkdtemp(prefix="marquee-nonsense-"))
    for args in (["--statement-timeout", "1e300"], ["--statement-timeout", "0"], ["--max-queries", "0"]):
        result = subprocess.run([binary, "member-source", "set", "--tenant", "nobody", "--embedded", *args],
                                env=env, capture_output=True, text=True, timeout=30)
        check(f"member-source set {' '.join(args)} is refused", result.returncode != 0 and f"{args[0]} must be" in result.stderr,
              f"exit {result.returncode}: {result.stderr[-300:]}")


if __name__ == "__main__":
    main()
