"""Servers that never finish or answer nonsense, on a purpose-built loopback server.

Endless ``: ping`` comments, byte drips, a 64 MB line, odd 200 bodies: each must end in a typed
error within the limits, sync and async, and through both framework adapters.
"""

from __future__ import annotations

import json
import time
from functools import partial
from typing import Any

import pytest
from langchain_core.exceptions import ModelAPIError

from langchain_maas import ChatMaaS
from llamaindex_maas import MaaS
from maas_core import (
    APITimeoutError,
    AsyncChatClient,
    ChatClient,
    RateLimitError,
    StreamError,
    UnexpectedResponseError,
)

from ._clients import call, request
from .loopback import Connection, body, head, serve

SSE = "text/event-stream"
CHUNK = b'data: {"id":"c","choices":[{"index":0,"delta":{"content":"x"}}]}\n\n'


def _client(url: str, mode: str, platform: str = "maas", **kw: Any) -> Any:
    cls = AsyncChatClient if mode.startswith("a") else ChatClient
    kw.setdefault("max_retries", 0)
    return cls(platform, api_key="sk-test", base_url=url, **kw)


def pings(conn: Connection) -> None:
    """A stream that only ever sends keep-alive comments."""
    conn.send(head(content_type=SSE))
    while conn.send(b": ping\n\n") and conn.wait(0.05):
        pass


def drip(conn: Connection) -> None:
    """One event, a byte at a time, never finished."""
    conn.send(head(content_type=SSE))
    for byte in CHUNK[:-2] * 1000:
        if not (conn.send(bytes([byte])) and conn.wait(0.02)):
            return


def events_forever(conn: Connection) -> None:
    conn.send(head(content_type=SSE))
    while conn.send(CHUNK) and conn.wait(0.05):
        pass


def json_drip(conn: Connection) -> None:
    """A non-streamed answer whose body trickles in and never completes."""
    conn.send(head(content_length="100000"))
    while conn.send(b" ") and conn.wait(0.02):
        pass


def huge_line(conn: Connection) -> None:
    conn.send(head(content_type=SSE) + b"data: ")
    block = b"a" * (1 << 20)
    for _ in range(64):
        if not conn.send(block):
            return


@pytest.mark.parametrize("mode", ["stream", "astream"])
@pytest.mark.parametrize("server", [pings, drip], ids=["pings", "drip"])
async def test_stream_without_events_hits_the_idle_timeout(mode, server):
    with serve(server) as srv:
        start = time.monotonic()
        with pytest.raises(StreamError, match="timed out") as info:
            await call(_client(srv.url, mode, timeout=0.25), mode, request())
        assert time.monotonic() - start < 1.5
    assert "keep-alive comments do not count" in str(info.value)


@pytest.mark.parametrize("mode", ["chat", "achat"])
async def test_dripping_body_hits_the_idle_timeout(mode):
    with serve(json_drip) as srv:
        start = time.monotonic()
        with pytest.raises(APITimeoutError):
            await call(_client(srv.url, mode, timeout=0.25), mode, request())
        assert time.monotonic() - start < 1.5


@pytest.mark.parametrize("mode", ["stream", "astream"])
async def test_total_deadline_ends_an_endless_stream(mode):
    with serve(events_forever) as srv:
        start = time.monotonic()
        with pytest.raises(StreamError, match="deadline") as info:
            await call(_client(srv.url, mode, timeout=5, deadline=0.3), mode, request())
        assert 0.28 < time.monotonic() - start < 1.5
    assert info.value.partial is not None and info.value.partial.message.content.startswith("x")


@pytest.mark.parametrize("mode", ["stream", "astream"])
async def test_a_64_mb_line_is_refused(mode):
    with serve(huge_line) as srv, pytest.raises(StreamError, match="max_event_bytes"):
        await call(_client(srv.url, mode), mode, request())
    assert srv.connections[0].sent < 48 << 20  # stopped reading well before the end


ODD_BODIES = {
    "array": b"[1, 2, 3]",
    "no-choices": b'{"id": "cmpl-1", "object": "chat.completion"}',
    "truncated": b'{"id": "cmpl-1", "choices": [{"message": {"content": "hel',
    "bad-utf8": b'{"id": "cmpl-1", "choices": [], "note": "\xff\xfe"}',
    "huge-junk": b"<" + b"x" * 1_000_000,
}


@pytest.mark.parametrize("mode", ["chat", "achat"])
@pytest.mark.parametrize("name", list(ODD_BODIES))
async def test_odd_200_bodies_raise_a_typed_error(mode, name):
    server = serve(body(ODD_BODIES[name], x_request_id="req-odd-1"))
    with server as srv, pytest.raises(UnexpectedResponseError) as info:
        await call(_client(srv.url, mode), mode, request())
    text = str(info.value)
    assert "answered 200 with a body that is not a chat completion" in text
    assert info.value.request_id == "req-odd-1" and "req-odd-1" in text
    assert len(text) < 800  # a bounded excerpt, never the whole body


def test_odd_body_on_the_native_wire():
    server = serve(body(b'{"request_id": "r-9", "usage": {}}'))
    with server as srv, pytest.raises(UnexpectedResponseError, match="chat completion") as info:
        _client(srv.url, "chat", "dashscope").chat(request("qwen-max"))
    assert info.value.request_id == "r-9"


def test_odd_body_through_the_adapters():
    with serve(body(ODD_BODIES["array"])) as srv:
        lc = ChatMaaS(model="DeepSeek-V3", api_key="sk-test", base_url=srv.url, max_retries=0)
        with pytest.raises(ModelAPIError) as info:
            lc.invoke("hi")
        assert isinstance(info.value, UnexpectedResponseError)
        li = MaaS(model="DeepSeek-V3", api_key="sk-test", api_base=srv.url, max_retries=0)
        with pytest.raises(UnexpectedResponseError):
            li.complete("hi")


@pytest.mark.parametrize("mode", ["stream", "astream"])
def test_idle_timeout_is_a_parameter(mode):
    """A long first-token wait is fine when the caller raises the idle timeout alone."""

    def slow_start(conn: Connection) -> None:
        conn.send(head(content_type=SSE))
        if conn.wait(0.35):
            done = json.dumps({"id": "c", "choices": [{"index": 0, "delta": {},
                                                        "finish_reason": "stop"}]})
            conn.send(CHUNK + f"data: {done}\n\ndata: [DONE]\n\n".encode())

    with serve(slow_start) as srv:
        client = ChatClient("maas", api_key="k", base_url=srv.url, timeout=0.2,
                            stream_idle_timeout=2.0)
        assert "".join(d.content for d in client.stream(request())) == "x"


def test_adapter_fields_reach_the_transport():
    """The four limits are fields of the LangChain and LlamaIndex classes, and they take effect:
    a ping-only stream ends at ``stream_idle_timeout`` (not the 300 s read timeout), an endless
    one at ``deadline``, a long line at ``max_event_bytes``, a long Retry-After at once."""
    from llama_index.core.llms import ChatMessage

    message = [ChatMessage(role="user", content="hi")]
    common = {"model": "DeepSeek-V3", "api_key": "sk-test"}
    throttled = body(b'{"error": {"message": "slow down", "code": "429"}}', status=429,
                     retry_after="20")
    cases = [
        (pings, {"stream_idle_timeout": 0.3, "max_retries": 0}, StreamError),
        (events_forever, {"deadline": 0.5, "max_retries": 0}, StreamError),
        (huge_line, {"max_event_bytes": 4096, "max_retries": 0}, StreamError),
        (throttled, {"max_retry_wait": 5.0, "max_retries": 2}, RateLimitError),
    ]
    for server, limits, error in cases:
        with serve(server) as srv:
            lc = ChatMaaS(base_url=srv.url, **limits, **common)
            li = MaaS(api_base=srv.url, **limits, **common)
            for run in (partial(lc.stream, "hi"), partial(li.stream_chat, message)):
                start = time.monotonic()
                with pytest.raises(error):
                    list(run())
                assert time.monotonic() - start < 3, (server, limits)
