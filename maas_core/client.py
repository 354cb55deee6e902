"""``ChatClient`` / ``AsyncChatClient``: a ``ChatRequest`` in, a result or deltas out.

The one entry point both framework adapters use. The shared base turns a request into a path,
headers and a body (platform + dialect + model profile); the two drivers only do I/O through the
transport. Models that only answer when streaming (QwQ, Qwen3 thinking on DashScope) are streamed
under the hood for ``chat()`` and accumulated: the caller gets a whole answer either way.

Known rejections (``maas_core.repairs``: DashScope ``url error`` -> the other native endpoint,
"only support stream" -> stream under the hood) are repaired once per call, before any answer
was handed out; the fact is remembered for (platform, model) in this process and logged at INFO.
A repaired request that fails too raises ``RepairFailedError``; nothing else is retried here.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .dialects import dashscope_native, openai_compat
from .errors import (
    APIConnectionError,
    APIStatusError,
    BadRequestError,
    MaaSError,
    NotFoundError,
    StreamError,
    UnsupportedParameterError,
)
from .hints import not_found_hint
from .profiles import ModelProfile, get_profile, learn
from .providers import Platform, get_platform
from .repairs import Repair, find_repair, repair_failed
from .stream import StreamDecoder
from .think_tags import split_think_tags
from .transport import (
    DEFAULT_MAX_EVENT_BYTES,
    DEFAULT_MAX_RETRY_WAIT,
    AsyncTransportOwner,
    TransportOwner,
)
from .types import ChatDelta, ChatRequest, ChatResult
from .validation import check_request

__all__ = ["AsyncChatClient", "ChatClient", "MissingCredentialsError"]

logger = logging.getLogger(__name__)


class MissingCredentialsError(MaaSError, ValueError):
    """No API key was given and none is set in the platform's environment variable."""


@dataclass(frozen=True, slots=True)
class Connection:
    """Where a client sends its requests and what goes with each: one resolution for the chat
    and the embedding clients (argument, then region preset, then environment, then default)."""

    platform: Platform
    base_url: str
    headers: dict[str, str]
    secrets: tuple[str, ...]

    @classmethod
    def resolve(
        cls,
        platform: str | Platform,
        *,
        api_key: str | None,
        base_url: str | None,
        region: str | None,
        workspace: str | None,
        default_headers: Mapping[str, str] | None,
    ) -> Connection:
        resolved = get_platform(platform)
        url = resolved.resolve_base_url(base_url, region)
        if not url:
            raise ValueError(f"{resolved.label} has no default base URL: pass base_url=...")
        key = resolved.resolve_api_key(api_key)
        if not key and resolved.requires_api_key:
            env = " or ".join(resolved.api_key_env)
            raise MissingCredentialsError(
                f"no API key for {resolved.label}: pass api_key=... or set {env}"
            )
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        if workspace:
            headers["X-DashScope-WorkSpace"] = workspace  # PROTOCOLS.md A.2
        headers.update(default_headers or {})
        return cls(resolved, url, headers, (key,) if key else ())


@dataclass(frozen=True, slots=True)
class _Call:
    model: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str] | None
    stream: bool
    think_tags: bool | None
    profile: ModelProfile


class _BaseChatClient:
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
        think_tags: bool | None = None,
        auth: httpx.Auth | None = None,
        retry_base_delay: float = 0.5,
        retry_max_delay: float = 8.0,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        deadline: float | None = None,
        stream_idle_timeout: float | None = None,
        max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES,
    ) -> None:
        """``retry_base_delay`` / ``retry_max_delay``: the exponential backoff's first and largest
        wait; ``max_retry_wait``: seconds one call may sleep between attempts in total (past it the
        error is raised at once, ``retry_after`` set); ``deadline``: seconds the whole call may
        take, or ``None``; ``stream_idle_timeout``: seconds allowed between two events (default:
        the read timeout); ``max_event_bytes``: the largest event a stream may send."""
        connection = Connection.resolve(
            platform, api_key=api_key, base_url=base_url, region=region, workspace=workspace,
            default_headers=default_headers,
        )
        self.platform, self.base_url = connection.platform, connection.base_url
        self._profile_overrides = dict(profile_overrides or {})
        self._think_tags = think_tags
        self._transport_kwargs: dict[str, Any] = {
            "headers": connection.headers,
            "timeout": timeout,
            "max_retries": max_retries,
            "provider": self.platform.label,
            "secrets": connection.secrets,
            "auth": auth,  # Huawei IAM token / AK-SK signing (maas_core.auth), e.g. for Fabric
            "expects": "a chat completion",
            "retry_base_delay": retry_base_delay,
            "retry_max_delay": retry_max_delay,
            "max_retry_wait": max_retry_wait,
            "deadline": deadline,
            "stream_idle_timeout": stream_idle_timeout,
            "max_event_bytes": max_event_bytes,
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(platform={self.platform.name!r}, base_url={self.base_url!r})"

    def profile(self, model: str) -> ModelProfile:
        """Capability facts of ``model`` on this platform (with this client's overrides)."""
        return get_profile(self.platform.name, model, self._profile_overrides)

    def _call(self, request: ChatRequest, repair: Repair | None = None) -> _Call:
        check_request(request)
        profile = self.profile(request.model)
        if repair is not None:
            profile = profile.replace(**repair.changes)
        stream = (
            request.stream
            or profile.stream_only
            or (profile.thinking_stream_only and profile.thinking_on(request.enable_thinking))
        )
        if stream and (request.n or 1) > 1:
            raise UnsupportedParameterError("n > 1 cannot be streamed; call without streaming")
        if stream != request.stream:
            request = dataclasses.replace(request, stream=stream)
        think_tags = (
            self._think_tags
            if self._think_tags is not None
            else (True if profile.think_tags else None)
        )
        headers = dict(request.extra_headers or {})
        if self.platform.dialect == "dashscope_native":
            body = dashscope_native.build_body(request, self.platform, profile, self.base_url)
            path = dashscope_native.chat_path(request, self.platform, profile)
            if stream:
                headers.update(dashscope_native.STREAM_HEADERS)
        else:
            body = openai_compat.build_body(request, self.platform, profile, self.base_url)
            path = self.platform.chat_path
        return _Call(request.model, path, body, headers or None, stream, think_tags, profile)

    # ---- known rejections (maas_core.repairs) ------------------------------------------------
    def _repair(
        self, call: _Call, request: ChatRequest, error: APIStatusError, started: bool
    ) -> Repair | None:
        """The one repair this rejection allows, if nothing was handed out yet and it changes
        the request (images always go to the multimodal endpoint: no other one to try)."""
        if started:
            return None
        repair = find_repair(error, self.platform.dialect, call.profile, call.stream)
        if repair is None:
            return None
        retry = self._call(request, repair)
        return repair if (retry.path, retry.stream) != (call.path, call.stream) else None

    def _remember(self, call: _Call, repair: Repair, error: APIStatusError) -> None:
        learn(self.platform.name, call.model, **repair.changes)
        logger.info(
            "%s rejected %s (%r); repaired with %s and remembered for this process",
            self.platform.label,
            call.model,
            error.message,
            repair.describe(),
        )

    def _repair_failed(
        self, call: _Call, first: APIStatusError, repair: Repair, second: APIStatusError
    ) -> APIStatusError:
        if not isinstance(second, BadRequestError):
            return second  # not a rejection of the request (429, 5xx, auth): as it is
        other = find_repair(second, self.platform.dialect, call.profile, False)
        if other is not None and other.rejection != repair.rejection:
            # The repair got past the first rejection, which proves the fact: keep it; the
            # next call meets (and repairs) only the second one.
            self._remember(call, repair, first)
        return repair_failed(call.model, self.platform.label, first, repair, second)

    def _explain(self, error: MaaSError) -> None:
        """Give ``error`` the facts its hint depends on: the retries made (the transport retries
        429, 5xx and connection failures up to ``max_retries``, never an error inside a started
        stream) and what a 404 means for this base URL and protocol."""
        retried = not isinstance(error, StreamError) and (
            isinstance(error, APIConnectionError)
            or (isinstance(error, APIStatusError) and error.retryable))
        error.retries = self._transport_kwargs["max_retries"] if retried else 0
        if isinstance(error, NotFoundError) and not isinstance(error, StreamError):
            hint = not_found_hint(self.platform, self.base_url)
            if hint:
                error.hint = hint

    def _decoder(self, call: _Call) -> StreamDecoder:
        return StreamDecoder(
            self.platform.dialect,
            provider=self.platform.label,
            think_tags=call.think_tags,
            model=call.model,
        )

    def _parse(self, call: _Call, data: Any) -> ChatResult:
        if self.platform.dialect == "dashscope_native":
            result = dashscope_native.parse_result(data, self.platform.label)
        else:
            result = openai_compat.parse_result(data, self.platform.label)
        if result.model is None:  # DashScope native never names the model (A.4)
            result = dataclasses.replace(result, model=call.model)
        return _split_result(result, call.think_tags)


def _split_result(result: ChatResult, think_tags: bool | None) -> ChatResult:
    """Apply the ``<think>`` splitter to whole messages (non-streaming answers)."""
    if think_tags is False:
        return result
    choices = []
    for choice in result.choices:
        message = choice.message
        if isinstance(message.content, str) and "think>" in message.content:
            reasoning, content = split_think_tags(message.content, assume_open=bool(think_tags))
            merged = (message.reasoning or "") + reasoning
            message = dataclasses.replace(message, content=content, reasoning=merged or None)
            choice = dataclasses.replace(choice, message=message)
        choices.append(choice)
    return dataclasses.replace(result, choices=tuple(choices))


class ChatClient(_BaseChatClient, TransportOwner):
    """Synchronous client. ``http_client`` may be your own ``httpx.Client`` (left open)."""

    def __init__(
        self, platform: str | Platform, *, http_client: httpx.Client | None = None, **kwargs: Any
    ) -> None:
        super().__init__(platform, **kwargs)
        self._open_transport(http_client)

    def chat(self, request: ChatRequest) -> ChatResult:
        request = dataclasses.replace(request, stream=False)
        call = self._call(request)
        try:
            return self._chat_once(call)
        except APIStatusError as error:
            repair = self._repair(call, request, error, started=False)
            if repair is None:
                raise
            first = error
        try:
            result = self._chat_once(self._call(request, repair))
        except APIStatusError as second:
            raise self._repair_failed(call, first, repair, second) from second
        self._remember(call, repair, first)
        return result

    def _chat_once(self, call: _Call) -> ChatResult:
        if call.stream:
            decoder = self._decoder(call)
            for _ in self._deltas(call, decoder):
                pass
            return decoder.result()
        try:
            data = self.transport.request_json(
                "POST", call.path, json=call.body, headers=call.headers)
        except MaaSError as error:
            self._explain(error)
            raise
        return self._parse(call, data)

    def stream(self, request: ChatRequest) -> Iterator[ChatDelta]:
        request = dataclasses.replace(request, stream=True)
        call = self._call(request)
        started = False
        try:
            for delta in self._deltas(call, self._decoder(call)):
                started = True
                yield delta
            return
        except APIStatusError as error:
            repair = self._repair(call, request, error, started)
            if repair is None:
                raise
            first = error
        retry = self._call(request, repair)
        started = False
        try:
            for delta in self._deltas(retry, self._decoder(retry)):
                if not started:
                    started = True
                    self._remember(call, repair, first)
                yield delta
        except APIStatusError as second:
            if started:
                raise
            raise self._repair_failed(call, first, repair, second) from second

    def _deltas(self, call: _Call, decoder: StreamDecoder) -> Iterator[ChatDelta]:
        events = self.transport.stream_sse(
            "POST", call.path, json=call.body, headers=call.headers, on_open=decoder.opened
        )
        feed = decoder.feed
        try:
            for event in events:
                delta = feed(event.event, event.data)
                if delta is not None:
                    yield delta
            yield from decoder.finish()
        except MaaSError as error:
            if isinstance(error, StreamError) and error.partial is None:
                decoder.fail(error)
            self._explain(error)
            raise
        finally:
            events.close()


class AsyncChatClient(_BaseChatClient, AsyncTransportOwner):
    """Asynchronous client. ``http_client`` may be your own ``httpx.AsyncClient`` (left open)."""

    def __init__(
        self,
        platform: str | Platform,
        *,
        http_client: httpx.AsyncClient | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(platform, **kwargs)
        self._open_transport(http_client)

    async def chat(self, request: ChatRequest) -> ChatResult:
        request = dataclasses.replace(request, stream=False)
        call = self._call(request)
        try:
            return await self._chat_once(call)
        except APIStatusError as error:
            repair = self._repair(call, request, error, started=False)
            if repair is None:
                raise
            first = error
        try:
            result = await self._chat_once(self._call(request, repair))
        except APIStatusError as second:
            raise self._repair_failed(call, first, repair, second) from second
        self._remember(call, repair, first)
        return result

    async def _chat_once(self, call: _Call) -> ChatResult:
        if call.stream:
            decoder = self._decoder(call)
            async for _ in self._deltas(call, decoder):
                pass
            return decoder.result()
        try:
            data = await self.transport.request_json(
                "POST", call.path, json=call.body, headers=call.headers
            )
        except MaaSError as error:
            self._explain(error)
            raise
        return self._parse(call, data)

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        request = dataclasses.replace(request, stream=True)
        call = self._call(request)
        started = False
        try:
            async for delta in self._deltas(call, self._decoder(call)):
                started = True
                yield delta
            return
        except APIStatusError as error:
            repair = self._repair(call, request, error, started)
            if repair is None:
                raise
            first = error
        retry = self._call(request, repair)
        started = False
        try:
            async for delta in self._deltas(retry, self._decoder(retry)):
                if not started:
                    started = True
                    self._remember(call, repair, first)
                yield delta
        except APIStatusError as second:
            if started:
                raise
            raise self._repair_failed(call, first, repair, second) from second

    async def _deltas(self, call: _Call, decoder: StreamDecoder) -> AsyncIterator[ChatDelta]:
        events = self.transport.stream_sse(
            "POST", call.path, json=call.body, headers=call.headers, on_open=decoder.opened
        )
        feed = decoder.feed
        try:
            async for event in events:
                delta = feed(event.event, event.data)
                if delta is not None:
                    yield delta
            for delta in decoder.finish():
                yield delta
        except MaaSError as error:
            if isinstance(error, StreamError) and error.partial is None:
                decoder.fail(error)
            self._explain(error)
            raise
        finally:
            await events.aclose()
