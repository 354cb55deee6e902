"""``StreamDecoder``: SSE events of one answer in, clean ``ChatDelta``s out. Pure, no I/O.

Per event: JSON decoding (a malformed event raises ``StreamError`` naming it), the dialect's
parser, the ``<think>`` splitter for deployments without a reasoning parser, and the
accumulator. At the end, ``finish()`` checks that the answer is complete: an OpenAI-style stream
must end with ``[DONE]`` or a finish reason, a DashScope native stream (which has no ``[DONE]``,
PROTOCOLS.md A.5) with a finish reason. A cut stream raises ``StreamError`` carrying the partial
answer, never a silently short one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from .accumulate import StreamAccumulator
from .dialects import dashscope_native, openai_compat
from .errors import APIStatusError, StreamError, error_from_payload
from .think_tags import ThinkTagSplitter
from .types import ChatDelta, ChatResult

__all__ = ["StreamDecoder"]


def _parse_openai(event: str, payload: Mapping[str, Any], provider: str | None) -> ChatDelta:
    return openai_compat.parse_chunk(payload, provider)


_DONE = "[DONE]"


class StreamDecoder:
    def __init__(
        self,
        dialect: str,
        *,
        provider: str | None = None,
        think_tags: bool | None = None,
        model: str | None = None,
    ) -> None:
        self._native = dialect == "dashscope_native"
        self._wire = dashscope_native if self._native else openai_compat
        self._provider = provider
        self._splitter = (
            None if think_tags is False else ThinkTagSplitter(assume_open=bool(think_tags))
        )
        self.accumulator = StreamAccumulator()
        self.events = 0
        self.done = False
        self._model = model  # the requested name, for wires that never say (DashScope native)
        self._meta_seen = False
        self._raw_usage: Mapping[str, Any] | None = None
        self._parse = dashscope_native.parse_event if self._native else _parse_openai
        self._usage_of = self._wire.usage_of
        self.header_request_id: str | None = None

    def feed(self, event: str, data: str) -> ChatDelta | None:
        """One SSE event (its ``event:`` field and ``data``); the delta to hand out, if any."""
        self.events += 1
        if self.done or not data:  # an event without data is a keep-alive, not an answer
            return None
        if data == _DONE:
            self.done = True
            return None
        try:
            payload = json.loads(data)
        except ValueError:
            payload = None
        if payload.__class__ is not dict:
            raise self._malformed(event, data, payload)
        if event == "error":  # also on compatible-mode streams (PROTOCOLS.md B.5)
            raise self._in_stream(
                error_from_payload(payload, provider=self._provider, in_stream=True)
            )
        try:
            delta = self._parse(event, payload, self._provider)
        except APIStatusError as error:
            raise self._in_stream(error) from None
        usage = self._usage_of(payload)
        if usage:  # cumulative or final: the last one wins, never a sum
            self._raw_usage = usage
        if not self._meta_seen:
            self._read_meta(payload)
        if delta.content and self._splitter is not None:
            delta = self._split(delta)
        return self.accumulator.feed(delta)

    def finish(self) -> list[ChatDelta]:
        """The deltas that close the stream (held-back text, then usage and finish reason)."""
        out = []
        if self._splitter is not None:
            reasoning, content = self._splitter.flush()
            if reasoning or content:
                held = self.accumulator.feed(ChatDelta(content=content, reasoning=reasoning))
                if held is not None:
                    out.append(held)
        finished = self.accumulator.finish_reason is not None or (self.done and not self._native)
        if not finished:
            expected = "a finish reason" if self._native else "[DONE] or a finish reason"
            raise self._error(
                f"the stream ended after {self.events} events without {expected}: "
                "the connection was cut and the answer is incomplete"
            )
        self._settle()
        out.append(self.accumulator.finish())
        return out

    def result(self) -> ChatResult:
        self._settle()
        return self.accumulator.result()

    def fail(self, error: StreamError) -> StreamError:
        """Attach what arrived so far to ``error``."""
        error.partial = self.result()
        return error

    def opened(self, response: httpx.Response) -> None:
        """The stream's response headers: its request id names errors the body does not."""
        self.header_request_id = response.headers.get("x-request-id")
        self.accumulator.request_id = self.accumulator.request_id or self.header_request_id

    def _in_stream(self, error: APIStatusError) -> APIStatusError:
        if error.request_id is None:
            error.request_id = self.header_request_id
        if isinstance(error, StreamError):
            self.fail(error)
        return error

    def _malformed(self, event: str, data: str, payload: Any) -> StreamError:
        what = "malformed JSON" if payload is None else "not a JSON object"
        return self._error(f"{what} in event #{self.events} (event {event!r}): {data[:200]!r}")

    def _read_meta(self, payload: Mapping[str, Any]) -> None:
        model, request_id = self._wire.model_of(payload)
        self.accumulator.model = self.accumulator.model or model
        self.accumulator.request_id = self.accumulator.request_id or request_id
        self._meta_seen = True

    def _settle(self) -> None:
        """Usage and model, mapped once at the end."""
        if self._raw_usage is not None and self.accumulator.usage is None:
            self.accumulator.usage = self._wire.map_usage(self._raw_usage)
        if self.accumulator.model is None:
            self.accumulator.model = self._model

    def _error(self, message: str) -> StreamError:
        prefix = f"[{self._provider}] " if self._provider else ""
        return self.fail(StreamError(prefix + message))

    def _split(self, delta: ChatDelta) -> ChatDelta:
        assert self._splitter is not None
        if self._splitter.passthrough:
            self._splitter = None
            return delta
        reasoning, content = self._splitter.feed(delta.content)
        return delta._replace(content=content, reasoning=delta.reasoning + reasoning)
