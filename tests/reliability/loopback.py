"""A purpose-built HTTP/1.1 server on 127.0.0.1 for answers the emulator will never give.

Each connection is served by ``respond(conn, request_bytes)`` in its own thread, which writes raw
bytes: hostile bodies, endless pings, byte drips, lines that never end. ``stop`` ends every
writer at once (they poll it), so a test never waits for a server that would run forever.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Responder = Callable[["Connection"], None]


class Connection:
    """One accepted connection, as a writer sees it."""

    def __init__(self, sock: socket.socket, request: bytes, stop: threading.Event) -> None:
        self.sock = sock
        self.request = request
        self.stop = stop
        self.sent = 0

    def send(self, data: bytes) -> bool:
        """Write ``data``; ``False`` once the client has gone or the server is stopping."""
        if self.stop.is_set():
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        self.sent += len(data)
        return True

    def wait(self, seconds: float) -> bool:
        """Sleep ``seconds``; ``False`` when the server is stopping."""
        return not self.stop.wait(seconds)


def head(status: int = 200, content_type: str = "application/json", **headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status} X", f"content-type: {content_type}", "connection: close"]
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def body(data: bytes, status: int = 200, **headers: str) -> Responder:
    """A whole answer with ``data`` as its body."""

    def respond(conn: Connection) -> None:
        conn.send(head(status, content_length=str(len(data)), **headers) + data)

    return respond


class Loopback:
    def __init__(self, respond: Responder) -> None:
        self.respond = respond
        self.stop = threading.Event()
        self.connections: list[Connection] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.05)  # accept() polls ``stop``: closing alone does not wake it
        self.port = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self._threads: list[threading.Thread] = []

    def start(self) -> Loopback:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def close(self) -> None:
        self.stop.set()
        self._server.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                sock, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(None)
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, sock: socket.socket) -> None:
        with sock:
            conn = Connection(sock, _read_request(sock), self.stop)
            self.connections.append(conn)
            self.respond(conn)


def _read_request(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    header, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in header.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return header + b"\r\n\r\n" + rest


@contextmanager
def serve(respond: Responder) -> Iterator[Loopback]:
    server = Loopback(respond).start()
    try:
        yield server
    finally:
        server.close()
