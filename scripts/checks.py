"""Shared helpers of the process-level test scripts (acceptance, propagation, coupon faults)."""
import socket
import subprocess
from urllib.parse import urlparse


class Checks:
    """Counts checks and prints one line per check, then 'N passed, N failed'."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def __call__(self, name, condition, detail=""):
        if condition:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name} {detail}")

    def summary(self, label):
        print(f"{label}: {self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def free_port():
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(database, sql):
    """Runs one statement with the psql client against a postgres:// URL; returns stdout."""
    url = urlparse(database)
    result = subprocess.run(["psql", "-qAt", "-h", url.hostname, "-p", str(url.port or 5432), "-U", url.username or "postgres",
                             "-d", url.path.lstrip("/"), "-c", sql], capture_output=True, text=True, timeout=60)
    return result


def psql_value(database, sql):
    """The stripped output of one statement (raises if psql failed)."""
    result = psql(database, sql)
    result.check_returncode()
    return result.stdout.strip()
