"""Neutral stream steps and the ASGI response that writes them (batching, stream faults).

A ``Plan`` becomes a list of ``Step``s (one per emitted piece, plus the finish step); quirks that
merge pieces (``reasoning_with_content``, ``content_with_finish``) act here, once for every
framing. Each platform module turns steps into SSE bytes; ``StreamResponse`` writes them in
batches of ``flush_bytes`` (50 000 events must stream in seconds) and applies stream faults.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from maas_core.emulator.answer import Plan
from maas_core.emulator.config import Quirks


def dumps(value: Any) -> str:
    """Compact JSON as the platforms send it (no spaces, UTF-8 text not escaped)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class ToolFrag:
    index: int
    id: str
    name: str | None
    arguments: str
    first: bool


@dataclass
class Step:
    reasoning: str | None = None
    content: str | None = None
    tools: list[ToolFrag] | None = None
    finish: str | None = None
    tokens: int = 0  # cumulative output tokens after this step
    reasoning_tokens: int = 0


def build_steps(plan: Plan, quirks: Quirks, *, tool_finish_together: bool = False) -> list[Step]:
    """Steps for ``plan``; ``tool_finish_together``: last tool fragment carries the finish (F3a)."""
    steps: list[Step] = []
    n = r = 0
    for piece in plan.reasoning:
        n, r = n + 1, r + 1
        steps.append(Step(reasoning=piece, tokens=n, reasoning_tokens=r))
    for piece in plan.content:
        n += 1
        steps.append(Step(content=piece, tokens=n, reasoning_tokens=r))
    for call in plan.tool_calls:
        for i, frag in enumerate(call.fragments()):
            n += 1
            tool = ToolFrag(call.index, call.id, call.name if i == 0 else None, frag, i == 0)
            steps.append(Step(tools=[tool], tokens=n, reasoning_tokens=r))
    if quirks.reasoning_with_content and plan.reasoning and plan.content:
        _merge(steps, len(plan.reasoning) - 1)
    steps.append(Step(finish=plan.finish_reason, tokens=n, reasoning_tokens=r))
    together = quirks.content_with_finish and plan.content and not plan.tool_calls
    if together or (tool_finish_together and plan.tool_calls):
        _merge(steps, len(steps) - 2)
    return steps


def _merge(steps: list[Step], i: int) -> None:
    """Fold step ``i + 1`` into step ``i``."""
    a, b = steps[i], steps.pop(i + 1)
    a.content = b.content if b.content is not None else a.content
    a.tools = b.tools or a.tools
    a.finish = b.finish
    a.tokens, a.reasoning_tokens = b.tokens, b.reasoning_tokens


@dataclass
class Interrupt:
    """A stream fault: after ``after`` events write ``insert``, then end (or abort) the body."""

    after: int | None = None
    insert: bytes = b""
    abort: bool = False
    drip: tuple[int, float] | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)


class StreamResponse(Response):
    """Writes an iterable of pre-framed events; supports batching, drip and abrupt close."""

    def __init__(
        self,
        events: Iterable[bytes],
        *,
        media_type: str,
        headers: dict[str, str],
        interrupt: Interrupt | None = None,
        flush_bytes: int = 16384,
        status_code: int = 200,
    ) -> None:
        self.events = events
        self.interrupt = interrupt or Interrupt()
        self.flush_bytes = flush_bytes
        # Not Response.__init__: that would add "content-length: 0"; streams are chunked.
        self.status_code = status_code
        self.media_type = media_type
        self.background = None
        self.init_headers({**headers, **self.interrupt.extra_headers})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = {"type": "http.response.start", "status": self.status_code}
        await send({**start, "headers": self.raw_headers})
        if await self._write_events(send):
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        # else: returning without finishing the body makes uvicorn drop the connection, which the
        # client sees as an incomplete chunked body ("disconnect" fault).

    async def _write_events(self, send: Send) -> bool:
        buf: list[bytes] = []
        size = 0
        after = self.interrupt.after
        for count, event in enumerate(self.events):
            if count == after:
                break
            buf.append(event)
            size += len(event)
            if size >= self.flush_bytes:
                await self._flush(send, b"".join(buf))
                buf, size = [], 0
        if after is not None:
            buf.append(self.interrupt.insert)
        await self._flush(send, b"".join(buf))
        return not (after is not None and self.interrupt.abort)

    async def _flush(self, send: Send, data: bytes) -> None:
        if not data:
            return
        if self.interrupt.drip is None:
            await send({"type": "http.response.body", "body": data, "more_body": True})
            return
        size, interval = self.interrupt.drip
        for i in range(0, len(data), max(size, 1)):
            await send(
                {"type": "http.response.body", "body": data[i : i + size], "more_body": True}
            )
            await asyncio.sleep(interval)
