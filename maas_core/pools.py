"""Shared default ``httpx`` clients: connection pools that outlive clients and model instances.

LangChain and LlamaIndex code creates models freely (per request, per test, per agent) and
never closes them; a pool per instance would leave its keep-alive sockets to the garbage
collector. So, when no ``http_client`` is given to a transport:

* sync calls share one process-wide ``httpx.Client`` (timeouts are set per request by maas_core);
* their sockets set ``TCP_NODELAY`` (see ``_NO_DELAY``);
* both keep no cookies: a pool shared by models with different keys must not carry one user's
  gateway cookies into another's requests (and skipping the cookie jar saves time per call);
* async calls share one ``httpx.AsyncClient`` per event loop. A pool is bound to the loop its
  sockets were opened on, so it is closed *on that loop* when the loop shuts down: a keeper async
  generator registered with the loop is finalised by ``loop.shutdown_asyncgens()`` (which
  ``asyncio.run`` and pytest-asyncio call before closing a loop) and closes the pool. A loop
  closed with ``loop.close()`` alone is noticed when the next loop opens its pool: the dead
  loop's pool is dropped and its sockets closed (nothing can be awaited on a closed loop, so
  they are closed directly), and neither loop nor pool is kept;
* no pool crosses a ``fork``: a child (gunicorn ``--preload``, Celery prefork, multiprocessing)
  that wrote on the parent's keep-alive sockets would interleave its requests with the parent's
  and read another process's answers. The child forgets every pool it inherited (without closing
  them: the sockets still belong to the parent) and opens its own on first use.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import socket
import threading
from collections.abc import AsyncGenerator
from http.cookiejar import CookieJar
from typing import Any

import httpx

__all__ = ["shared_async_client", "shared_client"]

logger = logging.getLogger("maas_core")

_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100, keepalive_expiry=30)
_lock = threading.Lock()
_sync: list[httpx.Client] = []
_by_loop: dict[asyncio.AbstractEventLoop, tuple[httpx.AsyncClient, AsyncGenerator[None, None]]] = {}


class _NoCookies(CookieJar):
    """A jar that never stores anything."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None


# A request goes out as two writes (headers, then body): with Nagle's algorithm on, the body
# waits for the ACK of the headers, which the server delays (up to 40 ms on Linux).
_NO_DELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


def _forget_after_fork() -> None:
    global _lock
    _lock = threading.Lock()  # the parent's may have been held by another thread at fork time
    _sync.clear()
    _by_loop.clear()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_forget_after_fork)


def _options() -> dict[str, Any]:
    return {"cookies": _NoCookies()}


def shared_client() -> httpx.Client:
    """The process-wide sync pool."""
    if not _sync:
        with _lock:
            if not _sync:
                transport = httpx.HTTPTransport(limits=_LIMITS, socket_options=_NO_DELAY)
                client = httpx.Client(transport=transport, **_options())
                atexit.register(client.close)  # no socket left to the interpreter's teardown
                _sync.append(client)
    return _sync[0]


async def shared_async_client() -> httpx.AsyncClient:
    """The pool of the running event loop (created on first use, closed with the loop)."""
    loop = asyncio.get_running_loop()
    entry = _by_loop.get(loop)
    if entry is not None:
        return entry[0]
    _release_dead_loops()
    transport = httpx.AsyncHTTPTransport(limits=_LIMITS, socket_options=_NO_DELAY)
    client = httpx.AsyncClient(transport=transport, **_options())
    keeper = _keep(loop, client)
    _by_loop[loop] = (client, keeper)
    await keeper.__anext__()  # registers the generator with the loop's shutdown_asyncgens()
    return client


async def _keep(
    loop: asyncio.AbstractEventLoop, client: httpx.AsyncClient
) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        _by_loop.pop(loop, None)
        if loop.is_closed():
            _drop_sockets(client)
        else:
            await client.aclose()


def _release_dead_loops() -> None:
    """End the keepers of loops closed without ``shutdown_asyncgens()``."""
    for loop in [loop for loop in _by_loop if loop.is_closed()]:
        _, keeper = _by_loop.pop(loop)
        closing = keeper.aclose()
        try:  # the keeper's ``finally`` awaits nothing for a closed loop: one step ends it
            closing.send(None)
        except StopIteration:
            pass
        else:  # pragma: no cover - defensive
            closing.close()


def _drop_sockets(client: httpx.AsyncClient) -> None:
    """Close a dead loop's sockets without it. httpx has no public way: reach the asyncio
    transports through httpcore and anyio, and leave anything unexpected to the collector."""
    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    for connection in getattr(pool, "connections", ()):
        stream = getattr(getattr(connection, "_connection", None), "_network_stream", None)
        transport = getattr(getattr(stream, "_stream", None), "_transport", None)
        lost = getattr(transport, "_call_connection_lost", None)
        if lost is None or getattr(transport, "_sock", None) is None:
            continue
        try:  # closes the socket, detaches the protocol; never touches the closed loop
            lost(None)
        except Exception:  # best effort on a dead loop's leftovers: logged, never raised
            logger.debug("could not close a socket of a closed event loop", exc_info=True)
