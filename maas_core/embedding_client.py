"""``EmbeddingClient`` / ``AsyncEmbeddingClient``: embeddings and rerank on every platform.

Input flow: ``EmbeddingRequest`` / ``RerankRequest`` -> the model's limits
(``embedding_profiles``) -> batches (``embeddings.plan_batches``) -> one body per batch in the
platform's wire (``dialects.embeddings`` / ``dialects.rerank``) -> the shared transport (retries,
typed errors, secrets, pools), at most ``max_concurrency`` batches in flight.
Output flow: per-batch results -> ``merge_embeddings`` (input order, usage summed) /
``merge_rerank`` (best first, ``top_n`` over all batches).

Batches are taken from a lazy plan by a fixed number of workers (threads for the sync client,
tasks for the async one), so memory stays flat whatever the number of texts; the first failure
stops the workers and is raised as it is.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from .client import Connection
from .dialects import embeddings as embedding_wire
from .dialects import rerank as rerank_wire
from .embedding_profiles import (
    EmbeddingProfile,
    RerankProfile,
    get_embedding_profile,
    get_rerank_profile,
)
from .embeddings import (
    check_dimensions,
    merge_embeddings,
    merge_rerank,
    plan_batches,
    plan_rerank,
)
from .providers import Platform
from .transport import AsyncTransport, AsyncTransportOwner, Transport, TransportOwner
from .types import EmbeddingRequest, EmbeddingResult, RerankRequest, RerankResult, Usage

__all__ = ["AsyncEmbeddingClient", "EmbeddingClient"]

T = TypeVar("T")

try:  # A vector answer is mostly floats: orjson reads them ~3x faster than json (it comes with
    # langsmith, i.e. with langchain-core); without it the standard library does the same job.
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - depends on the environment
    from json import loads as _fast_loads  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class _Batch(Generic[T]):
    """One request to send: where, what, and how to read the answer."""

    path: str
    body: dict[str, Any]
    headers: Mapping[str, str] | None
    parse: Callable[[Any], T]


class _BaseEmbeddingClient:
    def __init__(
        self,
        platform: str | Platform,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        region: str | None = None,
        workspace: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 2,
        default_headers: Mapping[str, str] | None = None,
        profile_overrides: Mapping[str, Any] | None = None,
        max_concurrency: int | None = None,
        auth: httpx.Auth | None = None,
    ) -> None:
        connection = Connection.resolve(
            platform, api_key=api_key, base_url=base_url, region=region, workspace=workspace,
            default_headers=default_headers,
        )
        self.platform, self.base_url = connection.platform, connection.base_url
        if max_concurrency is not None and max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {max_concurrency}")
        self.max_concurrency = max_concurrency
        self._overrides = dict(profile_overrides or {})
        self._transport_kwargs: dict[str, Any] = {
            "headers": connection.headers,
            "timeout": timeout,
            "max_retries": max_retries,
            "provider": self.platform.label,
            "secrets": connection.secrets,
            "auth": auth,
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(platform={self.platform.name!r}, base_url={self.base_url!r})"

    # ---- limits ----------------------------------------------------------------------------
    def embedding_profile(self, model: str) -> EmbeddingProfile:
        """Limits of embedding ``model`` on this platform (with this client's overrides)."""
        return get_embedding_profile(self.platform.name, model, self._overrides)

    def rerank_profile(self, model: str) -> RerankProfile:
        """Limits of rerank ``model`` on this platform (with this client's overrides)."""
        return get_rerank_profile(self.platform.name, model, self._overrides)

    @property
    def _native(self) -> bool:
        return self.platform.dialect == "dashscope_native"

    # ---- embeddings ------------------------------------------------------------------------
    def _embedding_plan(
        self, request: EmbeddingRequest
    ) -> tuple[list[tuple[int, int]], int]:
        profile = self.embedding_profile(request.model)
        check_dimensions(request.model, request.dimensions, profile)
        batches = plan_batches(request.texts, profile, request.model)
        return batches, self.max_concurrency or profile.max_concurrency

    def _embedding_batch(
        self, request: EmbeddingRequest, span: tuple[int, int]
    ) -> _Batch[EmbeddingResult]:
        texts = request.texts[span[0] : span[1]]
        count, label = len(texts), self.platform.label
        if self._native:
            body = embedding_wire.native_body(request, texts)
            path = embedding_wire.NATIVE_PATH

            def parse(data: Any) -> EmbeddingResult:
                return embedding_wire.parse_native(data, count, label)
        else:
            # base64 vectors where documented (MaaS E.5, vLLM); DashScope documents floats (E.2).
            packed = self.platform.name != "dashscope"
            body = embedding_wire.openai_body(request, texts, base64_vectors=packed)
            path = embedding_wire.OPENAI_PATH

            def parse(data: Any) -> EmbeddingResult:
                return embedding_wire.parse_openai(data, count, label)

        return _Batch(path, body, request.extra_headers, parse)

    # ---- rerank ----------------------------------------------------------------------------
    def _rerank_plan(self, request: RerankRequest) -> tuple[list[tuple[int, int]], int]:
        profile = self.rerank_profile(request.model)
        spans = plan_rerank(request.documents, request.query, profile)
        return spans, self.max_concurrency or profile.max_concurrency

    def _rerank_batch(
        self, request: RerankRequest, span: tuple[int, int], whole: bool
    ) -> _Batch[RerankResult]:
        documents = request.documents[span[0] : span[1]]
        count, offset, label = len(documents), span[0], self.platform.label
        # top_n can go to the platform only when one request sees every document.
        top_n = request.top_n if whole else None
        if self._native:
            body = rerank_wire.native_body(request, documents, top_n)
            path = rerank_wire.NATIVE_PATH

            def parse(data: Any) -> RerankResult:
                return rerank_wire.parse_native(data, count, offset, label)
        else:
            if self.platform.name == "dashscope":
                path = rerank_wire.compatible_api_url(self.base_url)
            else:  # MaaS /v1/rerank (E.5), vLLM /v1/rerank (E.6)
                path = "/rerank"
            # MaaS documents model/query/documents only (E.5); its gateway is strict.
            options = self.platform.name != "maas"
            body = rerank_wire.openai_body(request, documents, top_n, options=options)

            def parse(data: Any) -> RerankResult:
                return rerank_wire.parse_openai(data, count, offset, label)

        return _Batch(path, body, request.extra_headers, parse)


def _empty_embeddings(request: EmbeddingRequest) -> EmbeddingResult:
    return EmbeddingResult([], Usage(), request.model)


def _empty_rerank(request: RerankRequest) -> RerankResult:
    return RerankResult((), Usage(), request.model)


class EmbeddingClient(_BaseEmbeddingClient, TransportOwner):
    """Synchronous client; batches run on up to ``max_concurrency`` threads.

    ``http_client`` may be your own ``httpx.Client`` (left open).
    """

    def __init__(
        self, platform: str | Platform, *, http_client: httpx.Client | None = None, **kwargs: Any
    ) -> None:
        super().__init__(platform, **kwargs)
        self._open_transport(http_client)

    def embed(self, request: EmbeddingRequest) -> EmbeddingResult:
        """One vector per text, in order; inputs larger than a request are split."""
        spans, concurrency = self._embedding_plan(request)
        if not spans:
            return _empty_embeddings(request)
        parts = _run_threads(
            len(spans), concurrency, lambda i: self._send(self._embedding_batch(request, spans[i]))
        )
        return merge_embeddings(parts)

    def rerank(self, request: RerankRequest) -> RerankResult:
        """The documents best first (``top_n`` of them), scores from the platform."""
        spans, concurrency = self._rerank_plan(request)
        if not spans:
            return _empty_rerank(request)
        whole = len(spans) == 1
        parts = _run_threads(
            len(spans),
            concurrency,
            lambda i: self._send(self._rerank_batch(request, spans[i], whole)),
        )
        return merge_rerank(parts, request.top_n)

    def _send(self, batch: _Batch[T]) -> T:
        response = self.transport.request(
            "POST", batch.path, json=batch.body, headers=batch.headers
        )
        return batch.parse(_decode(self.transport, response))


class AsyncEmbeddingClient(_BaseEmbeddingClient, AsyncTransportOwner):
    """Asynchronous client; batches run as up to ``max_concurrency`` tasks.

    ``http_client`` may be your own ``httpx.AsyncClient`` (left open).
    """

    def __init__(
        self,
        platform: str | Platform,
        *,
        http_client: httpx.AsyncClient | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(platform, **kwargs)
        self._open_transport(http_client)

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResult:
        spans, concurrency = self._embedding_plan(request)
        if not spans:
            return _empty_embeddings(request)
        parts = await _run_tasks(
            len(spans), concurrency, lambda i: self._send(self._embedding_batch(request, spans[i]))
        )
        return merge_embeddings(parts)

    async def rerank(self, request: RerankRequest) -> RerankResult:
        spans, concurrency = self._rerank_plan(request)
        if not spans:
            return _empty_rerank(request)
        whole = len(spans) == 1
        parts = await _run_tasks(
            len(spans),
            concurrency,
            lambda i: self._send(self._rerank_batch(request, spans[i], whole)),
        )
        return merge_rerank(parts, request.top_n)

    async def _send(self, batch: _Batch[T]) -> T:
        response = await self.transport.request(
            "POST", batch.path, json=batch.body, headers=batch.headers
        )
        return batch.parse(_decode(self.transport, response))


def _decode(transport: Transport | AsyncTransport, response: httpx.Response) -> Any:
    try:
        return _fast_loads(response.content)
    except ValueError:  # not JSON: the transport's typed error, as for any other call
        return transport._decode_json(response)


# ---- bounded workers ----------------------------------------------------------------------------
def _run_threads(count: int, concurrency: int, work: Callable[[int], T]) -> list[T]:
    """``work(i)`` for ``i < count`` on at most ``concurrency`` threads; results in order."""
    if count == 1 or concurrency == 1:
        return [work(i) for i in range(count)]
    results: list[Any] = [None] * count
    indices = iter(range(count))
    lock, failed = threading.Lock(), threading.Event()

    def worker() -> None:
        while not failed.is_set():
            with lock:
                index = next(indices, None)
            if index is None:
                return
            try:
                results[index] = work(index)
            except BaseException:
                failed.set()  # the other workers stop taking batches
                raise

    with ThreadPoolExecutor(min(concurrency, count), thread_name_prefix="maas-embed") as pool:
        futures = [pool.submit(worker) for _ in range(min(concurrency, count))]
    _raise_first(f.exception() for f in futures)
    return results


async def _run_tasks(
    count: int, concurrency: int, work: Callable[[int], Awaitable[T]]
) -> list[T]:
    """``await work(i)`` for ``i < count`` in at most ``concurrency`` tasks; results in order."""
    if count == 1:
        return [await work(0)]
    results: list[Any] = [None] * count
    indices = iter(range(count))

    async def worker() -> None:
        for index in indices:  # one shared iterator: each index is taken once
            results[index] = await work(index)

    tasks = [asyncio.ensure_future(worker()) for _ in range(min(concurrency, count))]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return results


def _raise_first(errors: Iterator[BaseException | None] | Sequence[BaseException | None]) -> None:
    for error in errors:
        if error is not None:
            raise error
