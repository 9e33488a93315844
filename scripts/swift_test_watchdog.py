#!/usr/bin/env python3
"""Runs the Swift tests (`swift test --skip-build`, or with `--binary` the built test binary
itself) and turns a stalled run into a diagnosable exit.

Now and then an API test server did not finish stopping and the run sat idle (README, "Known
issue"). Rather than let CI sit until its time limit, after `--stall` seconds without output this
prints what is known: the API test servers that never stopped and their last stage, how long ago
each heartbeat fired (both need MARQUEE_TEST_TRACE=1, see Tests/ServerTests/TestServer.swift), the
state, open files and context switches of every thread, the process's TCP sockets, PostgreSQL's
sessions that are not idle, and a gdb thread dump; then it kills the run and exits with 75 so
scripts/test.sh can run the suite again (up to five runs). Any test failure still fails the build,
also one reported before the stall (then the exit is 1, not 75, and there is no second run).

Usage: swift_test_watchdog.py [--stall SECONDS] [--binary TEST_BINARY] [swift test arguments...]
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

STALLED = 75
TRACE = re.compile(r"\[TestServer\] (server-[0-9a-f]+)\S* (?:\w+: )?(.*)")


def main() -> int:
    args = sys.argv[1:]
    stall = 600
    binary = None
    while len(args) >= 2 and args[0] in ("--stall", "--binary"):
        if args[0] == "--stall":
            stall = int(args[1])
        else:
            binary = args[1]
        args = args[2:]
    # --binary runs the built test binary itself, as swift test would, without swift test's relay.
    command = [binary, *args, "--testing-library", "swift-testing"] if binary else ["swift", "test", "--skip-build", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    last_output = [time.monotonic()]
    failures = [0]  # lines reporting a failed test or a recorded issue, seen so far
    servers: dict[str, str] = {}  # test server -> its last traced stage (MARQUEE_TEST_TRACE)
    heartbeats: dict[str, float] = {}  # kind -> when the test process last sent it

    def pump() -> None:
        assert process.stdout is not None
        for line in iter(process.stdout.readline, b""):
            if line.startswith(b"[heartbeat] "):  # liveness probes, not output (see TestServer)
                heartbeats[line[12:].strip().decode(errors="replace")] = time.monotonic()
                continue
            if b"still stopping after" not in line:  # a stuck server's reminders are not progress
                last_output[0] = time.monotonic()
            sys.stdout.buffer.write(line)
            sys.stdout.flush()
            if "\u2718".encode() in line:  # Swift Testing's ✘: "recorded an issue", "failed"
                failures[0] += 1
            trace = TRACE.match(line.decode(errors="replace"))
            if trace:
                servers[trace.group(1)] = trace.group(2)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    while process.poll() is None:
        time.sleep(5)
        if time.monotonic() - last_output[0] > stall:
            print(f"\n*** the tests printed nothing for {stall} s: treating the run as stalled", flush=True)
            for kind, seen in sorted(heartbeats.items()):
                print(f"*** last {kind} heartbeat {time.monotonic() - seen:.0f} s ago", flush=True)
            for server, stage in sorted(servers.items()):
                if stage != "stopped":
                    print(f"*** test server {server} not stopped; last stage: {stage}", flush=True)
            children = ([str(process.pid)] if binary else
                        subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split())
            processes = list(dict.fromkeys([*children, str(process.pid)]))  # without --binary, swift test too
            dump_state(processes, children)
            dump_threads(processes)
            for child in children:
                os.kill(int(child), signal.SIGKILL)  # the test binary, whatever its process group
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
            if failures[0]:
                # A stall must not hide failures already reported: no second run that might pass.
                print(f"*** the run had reported {failures[0]} failure line(s) before it stalled: failing", flush=True)
                return 1
            return STALLED
    reader.join(timeout=10)
    return process.returncode


def dump_state(processes: list[str], children: list[str]) -> None:
    """Thread states of every process of the run; open files, context switches and TCP sockets of
    the test binary (`children`); PostgreSQL's sessions that are not idle."""
    sockets = subprocess.run(["ss", "-tanp"], capture_output=True, text=True).stdout.splitlines()
    for pid in processes:
        # Thread states: 'T' would mean the process is stopped, not waiting.
        print(f"*** threads of process {pid}:", flush=True)
        subprocess.run(["ps", "-L", "-o", "lwp,stat,wchan:32,comm", "-p", pid], stdout=sys.stdout, stderr=subprocess.STDOUT)
    for pid in children:
        # Open files: a standard output or error that is no longer swift test's pipe would hide
        # a run that goes on silently.
        print(f"*** open files of process {pid}:", flush=True)
        subprocess.run(["ls", "-l", f"/proc/{pid}/fd"], stdout=sys.stdout, stderr=subprocess.STDOUT)
        # Context switches of each thread twice, 12 s apart: a thread that still wakes up counts up.
        before = context_switches(pid)
        time.sleep(12)
        after = context_switches(pid)
        print(f"*** context switches per thread of process {pid} over 12 s:", flush=True)
        for thread, count in sorted(after.items()):
            print(f"    {thread}: +{count - before.get(thread, 0)}", flush=True)
        mine = [line for line in sockets if f"pid={pid}," in line]
        print(f"*** {len(mine)} TCP sockets of process {pid}:", flush=True)
        for line in mine[:50]:
            print("   ", line, flush=True)
    url = os.environ.get("MARQUEE_TEST_POSTGRES_URL")
    if url and shutil.which("psql"):
        query = ("SELECT pid, datname, state, wait_event_type, wait_event, now() - query_start AS running, left(query, 120) "
                 "FROM pg_stat_activity WHERE backend_type = 'client backend' AND state <> 'idle' AND pid <> pg_backend_pid()")
        print("*** PostgreSQL sessions not idle:", flush=True)
        subprocess.run(["psql", url, "-X", "-c", query], timeout=30, stdout=sys.stdout, stderr=subprocess.STDOUT)


def context_switches(pid: str) -> dict[str, int]:
    """Voluntary plus involuntary context switches of each thread ("tid name")."""
    counts = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            counts[f"{tid} {fields['Name'].strip()}"] = (int(fields["voluntary_ctxt_switches"])
                                                        + int(fields["nonvoluntary_ctxt_switches"]))
        except (OSError, KeyError, ValueError):
            continue
    return counts


def dump_threads(processes: list[str]) -> None:
    """Thread backtraces of every process of the run (without --binary, `swift test` too: it
    relays the test binary's output and was seen holding it back), for the record."""
    gdb = shutil.which("gdb")
    if not gdb:
        print("*** (no gdb to dump threads)", flush=True)
        return
    for pid in processes:
        print(f"*** thread dump of process {pid}:", flush=True)
        subprocess.run([gdb, "-p", pid, "-batch", "-ex", "thread apply all bt 20"], timeout=120,
                       stdout=sys.stdout, stderr=subprocess.STDOUT)


if __name__ == "__main__":
    sys.exit(main())
