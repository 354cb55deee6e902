"""What every discovery client shares: calls, pages, the two I/O drivers, the status poller.

A client's base class builds ``Call`` objects and parses JSON into ``Page``s with no I/O; the sync
and async drivers below are the only code that sends (STYLE.md habit 2). Paginated listings are
a first call plus a ``parse(payload, call) -> Page`` that returns the next call or ``None``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx

from ..auth import SecretAuth
from ..errors import AuthenticationError, MaaSError, NotFoundError
from ..hints import fabric_not_found_hint
from ..transport import AsyncTransport, Transport

T = TypeVar("T")
R = TypeVar("R")

MAX_PAGES = 10_000
"""A guard against a server that ignores the page parameters and always answers page 1."""


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    params: Mapping[str, Any] | None = None
    json: Any = None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next: Call | None = None


@dataclass(frozen=True)
class Paged(Generic[T]):
    """A paginated listing: where to start and how to read each page."""

    first: Call
    parse: Callable[[Any, Call], Page[T]]


@dataclass(frozen=True)
class Single(Generic[T]):
    """One request and how to read its answer."""

    call: Call
    parse: Callable[[Any], T]


def json_object(payload: Any, what: str) -> dict[str, Any]:
    """``payload`` if it is a JSON object, else a clear error (never a silent empty list)."""
    if not isinstance(payload, dict):
        raise MaaSError(f"{what}: expected a JSON object, got {type(payload).__name__}")
    return payload


def _send_kwargs(call: Call) -> dict[str, Any]:
    return {"params": call.params, "json": call.json}


def _decode(transport: Transport | AsyncTransport, response: httpx.Response) -> Any:
    """The JSON body, or ``None`` for an empty one (a 204 to a DELETE)."""
    return transport._decode_json(response) if response.content.strip() else None


@contextmanager
def naming_credentials(auth: httpx.Auth | None, path: str = "") -> Iterator[None]:
    """A 401 names the credential this client used (``SecretAuth.hint``), not another's; a
    Fabric 404 names the workspace (and instance) of ``path`` the platform did not find."""
    try:
        yield
    except AuthenticationError as error:
        if isinstance(auth, SecretAuth) and auth.hint and not error.credential_hint:
            error.hint = auth.hint
        raise
    except NotFoundError as error:
        hint = fabric_not_found_hint(path) if error.provider == "huawei-fabric" else None
        if hint:
            error.hint = hint
        raise


def _next_or_stop(page: Page[Any], call: Call, count: int) -> Call | None:
    if not page.items or page.next == call or count >= MAX_PAGES:
        return None
    return page.next


class SyncDriver:
    """The synchronous half of a client: owns a ``Transport``."""

    _transport: Transport
    _auth: httpx.Auth | None

    def _init_transport(self, base_url: str, auth: httpx.Auth | None, provider: str,
                        http_client: httpx.Client | None, **kwargs: Any) -> None:
        secrets = auth.secrets if isinstance(auth, SecretAuth) else ()
        self._auth = auth
        self._transport = Transport(base_url, auth=auth, provider=provider, secrets=secrets,
                                    http_client=http_client, **kwargs)

    def close(self) -> None:
        self._transport.close()

    def __enter__(self: R) -> R:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _collect(self, paged: Paged[T]) -> list[T]:
        items: list[T] = []
        call: Call | None = paged.first
        count = 0
        while call is not None:
            with naming_credentials(self._auth, call.path):
                payload = self._transport.request_json(call.method, call.path,
                                                       **_send_kwargs(call))
            page = paged.parse(payload, call)
            items.extend(page.items)
            count += 1
            call = _next_or_stop(page, call, count)
        return items

    def _one(self, single: Single[T]) -> T:
        call = single.call
        with naming_credentials(self._auth, call.path):
            response = self._transport.request(call.method, call.path, **_send_kwargs(call))
        return single.parse(_decode(self._transport, response))


class AsyncDriver:
    """The asynchronous half of a client: owns an ``AsyncTransport``."""

    _transport: AsyncTransport
    _auth: httpx.Auth | None

    def _init_transport(self, base_url: str, auth: httpx.Auth | None, provider: str,
                        http_client: httpx.AsyncClient | None, **kwargs: Any) -> None:
        secrets = auth.secrets if isinstance(auth, SecretAuth) else ()
        self._auth = auth
        self._transport = AsyncTransport(base_url, auth=auth, provider=provider,
                                         secrets=secrets, http_client=http_client, **kwargs)

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def __aenter__(self: R) -> R:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _collect(self, paged: Paged[T]) -> list[T]:
        items: list[T] = []
        call: Call | None = paged.first
        count = 0
        while call is not None:
            with naming_credentials(self._auth, call.path):
                payload = await self._transport.request_json(
                    call.method, call.path, **_send_kwargs(call)
                )
            page = paged.parse(payload, call)
            items.extend(page.items)
            count += 1
            call = _next_or_stop(page, call, count)
        return items

    async def _one(self, single: Single[T]) -> T:
        call = single.call
        with naming_credentials(self._auth, call.path):
            response = await self._transport.request(call.method, call.path,
                                                     **_send_kwargs(call))
        return single.parse(_decode(self._transport, response))


# ---- waiting for RUNNING ------------------------------------------------------------------------
class DeploymentError(MaaSError):
    """A deployment or service instance ended in a failed state; ``status`` is the last one seen."""

    def __init__(self, message: str, *, status: str | None, record: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.record = record


class DeploymentTimeoutError(DeploymentError, TimeoutError):
    """Not RUNNING before the timeout; ``status`` is the last one seen."""


@dataclass
class Poll(Generic[R]):
    """Pure logic of ``wait_until_running``: when it is done, when it failed, how long to sleep."""

    what: str
    status_of: Callable[[R], str | None]
    timeout: float
    interval: float
    ready: frozenset[str] = frozenset({"RUNNING"})
    failed: frozenset[str] = frozenset({"FAILED"})
    on_status: Callable[[R], object] | None = None
    started: float = field(default_factory=time.monotonic)

    def done(self, record: R) -> bool:
        """Report progress; True when ready; raise on a failed status or after the timeout."""
        if self.on_status is not None:
            self.on_status(record)
        status = self.status_of(record)
        if status in self.ready:
            return True
        if status in self.failed:
            raise DeploymentError(f"{self.what} ended {status}", status=status, record=record)
        elapsed = time.monotonic() - self.started
        if elapsed >= self.timeout:
            raise DeploymentTimeoutError(
                f"{self.what} not RUNNING after {elapsed:.1f}s (last status {status})",
                status=status, record=record,
            )
        return False

    def delay(self) -> float:
        remaining = self.timeout - (time.monotonic() - self.started)
        return max(0.0, min(self.interval, remaining))


def wait_sync(poll: Poll[R], fetch: Callable[[], R]) -> R:
    while True:
        record = fetch()
        if poll.done(record):
            return record
        time.sleep(poll.delay())


async def wait_async(poll: Poll[R], fetch: Callable[[], Any]) -> R:
    while True:
        record: R = await fetch()
        if poll.done(record):
            return record
        await asyncio.sleep(poll.delay())
