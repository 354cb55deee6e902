"""Run the emulator with uvicorn in a background thread on a loopback port."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from maas_core.emulator.app import RouteFactory, create_app
from maas_core.emulator.config import EmulatorConfig
from maas_core.emulator.management import ManagementHandle
from maas_core.emulator.state import EmulatorState, RecordedRequest

_ABORT_LOG = "ASGI callable returned without completing response."


class _QuietAbort(logging.Filter):
    """The "disconnect" fault ends responses on purpose; uvicorn need not log it as an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _ABORT_LOG


class Emulator(ManagementHandle):
    """A running (or startable) emulator; see ``start_emulator`` for the usual entry point."""

    def __init__(
        self,
        config: EmulatorConfig | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        extra_routes: Iterable[RouteFactory] = (),
        log_level: str = "warning",
    ) -> None:
        self.state = EmulatorState(config or EmulatorConfig())
        self.app = create_app(state=self.state, extra_routes=extra_routes)
        self.host, self.port = host, port
        self._log_level = log_level
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> Emulator:
        # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets that say they are TCP;
        # without it every keep-alive answer waits ~40 ms for a delayed ACK (Nagle).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level=self._log_level,
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=1,
            # No WebSocket route: never import a websockets implementation (older uvicorn
            # releases load the deprecated websockets.legacy module when it is installed).
            ws="none",
        )
        self._server = uvicorn.Server(config)
        logging.getLogger("uvicorn.error").addFilter(_QuietAbort())
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name=f"maas-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"emulator failed to start on {self.url}")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Emulator:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Block until interrupted (the ``maas-emulator`` command)."""
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    # ---- addresses -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def maas_base_url(self) -> str:
        return self.url + "/v1"

    @property
    def maas_v2_base_url(self) -> str:
        return self.url + "/v2"

    @property
    def maas_openai_base_url(self) -> str:
        return self.url + "/openai/v1"

    def maas_service_base_url(self, service_id: str) -> str:
        return f"{self.url}/v1/infers/{service_id}/v1"

    @property
    def dashscope_base_url(self) -> str:
        return self.url + "/api/v1"

    @property
    def dashscope_compatible_base_url(self) -> str:
        return self.url + "/compatible-mode/v1"

    # ---- test helpers ----------------------------------------------------------------------
    @property
    def config(self) -> EmulatorConfig:
        return self.state.config

    @property
    def api_key(self) -> str:
        return self.state.config.api_key

    @property
    def requests(self) -> list[RecordedRequest]:
        """The last ``REQUEST_LOG_SIZE`` (1000) requests, oldest first."""
        return self.state.requests

    def add_fault(self, spec: dict[str, Any]) -> None:
        """Queue a fault for the next matching chat requests (same spec as X-Emulator-Fault)."""
        from maas_core.emulator.faults import validate

        validate(spec)
        with self.state.lock:
            self.state.config.faults.append(dict(spec))

    def clear_faults(self) -> None:
        with self.state.lock:
            self.state.config.faults.clear()
            self.state.fault_counts.clear()


@contextmanager
def start_emulator(config: EmulatorConfig | None = None, **kwargs: Any) -> Iterator[Emulator]:
    """Serve the emulator on a free 127.0.0.1 port for the duration of the ``with`` block."""
    emulator = Emulator(config, **kwargs).start()
    try:
        yield emulator
    finally:
        emulator.stop()
