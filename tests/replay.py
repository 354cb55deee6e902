"""Replay recorded SSE payloads through the real decoders (httpx + httpx-sse), no network."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import httpx

from maas_core.sse import iter_events
from maas_core.stream import StreamDecoder
from maas_core.types import ChatDelta

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def events(raw: bytes, chunk: int | None = None) -> list[tuple[str, str]]:
    """(event, data) pairs of an SSE body; ``chunk`` splits the bytes into reads of that size."""
    pieces: Iterable[bytes] = [raw] if chunk is None else _split(raw, chunk)
    response = httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=iter(pieces)
    )
    return [(e.event, e.data) for e in iter_events(response)]


def _split(raw: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(raw), size):
        yield raw[start : start + size]


def decode(
    raw: bytes, dialect: str, *, chunk: int | None = None, think_tags: bool | None = None
) -> tuple[list[ChatDelta], StreamDecoder]:
    """All deltas a client hands out for ``raw``, and the decoder (for ``result()``)."""
    decoder = StreamDecoder(dialect, provider="test", think_tags=think_tags)
    out = []
    for event, data in events(raw, chunk):
        delta = decoder.feed(event, data)
        if delta is not None:
            out.append(delta)
    out.extend(decoder.finish())
    return out, decoder


def sse(*chunks: str, done: bool = True) -> bytes:
    """An OpenAI-style SSE body from JSON strings."""
    body = "".join(f"data: {c}\n\n" for c in chunks)
    return (body + ("data: [DONE]\n\n" if done else "")).encode()


def native_sse(*chunks: str) -> bytes:
    """A DashScope native SSE body (PROTOCOLS.md A.5 framing) from JSON strings."""
    return "".join(
        f"id:{i}\nevent:result\n:HTTP_STATUS/200\ndata:{c}\n\n" for i, c in enumerate(chunks, 1)
    ).encode()
