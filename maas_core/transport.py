"""HTTP for every API we speak: one pure base, a sync and an async driver.

The base holds what does no I/O: URLs, headers, timeouts, which failures are retried and after how
long, how an error response becomes a typed error. ``Transport`` / ``AsyncTransport`` only send.

Retries: 429, 5xx and connection failures, with exponential backoff and jitter, honouring
``Retry-After``; never other 4xx; never once a stream has handed out its first event. Responses
are always closed, also when the consumer stops early. Without a caller's own ``httpx.Client`` /
``httpx.AsyncClient`` (used as given and left open), connections come from the shared pools of
``maas_core.pools``: one per process (sync), one per event loop (async).
"""

from __future__ import annotations

import asyncio
import email.utils
import itertools
import logging
import random
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Generator,
    Iterator,
    Mapping,
)
from typing import Any

import httpx
from httpx_sse import ServerSentEvent

from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    MaaSError,
    StreamError,
    error_from_body,
    redact,
)
from .pools import shared_async_client, shared_client
from .sse import aiter_events, iter_events

__all__ = ["DEFAULT_TIMEOUT", "AsyncTransport", "Transport"]

logger = logging.getLogger("maas_core")

DEFAULT_TIMEOUT = httpx.Timeout(300.0, connect=10.0)
"""DashScope's own server-side limit is 300 s (PROTOCOLS.md A.1); connecting should be quick."""

_MAX_RETRY_AFTER = 60.0


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
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = _timeout(timeout)
        self.max_retries = max_retries
        self.provider = provider
        self._headers = dict(headers or {})
        self._auth = auth
        self._secrets = secrets
        self._retry_base_delay = retry_base_delay
        self._retry_max_delay = retry_max_delay

    def __repr__(self) -> str:  # never the headers: they hold the key
        return f"{type(self).__name__}(base_url={self.base_url!r}, provider={self.provider!r})"

    def _url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def _request_kwargs(
        self, json: Any, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "headers": {**self._headers, **headers} if headers else self._headers,
            "timeout": self.timeout,
        }
        if json is not None:
            kwargs["json"] = json
        if params:
            kwargs["params"] = {k: v for k, v in params.items() if v is not None}
        if self._auth is not None:
            kwargs["auth"] = self._auth
        return kwargs

    def _status_error(self, response: httpx.Response) -> APIStatusError:
        text = redact(response.text, self._secrets)
        return error_from_body(
            response.status_code,
            text,
            provider=self.provider,
            request_id=response.headers.get("x-request-id"),
            retry_after=_retry_after(response.headers),
        )

    def _connection_error(self, exc: httpx.HTTPError, url: str) -> APIConnectionError:
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        error = cls(f"[{self.provider}] {type(exc).__name__} calling {url}: {exc}")
        error.__cause__ = exc
        return error

    def _stream_cut(self, exc: httpx.HTTPError, events: int) -> StreamError:
        kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "broke"
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

    def _retry_delay(self, attempt: int, error: MaaSError) -> float | None:
        """Seconds to wait before the next attempt, or ``None`` to raise ``error``."""
        if attempt >= self.max_retries or not _retryable(error):
            return None
        if isinstance(error, APIStatusError) and error.retry_after is not None:
            return min(error.retry_after, _MAX_RETRY_AFTER)
        backoff = min(self._retry_base_delay * 2**attempt, self._retry_max_delay)
        delay: float = backoff * random.uniform(0.75, 1.25)
        logger.info("%s: retrying in %.2fs after %s", self.provider, delay, type(error).__name__)
        return delay

    def _delay_or_raise(self, attempt: int, error: MaaSError) -> float:
        delay = self._retry_delay(attempt, error)
        if delay is None:
            raise error
        return delay

    def _decode_json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise error_from_body(
                response.status_code, redact(response.text, self._secrets), provider=self.provider
            ) from None


def _timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    if timeout is None:
        return DEFAULT_TIMEOUT
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


def _retryable(error: MaaSError) -> bool:
    if isinstance(error, APIConnectionError):
        return True
    return isinstance(error, APIStatusError) and error.retryable


def _retry_after(headers: httpx.Headers) -> float | None:
    """``Retry-After`` in seconds or as an HTTP date; ``retry-after-ms`` too."""
    if "retry-after-ms" in headers:
        try:
            return float(headers["retry-after-ms"]) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(parsed.timestamp() - time.time(), 0.0) if parsed else None


def _is_event_stream(response: httpx.Response) -> bool:
    return "text/event-stream" in response.headers.get("content-type", "")


class Transport(_BaseTransport):
    """Synchronous driver."""

    def __init__(
        self, base_url: str, *, http_client: httpx.Client | None = None, **kwargs: Any
    ) -> None:
        super().__init__(base_url, **kwargs)
        self._client = http_client or shared_client()

    def close(self) -> None:
        """Nothing to release: pooled connections are shared, a caller's client is theirs."""

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
        attempts = itertools.count()
        while True:
            try:
                response = self._client.request(method, url, **kwargs)
            except httpx.HTTPError as exc:
                error: MaaSError = self._connection_error(exc, url)
            else:
                logger.debug("%s %s -> %s", method, url, response.status_code)
                if response.is_success:
                    return response
                error = self._status_error(response)
            time.sleep(self._delay_or_raise(next(attempts), error))

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
        attempts = itertools.count()
        while True:
            try:
                with self._client.stream(method, url, **kwargs) as response:
                    logger.debug("%s %s -> %s (stream)", method, url, response.status_code)
                    if response.is_success and _is_event_stream(response):
                        if on_open is not None:
                            on_open(response)
                        yield from self._events(response)
                        return
                    response.read()
                    if response.is_success:
                        raise self._not_a_stream(response)
                    error: MaaSError = self._status_error(response)
            except httpx.HTTPError as exc:
                error = self._connection_error(exc, url)
            time.sleep(self._delay_or_raise(next(attempts), error))

    def _events(self, response: httpx.Response) -> Iterator[ServerSentEvent]:
        count = 0
        try:
            for event in iter_events(response):
                count += 1
                yield event
        except httpx.HTTPError as exc:
            raise self._stream_cut(exc, count) from exc


class AsyncTransport(_BaseTransport):
    """Asynchronous driver: the same behaviour as ``Transport``."""

    def __init__(
        self, base_url: str, *, http_client: httpx.AsyncClient | None = None, **kwargs: Any
    ) -> None:
        super().__init__(base_url, **kwargs)
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
        attempts = itertools.count()
        while True:
            try:
                response = await (await self._http()).request(method, url, **kwargs)
            except httpx.HTTPError as exc:
                error: MaaSError = self._connection_error(exc, url)
            else:
                logger.debug("%s %s -> %s", method, url, response.status_code)
                if response.is_success:
                    return response
                error = self._status_error(response)
            await asyncio.sleep(self._delay_or_raise(next(attempts), error))

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
        attempts = itertools.count()
        while True:
            try:
                http = await self._http()
                async with http.stream(method, url, **kwargs) as response:
                    logger.debug("%s %s -> %s (stream)", method, url, response.status_code)
                    if response.is_success and _is_event_stream(response):
                        if on_open is not None:
                            on_open(response)
                        async for event in self._events(response):
                            yield event
                        return
                    await response.aread()
                    if response.is_success:
                        raise self._not_a_stream(response)
                    error: MaaSError = self._status_error(response)
            except httpx.HTTPError as exc:
                error = self._connection_error(exc, url)
            await asyncio.sleep(self._delay_or_raise(next(attempts), error))

    async def _events(self, response: httpx.Response) -> AsyncIterator[ServerSentEvent]:
        count = 0
        try:
            async for event in aiter_events(response):
                count += 1
                yield event
        except httpx.HTTPError as exc:
            raise self._stream_cut(exc, count) from exc
