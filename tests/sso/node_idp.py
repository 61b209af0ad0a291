"""Starting a local identity provider of tests/idp (a node program) for the
length of a test session: one way for both protocols."""

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

IDP_DIR = Path(__file__).resolve().parents[1] / "idp"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def node_for(package: str, what: str) -> str:
    """The node binary, once ``package`` is installed in tests/idp; fails the
    test run saying how to get them otherwise."""
    node = shutil.which("node")
    if node is None or not (IDP_DIR / "node_modules" / package).is_dir():
        pytest.fail(
            f"The single sign-on tests start a local {what} (tests/idp): "
            "run `make install` (it needs Node.js 20+ and npm)."
        )
    return node


@contextlib.contextmanager
def running(command: list[str], *, ready_url: str, what: str, seconds: float = 20) -> Iterator[None]:
    """Runs ``command`` in tests/idp until the ``with`` block ends, once
    ``ready_url`` answers; fails with what it printed if it stops, or if it
    does not answer within ``seconds``."""
    process = subprocess.Popen(
        command, cwd=IDP_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + seconds
        while True:
            if process.poll() is not None:
                pytest.fail(f"The {what} stopped at start:\n{process.stdout.read()}")
            try:
                if requests.get(ready_url, timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"The {what} did not answer at {ready_url} within {seconds} s.")
            time.sleep(0.1)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
