"""SSE events of an httpx response, with httpx-sse's decoders and one addition: EOF flush.

httpx-sse's ``EventSource`` drops a last event that is not followed by a blank line; PROTOCOLS.md
G.1 asks us to keep it (a DashScope native stream's last event carries the finish reason and the
final usage). So we drive httpx-sse's own line and event decoders and flush them at the end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
from httpx_sse import ServerSentEvent

# Pinned to httpx-sse 0.4.x (pyproject): these decoders are not re-exported at the top level.
from httpx_sse._decoders import SSEDecoder, SSELineDecoder

__all__ = ["aiter_events", "iter_events"]


def iter_events(response: httpx.Response) -> Iterator[ServerSentEvent]:
    lines, events = SSELineDecoder(), SSEDecoder()
    for text in response.iter_text():
        for line in lines.decode(text):
            event = events.decode(line)
            if event is not None:
                yield event
    yield from _flush(lines, events)


async def aiter_events(response: httpx.Response) -> AsyncIterator[ServerSentEvent]:
    lines, events = SSELineDecoder(), SSEDecoder()
    async for text in response.aiter_text():
        for line in lines.decode(text):
            event = events.decode(line)
            if event is not None:
                yield event
    for event in _flush(lines, events):
        yield event


def _flush(lines: SSELineDecoder, events: SSEDecoder) -> Iterator[ServerSentEvent]:
    for line in [*lines.flush(), ""]:  # "" dispatches an event left without its blank line
        event = events.decode(line)
        if event is not None:
            yield event
