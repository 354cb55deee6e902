"""One emulator in its own process, so that client CPU time is measured apart from the server's."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def emulator_process() -> Iterator[str]:
    """Start ``maas-emulator`` in a subprocess; yield its root URL."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "maas_core.emulator", "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(url + "/v1/models", headers={"Authorization": "Bearer sk-emulator"})
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def cpu_seconds(fn, repeat: int = 5) -> float:
    """Best client CPU time (``process_time``) of ``fn`` over ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def interleaved(fns: dict, rounds: int = 9) -> dict:
    """Best CPU seconds of each function, run in turns so that load affects all alike."""
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(rounds):
        for name, fn in fns.items():
            best[name] = min(best[name], cpu_seconds(fn, repeat=1))
    return best
