"""SSE events of an httpx response, with httpx-sse's decoders and two additions: EOF flush, limits.

httpx-sse's ``EventSource`` drops a last event that is not followed by a blank line; PROTOCOLS.md
G.1 asks us to keep it (a DashScope native stream's last event carries the finish reason and the
final usage). So we drive httpx-sse's own line and event decoders and flush them at the end.

``StreamLimits`` bound a stream a server never finishes: the seconds without an *event* (comments
such as ``: ping`` and partial lines do not count, so neither keep-alives nor a byte drip keep a
call alive), a deadline for the whole call, and the size of one event (a line that never ends
must not take the memory). Past a limit, ``StreamLimitExceeded`` is raised.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
from httpx_sse import ServerSentEvent

# Pinned to httpx-sse 0.4.x (pyproject): these decoders are not re-exported at the top level.
from httpx_sse._decoders import SSEDecoder, SSELineDecoder

__all__ = ["StreamLimitExceeded", "StreamLimits", "aiter_events", "iter_events"]


@dataclass(frozen=True)
class StreamLimits:
    idle_timeout: float | None = None
    """Seconds allowed between two events with data."""
    max_event_bytes: int | None = None
    """Largest event (its text, in characters) accepted."""
    deadline: float | None = None
    """``time.monotonic()`` value by which the stream must have ended."""


class StreamLimitExceeded(Exception):
    """A ``StreamLimits`` bound was passed; ``timeout`` says whether it was a time limit."""

    def __init__(self, message: str, *, timeout: bool) -> None:
        super().__init__(message)
        self.timeout = timeout


_NO_LIMITS = StreamLimits()


def iter_events(
    response: httpx.Response, limits: StreamLimits = _NO_LIMITS
) -> Iterator[ServerSentEvent]:
    reader = _Reader(limits)
    for text in response.iter_text():
        yield from reader.feed(text)
    yield from reader.flush()


async def aiter_events(
    response: httpx.Response, limits: StreamLimits = _NO_LIMITS
) -> AsyncIterator[ServerSentEvent]:
    reader = _Reader(limits)
    async for text in response.aiter_text():
        for event in reader.feed(text):
            yield event
    for event in reader.flush():
        yield event


class _Reader:
    """Lines and events of incoming text, checked against the limits after every chunk."""

    def __init__(self, limits: StreamLimits) -> None:
        self.limits = limits
        self.lines = SSELineDecoder()
        self.events = SSEDecoder()
        self.pending = 0  # characters received since the last event
        self.last_event = time.monotonic()

    def feed(self, text: str) -> list[ServerSentEvent]:
        decode = self.events.decode
        out = [event for line in self.lines.decode(text) if (event := decode(line)) is not None]
        if out:
            self.pending = 0
            # An event without data (an empty one, ``id:`` alone) is a keep-alive, not progress.
            if out[-1].data or any(event.data for event in out):
                self.last_event = time.monotonic()
        else:
            self.pending += len(text)
        self._check()
        return out

    def flush(self) -> list[ServerSentEvent]:
        out = []
        for line in [*self.lines.flush(), ""]:  # "" dispatches an event left without its blank line
            event = self.events.decode(line)
            if event is not None:
                out.append(event)
        return out

    def _check(self) -> None:
        limits, now = self.limits, time.monotonic()
        if limits.max_event_bytes is not None and self.pending > limits.max_event_bytes:
            raise StreamLimitExceeded(
                f"one event is larger than max_event_bytes={limits.max_event_bytes}",
                timeout=False,
            )
        if limits.idle_timeout is not None and now - self.last_event > limits.idle_timeout:
            raise StreamLimitExceeded(
                f"no event for {limits.idle_timeout:g}s (keep-alive comments do not count)",
                timeout=True,
            )
        if limits.deadline is not None and now > limits.deadline:
            raise StreamLimitExceeded("the call passed its deadline", timeout=True)
