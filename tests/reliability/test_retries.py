"""Retries against the emulator, with measured waits: first-event throttling, Retry-After, caps."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from maas_core import RateLimitError, ServerError
from maas_core.retries import parse_retry_after

from ._clients import call, chat_calls, make, request

pytestmark = pytest.mark.emulator

MODES = ["chat", "stream", "achat", "astream"]


def throttle_frame(fault_id: str, **extra: Any) -> dict[str, Any]:
    """DashScope's stream throttling: a 200 stream whose first event is the error (A.7 #2)."""
    return {
        "kind": "error_frame", "after": 0, "status": 429, "code": "Throttling.RateQuota",
        "message": "Requests rate limit exceeded, please try again later.",
        "times": 1, "id": fault_id, **extra,
    }


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("platform", "model"),
    [("dashscope", "qwq-plus"), ("dashscope-compatible", "qwq-plus"), ("maas", "DeepSeek-R1")],
)
async def test_throttling_as_first_stream_event_is_retried(emu, mode, platform, model):
    """QwQ only streams, so even ``chat`` goes through the stream: it must be retried too."""
    fault = throttle_frame(f"first-{mode}-{platform}")
    chat = make(emu, mode, platform, retry_base_delay=0.1)
    start = time.monotonic()
    text = await call(chat, mode, request(model, fault))
    assert "hello there" in text
    assert chat_calls(emu) == 2
    assert time.monotonic() - start >= 0.075  # backoff, not an immediate hammering


async def test_first_event_throttling_not_retried_past_max_retries(emu):
    fault = throttle_frame("first-exhausted", times=5)
    chat = make(emu, "stream", "dashscope", max_retries=1, retry_base_delay=0.05)
    with pytest.raises(RateLimitError) as info:
        await call(chat, "stream", request("qwq-plus", fault))
    assert info.value.code == "Throttling.RateQuota" and info.value.request_id
    assert chat_calls(emu) == 2


@pytest.mark.parametrize(
    ("mode", "headers", "wait"),
    [("chat", {"retry-after": "1"}, 1.0), ("astream", {"retry-after-ms": "600"}, 0.6)],
)
async def test_retry_after_is_honoured_on_5xx(emu, mode, headers, wait):
    fault = {"kind": "status", "status": 503, "headers": headers, "times": 1, "id": f"5-{mode}"}
    start = time.monotonic()
    await call(make(emu, mode, retry_base_delay=0.05), mode, request(fault=fault))
    waited = time.monotonic() - start
    assert wait - 0.05 <= waited < wait + 1.0  # what the server asked, not the backoff
    assert chat_calls(emu) == 2


@pytest.mark.parametrize(
    "headers",
    [
        {"retry-after": "soon"},
        {"retry-after": "nan"},
        {"retry-after": "-3"},
        {"retry-after": "Mon, 99 Foo 2026 99:99:99 GMT"},
        {"retry-after-ms": "-5"},
        {"retry-after-ms": "abc"},
        {"retry-after": "12 seconds"},
    ],
)
@pytest.mark.parametrize("mode", ["chat", "astream"])
async def test_unreadable_retry_after_falls_back_to_backoff(emu, mode, headers):
    fault = {"kind": "status", "status": 429, "headers": headers, "times": 1, "id": repr(headers)}
    start = time.monotonic()
    chat = make(emu, mode, retry_base_delay=0.1)
    assert "hello there" in await call(chat, mode, request(fault=fault))
    assert 0.07 <= time.monotonic() - start < 1.0  # backoff, no exception, no long sleep
    assert chat_calls(emu) == 2


@pytest.mark.parametrize("value", ["3600", "inf", "31"])
@pytest.mark.parametrize("mode", ["chat", "stream", "achat", "astream"])
async def test_retry_after_past_the_cap_raises_at_once(emu, mode, value):
    fault = {"kind": "status", "status": 429, "retry_after": value}
    start = time.monotonic()
    with pytest.raises(RateLimitError) as info:
        await call(make(emu, mode), mode, request(fault=fault))
    assert time.monotonic() - start < 0.5
    assert info.value.retry_after == float(value)  # the caller can schedule the call itself
    assert chat_calls(emu) == 1


async def test_the_cap_is_a_parameter_and_covers_5xx(emu):
    fault = {"kind": "status", "status": 503, "retry_after": 2}
    start = time.monotonic()
    with pytest.raises(ServerError) as info:
        await call(make(emu, "chat", max_retry_wait=1.5), "chat", request(fault=fault))
    assert time.monotonic() - start < 0.5 and info.value.retry_after == 2.0
    fault = {"kind": "status", "status": 503, "retry_after": 0.3, "times": 2, "id": "cap-total"}
    start = time.monotonic()
    with pytest.raises(ServerError):  # 0.3 + 0.3 > 0.5: the second wait would pass the cap
        await call(make(emu, "chat", max_retry_wait=0.5), "chat", request(fault=fault))
    assert time.monotonic() - start < 0.6


def test_retry_after_forms():
    assert parse_retry_after({"retry-after-ms": "250"}) == 0.25
    assert parse_retry_after({"retry-after": "2"}) == 2.0
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # past
    in_a_minute = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 60))
    assert 55 < (parse_retry_after({"retry-after": in_a_minute}) or 0) <= 60
    for bad in ("soon", "nan", "-1", "", "Mon, 99 Foo"):
        assert parse_retry_after({"retry-after": bad}) is None


async def test_adapters_retry_first_event_throttling(emu):
    """Through both frameworks, sync and async: QwQ answers although its first frame throttled."""
    from langchain_maas import ChatDashScope
    from llamaindex_maas import DashScope

    def headers(name: str) -> dict[str, str]:
        return {"X-Emulator-Fault": json.dumps(throttle_frame(name))}

    common = {"api_key": emu.api_key, "max_retries": 1, "model": "qwq-plus"}
    lc = ChatDashScope(base_url=emu.dashscope_base_url, default_headers=headers("lc"), **common)
    assert "Echo: hi" in lc.invoke("hi").content
    lc = ChatDashScope(base_url=emu.dashscope_base_url, default_headers=headers("lca"), **common)
    assert "Echo: hi" in "".join([str(c.content) async for c in lc.astream("hi")])
    li = DashScope(api_base=emu.dashscope_base_url, default_headers=headers("li"), **common)
    assert "Echo: hi" in li.complete("hi").text
    li = DashScope(api_base=emu.dashscope_base_url, default_headers=headers("lia"), **common)
    assert "Echo: hi" in (await li.acomplete("hi")).text
    assert chat_calls(emu) == 8
