"""A Jupyter server started for a test, as a person starts `course lab`: up once its API answers."""

import contextlib
import subprocess
import time
import urllib.request

import pytest


@contextlib.contextmanager
def running_jupyter(command, port, token, wait=120, **popen):
    """Start `command` (a Jupyter server on 127.0.0.1:`port` with `token`); yield its base
    URL once its API answers, and stop it afterwards. A server that ends or does not
    answer within `wait` seconds fails the test with its output."""
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **popen)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail(f"Jupyter did not start:\n{server.stdout.read().decode()}")
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()
