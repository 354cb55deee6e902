"""A purpose-built HTTP server on 127.0.0.1 for behaviours the emulator must not have.

``serve(answer)`` runs ``answer(Received) -> (status, headers, body)`` for every request in a
background thread and records what it received.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


Answer = tuple[int, dict[str, str], Any]


@dataclass
class Server:
    url: str
    received: list[Received] = field(default_factory=list)


@contextmanager
def serve(answer: Callable[[Received], Answer]) -> Iterator[Server]:
    server_state: dict[str, Server] = {}

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            got = Received(self.command, self.path, dict(self.headers.items()),
                           self.rfile.read(length))
            server_state["s"].received.append(got)
            status, headers, body = answer(got)
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state["s"] = Server(f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state["s"]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
