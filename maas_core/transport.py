"""HTTP for every API we speak: one pure base, a sync and an async driver.

The base holds what does no I/O: URLs, headers, timeouts, which failures are retried and after how
long (``maas_core.retries``), how an error response becomes a typed error. ``Transport`` /
``AsyncTransport`` only send.

Retries: 429, 5xx and connection failures, with exponential backoff and jitter, honouring
``Retry-After`` up to ``max_retry_wait`` seconds per call; also a throttling frame sent as the
first event of a 200 stream (PROTOCOLS.md A.7 #2: how DashScope throttles streams); never other
4xx; never once a stream has handed out its first event. Deadlines: the ``httpx`` timeouts per
socket operation, an event-idle timeout that keep-alive comments and partial lines do not reset
(also on a non-streamed body, read as one event), an optional total ``deadline`` per call, and a
cap on the size of one event. Responses are always closed, also when the consumer stops early.
Without a caller's own ``httpx.Client`` / ``httpx.AsyncClient`` (used as given and left open),
connections come from the shared pools of ``maas_core.pools``, looked up at each call: one per
process (a fork gets its own), one per event loop (async).
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import logging
import time
from collections.abc import (
    AsyncGenerator,
    Callable,
    Generator,
    Mapping,
)
from typing import Any, TypeVar

import httpx
from httpx_sse import ServerSentEvent

from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    MaaSError,
    StreamError,
    error_from_body,
    error_from_payload,
    redact,
    unexpected_body,
)
from .pools import shared_async_client, shared_client
from .retries import DEFAULT_MAX_RETRY_WAIT, RetryBudget, parse_retry_after, retryable
from .sse import StreamLimitExceeded, StreamLimits, aiter_events, iter_events
from .validation import clean_headers, warn_if_plaintext

__all__ = [
    "DEFAULT_MAX_EVENT_BYTES",
    "DEFAULT_MAX_RETRY_WAIT",
    "DEFAULT_TIMEOUT",
    "AsyncTransport",
    "Transport",
]

logger = logging.getLogger("maas_core")

DEFAULT_TIMEOUT = httpx.Timeout(300.0, connect=10.0)
"""DashScope's own server-side limit is 300 s (PROTOCOLS.md A.1); connecting should be quick."""

DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024
"""One SSE event larger than this (16 MiB) fails the stream instead of filling the memory."""


class _BaseTransport:
    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 2,
        provider: str | None = None,
        secrets: tuple[str, ...] = (),
        retry_base_delay: float = 0.5,
        retry_max_delay: float = 8.0,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        deadline: float | None = None,
        stream_idle_timeout: float | None = None,
        max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES,
        expects: str | None = None,
        own_client: bool = False,
    ) -> None:
        """``deadline``: seconds the whole call may take (retries and stream included), or
        ``None``. ``stream_idle_timeout``: seconds allowed between two events (default: the read
        timeout). ``expects``: what a JSON answer must be (e.g. "a chat completion"); ``None``
        takes any JSON. ``own_client``: the caller's ``httpx`` client is used (no pool)."""
        self.base_url = base_url.rstrip("/")
        self.timeout = _timeout(timeout)
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.deadline = deadline
        self.stream_idle_timeout = (
            stream_idle_timeout if stream_idle_timeout is not None else self.timeout.read
        )
        self.max_event_bytes = max_event_bytes
        self.provider = provider
        self._headers = clean_headers(headers)
        self._auth = auth
        self._secrets = (*secrets, *(s.strip() for s in secrets if s != s.strip()))
        self._retry_base_delay = retry_base_delay
        self._retry_max_delay = retry_max_delay
        self._expects = expects
        if not own_client and (auth is not None or "Authorization" in self._headers):
            warn_if_plaintext(self.base_url)

    def __repr__(self) -> str:  # never the headers: they hold the key
        return f"{type(self).__name__}(base_url={self.base_url!r}, provider={self.provider!r})"

    def _url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def _budget(self) -> RetryBudget:
        return RetryBudget(
            max_retries=self.max_retries,
            max_wait=self.max_retry_wait,
            base_delay=self._retry_base_delay,
            max_delay=self._retry_max_delay,
            deadline=None if self.deadline is None else time.monotonic() + self.deadline,
            provider=self.provider,
        )

    def _request_kwargs(
        self, json: Any, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "headers": {**self._headers, **clean_headers(headers)} if headers else self._headers,
            "timeout": self.timeout,
        }
        if json is not None:
            kwargs["json"] = json
        if params:
            kwargs["params"] = {k: v for k, v in params.items() if v is not None}
        if self._auth is not None:
            kwargs["auth"] = self._auth
        return kwargs

    def _attempt_timeout(self, budget: RetryBudget, stream: bool = False) -> httpx.Timeout:
        """This attempt's ``httpx`` timeouts: a stream waits ``stream_idle_timeout`` per read;
        nothing waits past the call's deadline."""
        t = self.timeout
        if stream and self.stream_idle_timeout is not None:
            t = httpx.Timeout(connect=t.connect, read=self.stream_idle_timeout, write=t.write,
                              pool=t.pool)
        limit = budget.remaining()
        if limit == float("inf"):
            return t
        limit = max(limit, 0.001)
        return httpx.Timeout(
            connect=_min(t.connect, limit), read=_min(t.read, limit),
            write=_min(t.write, limit), pool=_min(t.pool, limit),
        )

    def _limits(self, budget: RetryBudget) -> StreamLimits:
        return StreamLimits(self.stream_idle_timeout, self.max_event_bytes, budget.deadline)

    def _status_error(self, response: httpx.Response) -> APIStatusError:
        text = redact(response.text, self._secrets)
        return error_from_body(
            response.status_code,
            text,
            provider=self.provider,
            request_id=response.headers.get("x-request-id"),
            retry_after=parse_retry_after(response.headers),
        )

    def _connection_error(self, exc: httpx.HTTPError, url: str) -> APIConnectionError:
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        detail = redact(str(exc), self._secrets)
        error = cls(f"[{self.provider}] {type(exc).__name__} calling {url}: {detail}")
        error.__cause__ = exc
        return error

    def _stream_cut(self, exc: Exception, events: int) -> StreamError:
        timed_out = isinstance(exc, httpx.TimeoutException) or (
            isinstance(exc, StreamLimitExceeded) and exc.timeout
        )
        kind = "timed out" if timed_out else "broke"
        if isinstance(exc, StreamLimitExceeded) and not exc.timeout:
            kind = "was refused"
        error = StreamError(
            f"[{self.provider}] the stream {kind} after {events} events "
            f"({type(exc).__name__}: {exc}); the answer is incomplete"
        )
        error.__cause__ = exc
        return error

    def _not_a_stream(self, response: httpx.Response) -> MaaSError:
        """A 200 answer to a streaming request that is not an event stream."""
        body = response.text
        error = error_from_body(
            response.status_code,
            redact(body, self._secrets),
            provider=self.provider,
            request_id=response.headers.get("x-request-id"),
        )
        if error.code:  # an error body sent with 200 (some gateways do)
            return error
        kind = response.headers.get("content-type", "no content-type")
        return StreamError(
            f"[{self.provider}] expected an event stream, got {kind}: {error.message}"
        )

    def _first_event_refusal(
        self, event: ServerSentEvent | None, response: httpx.Response
    ) -> APIStatusError | None:
        """A retryable error sent as the first event of a 200 stream (PROTOCOLS.md A.7 #2).

        Nothing has reached the caller yet, so it is retried like the status it stands for.
        Other first-event errors go on to the stream decoder, which raises them typed.
        """
        if event is None or not event.data.startswith("{"):
            return None
        try:
            payload = jsonlib.loads(event.data)
        except ValueError:
            return None
        if not (isinstance(payload, dict) and _is_error_frame(event.event, payload)):
            return None
        error = error_from_payload(
            payload, provider=self.provider, retry_after=parse_retry_after(response.headers)
        )
        error.request_id = error.request_id or response.headers.get("x-request-id")
        return error if retryable(error) else None

    def _decode_json(self, response: httpx.Response, what: str | None = None) -> Any:
        what = what or self._expects
        try:
            value = jsonlib.loads(response.content)  # bytes: invalid UTF-8 raises too
        except ValueError as exc:
            raise self._unexpected(response, what or "JSON", f"not JSON ({exc})") from None
        if what is not None and not isinstance(value, dict):
            raise self._unexpected(response, what, f"a JSON {type(value).__name__}")
        request_id = response.headers.get("x-request-id")
        if what is not None and request_id and "request_id" not in value:
            # The header names an answer (or a 200 error body) that does not name itself.
            value["request_id"] = request_id
        return value

    def _unexpected(self, response: httpx.Response, what: str, why: str) -> APIStatusError:
        text = response.content.decode("utf-8", "replace")
        return unexpected_body(
            what,
            why,
            redact(text, self._secrets),
            status=response.status_code,
            provider=self.provider,
            request_id=response.headers.get("x-request-id"),
        )


def _min(a: float | None, b: float) -> float:
    return b if a is None else min(a, b)


def _timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    if timeout is None:
        return DEFAULT_TIMEOUT
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


def _is_error_frame(event: str, payload: Mapping[str, Any]) -> bool:
    """``event:error`` (DashScope, both modes), or an error body as data (vLLM, E.2)."""
    if event == "error" or payload.get("object") == "error":
        return True
    if isinstance(payload.get("error"), Mapping):
        return True
    return "code" in payload and "output" not in payload and "choices" not in payload


def _is_event_stream(response: httpx.Response) -> bool:
    return "text/event-stream" in response.headers.get("content-type", "")


def _body_deadline(idle: float | None, budget: RetryBudget) -> float | None:
    """The monotonic time a non-streamed body must be complete by (it counts as one event)."""
    limit = min(idle if idle is not None else float("inf"), budget.remaining())
    return None if limit == float("inf") else time.monotonic() + limit


def _whole(response: httpx.Response, raw: bytes) -> httpx.Response:
    """``response`` again, its raw body read (by us, under the deadlines)."""
    return httpx.Response(
        response.status_code, headers=response.headers, content=raw, request=response.request,
        extensions=response.extensions,
    )


class Transport(_BaseTransport):
    """Synchronous driver."""

    def __init__(
        self, base_url: str, *, http_client: httpx.Client | None = None, **kwargs: Any
    ) -> None:
        super().__init__(base_url, own_client=http_client is not None, **kwargs)
        self._own_client = http_client

    def close(self) -> None:
        """Nothing to release: pooled connections are shared, a caller's client is theirs."""

    def _http(self) -> httpx.Client:
        # Looked up at each call, never kept: after a fork the child must use its own pool.
        return self._own_client or shared_client()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send with retries; return a successful response or raise the typed error."""
        url = self._url(path)
        kwargs = self._request_kwargs(json, params, headers)
        budget = self._budget()
        while True:
            kwargs["timeout"] = self._attempt_timeout(budget)
            try:
                response = self._send(method, url, kwargs, budget)
            except httpx.HTTPError as exc:
                error: MaaSError = self._connection_error(exc, url)
            else:
                logger.debug("%s %s -> %s", method, url, response.status_code)
                if response.is_success:
                    return response
                error = self._status_error(response)
            time.sleep(budget.delay_or_raise(error))

    def _send(
        self, method: str, url: str, kwargs: dict[str, Any], budget: RetryBudget
    ) -> httpx.Response:
        with self._http().stream(method, url, **kwargs) as response:
            if response.is_stream_consumed:  # read already, by an auth flow
                return response
            deadline = _body_deadline(self.stream_idle_timeout, budget)
            chunks = []
            for chunk in response.iter_raw():
                chunks.append(chunk)
                if deadline is not None and time.monotonic() > deadline:
                    raise _body_too_slow(response)
            return _whole(response, b"".join(chunks))

    def request_json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._decode_json(self.request(method, path, **kwargs))

    def stream_sse(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        on_open: Callable[[httpx.Response], None] | None = None,
    ) -> Generator[ServerSentEvent, None, None]:
        """The events of a streamed answer; retried only until the first event is out.

        ``on_open`` sees the accepted response (its headers) before the first event.
        """
        url = self._url(path)
        kwargs = self._request_kwargs(json, None, headers)
        budget = self._budget()
        while True:
            kwargs["timeout"] = self._attempt_timeout(budget, stream=True)
            try:
                with self._http().stream(method, url, **kwargs) as response:
                    logger.debug("%s %s -> %s (stream)", method, url, response.status_code)
                    if response.is_success and _is_event_stream(response):
                        events = self._events(response, budget)
                        first = next(events, None)
                        error: MaaSError | None = self._first_event_refusal(first, response)
                        if error is None:
                            if on_open is not None:
                                on_open(response)
                            if first is not None:
                                yield first
                            yield from events
                            return
                        events.close()
                    else:
                        response.read()
                        if response.is_success:
                            raise self._not_a_stream(response)
                        error = self._status_error(response)
            except httpx.HTTPError as exc:
                error = self._connection_error(exc, url)
            time.sleep(budget.delay_or_raise(error))

    def _events(
        self, response: httpx.Response, budget: RetryBudget
    ) -> Generator[ServerSentEvent, None, None]:
        count = 0
        try:
            for event in iter_events(response, self._limits(budget)):
                count += 1
                yield event
        except (httpx.HTTPError, StreamLimitExceeded) as exc:
            raise self._stream_cut(exc, count) from exc


class AsyncTransport(_BaseTransport):
    """Asynchronous driver: the same behaviour as ``Transport``."""

    def __init__(
        self, base_url: str, *, http_client: httpx.AsyncClient | None = None, **kwargs: Any
    ) -> None:
        super().__init__(base_url, own_client=http_client is not None, **kwargs)
        self._client = http_client

    async def aclose(self) -> None:
        """Nothing to release: the loop's pool closes with the loop."""

    async def _http(self) -> httpx.AsyncClient:
        return self._client or await shared_async_client()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        url = self._url(path)
        kwargs = self._request_kwargs(json, params, headers)
        budget = self._budget()
        while True:
            kwargs["timeout"] = self._attempt_timeout(budget)
            try:
                response = await self._send(method, url, kwargs, budget)
            except httpx.HTTPError as exc:
                error: MaaSError = self._connection_error(exc, url)
            else:
                logger.debug("%s %s -> %s", method, url, response.status_code)
                if response.is_success:
                    return response
                error = self._status_error(response)
            await asyncio.sleep(budget.delay_or_raise(error))

    async def _send(
        self, method: str, url: str, kwargs: dict[str, Any], budget: RetryBudget
    ) -> httpx.Response:
        http = await self._http()
        async with http.stream(method, url, **kwargs) as response:
            if response.is_stream_consumed:  # read already, by an auth flow
                return response
            deadline = _body_deadline(self.stream_idle_timeout, budget)
            chunks = []
            async for chunk in response.aiter_raw():
                chunks.append(chunk)
                if deadline is not None and time.monotonic() > deadline:
                    raise _body_too_slow(response)
            return _whole(response, b"".join(chunks))

    async def request_json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._decode_json(await self.request(method, path, **kwargs))

    async def stream_sse(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        on_open: Callable[[httpx.Response], None] | None = None,
    ) -> AsyncGenerator[ServerSentEvent, None]:
        url = self._url(path)
        kwargs = self._request_kwargs(json, None, headers)
        budget = self._budget()
        while True:
            kwargs["timeout"] = self._attempt_timeout(budget, stream=True)
            try:
                http = await self._http()
                async with http.stream(method, url, **kwargs) as response:
                    logger.debug("%s %s -> %s (stream)", method, url, response.status_code)
                    if response.is_success and _is_event_stream(response):
                        events = self._events(response, budget)
                        first = await anext(events, None)
                        error: MaaSError | None = self._first_event_refusal(first, response)
                        if error is None:
                            if on_open is not None:
                                on_open(response)
                            if first is not None:
                                yield first
                            async for event in events:
                                yield event
                            return
                        await events.aclose()
                    else:
                        await response.aread()
                        if response.is_success:
                            raise self._not_a_stream(response)
                        error = self._status_error(response)
            except httpx.HTTPError as exc:
                error = self._connection_error(exc, url)
            await asyncio.sleep(budget.delay_or_raise(error))

    async def _events(
        self, response: httpx.Response, budget: RetryBudget
    ) -> AsyncGenerator[ServerSentEvent, None]:
        count = 0
        try:
            async for event in aiter_events(response, self._limits(budget)):
                count += 1
                yield event
        except (httpx.HTTPError, StreamLimitExceeded) as exc:
            raise self._stream_cut(exc, count) from exc


def _body_too_slow(response: httpx.Response) -> httpx.ReadTimeout:
    return httpx.ReadTimeout(
        "the body did not arrive within the idle timeout or the call's deadline",
        request=response.request,
    )


_Owner = TypeVar("_Owner", bound="TransportOwner")
_AsyncOwner = TypeVar("_AsyncOwner", bound="AsyncTransportOwner")


class TransportOwner:
    """A client that sends through one ``Transport`` it opens: ``close()`` and ``with``.

    The chat and the embedding clients share this shell (and its async twin below), as httpx's
    ``Client`` and ``AsyncClient`` share theirs.
    """

    base_url: str
    transport: Transport
    _transport_kwargs: dict[str, Any]

    def _open_transport(self, http_client: httpx.Client | None) -> None:
        self.transport = Transport(self.base_url, http_client=http_client, **self._transport_kwargs)

    def close(self) -> None:
        self.transport.close()

    def __enter__(self: _Owner) -> _Owner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncTransportOwner:
    """The async twin of ``TransportOwner``: ``aclose()`` and ``async with``."""

    base_url: str
    transport: AsyncTransport
    _transport_kwargs: dict[str, Any]

    def _open_transport(self, http_client: httpx.AsyncClient | None) -> None:
        self.transport = AsyncTransport(
            self.base_url, http_client=http_client, **self._transport_kwargs
        )

    async def aclose(self) -> None:
        await self.transport.aclose()

    async def __aenter__(self: _AsyncOwner) -> _AsyncOwner:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
