"""A marquee server for a load script: started, waited for, stopped."""
import contextlib, subprocess, time, urllib.request


@contextlib.contextmanager
def served(binary, options, port):
    """Runs `binary serve OPTIONS --port PORT` on 127.0.0.1, yields the process once /readyz
    answers 200 (up to 5 minutes), and stops it on the way out."""
    server = subprocess.Popen([binary, "serve", *options, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=60)
