"""The transport and client against the emulator: real HTTP, every fault it can inject, sync and async."""

from __future__ import annotations

import json
import logging
import socket

import httpx
import pytest

from maas_core import (
    APIConnectionError,
    APITimeoutError,
    AsyncChatClient,
    AuthenticationError,
    BadRequestError,
    ChatClient,
    ChatRequest,
    Message,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    StreamError,
)

pytestmark = pytest.mark.emulator

HELLO = (Message("user", "hello there"),)


def _client(emu, platform="maas", *, cls=ChatClient, fault=None, key=None, **kw):
    base = {
        "maas": emu.maas_base_url,
        "dashscope": emu.dashscope_base_url,
        "dashscope-compatible": emu.dashscope_compatible_base_url,
    }[platform]
    headers = {"X-Emulator-Fault": json.dumps(fault)} if fault else None
    return cls(platform, api_key=key or emu.api_key, base_url=base, default_headers=headers, **kw)


def _aclient(emu, platform="maas", **kw):
    return _client(emu, platform, cls=AsyncChatClient, **kw)


def _chat_paths(emu):
    return [r.path for r in emu.requests if "chat" in r.path or "generation" in r.path]


async def _run(emu, mode, platform="maas", model="DeepSeek-R1", **kw):
    """Call chat / stream / achat / astream; return (content, reasoning, usage)."""
    request = ChatRequest(model=model, messages=HELLO)
    if mode in ("chat", "stream"):
        with _client(emu, platform, **kw) as client:
            if mode == "chat":
                result = client.chat(request)
                return result.message.content, result.message.reasoning, result.usage
            deltas = list(client.stream(request))
    else:
        async with _aclient(emu, platform, **kw) as aclient:
            if mode == "achat":
                result = await aclient.chat(request)
                return result.message.content, result.message.reasoning, result.usage
            deltas = [d async for d in aclient.stream(request)]
    usage = [d.usage for d in deltas if d.usage]
    assert len(usage) == 1
    return ("".join(d.content for d in deltas), "".join(d.reasoning for d in deltas), usage[0])


MODES = ["chat", "stream", "achat", "astream"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("platform", "model"),
    [
        ("maas", "DeepSeek-R1"),
        ("dashscope", "deepseek-r1"),
        ("dashscope-compatible", "deepseek-r1"),
    ],
)
async def test_reasoning_answer_same_on_every_path(emu, mode, platform, model):
    content, reasoning, usage = await _run(emu, mode, platform, model)
    assert content == "Echo: hello there"
    assert reasoning.startswith("The user asks")
    assert usage.output_tokens > 0 and usage.input_tokens > 0


@pytest.mark.parametrize("mode", MODES)
async def test_429_with_retry_after_is_retried(emu, mode):
    fault = {"kind": "status", "status": 429, "retry_after": 0.01, "times": 2, "id": f"429-{mode}"}
    content, _, _ = await _run(emu, mode, fault=fault)
    assert content == "Echo: hello there"
    assert len(_chat_paths(emu)) == 3


@pytest.mark.parametrize("status", [500, 502, 503])
@pytest.mark.parametrize("mode", ["chat", "astream"])
async def test_5xx_retried(emu, status, mode):
    fault = {
        "kind": "status",
        "status": status,
        "retry_after": 0.01,
        "times": 1,
        "id": f"{status}-{mode}",
    }
    content, _, _ = await _run(emu, mode, platform="dashscope", model="qwen-max", fault=fault)
    assert content.startswith("Echo")
    assert len(_chat_paths(emu)) == 2


@pytest.mark.parametrize("mode", ["chat", "stream"])
async def test_html_502_retried_then_typed(emu, mode):
    fault = {"kind": "html", "status": 502}
    with pytest.raises(ServerError, match="HTML page: '502 Bad Gateway'") as info:
        await _run(emu, mode, fault=fault, max_retries=1, timeout=5)
    assert info.value.status == 502
    assert len(_chat_paths(emu)) == 2


@pytest.mark.parametrize("mode", MODES)
async def test_connection_refused_retried_then_raised(mode):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}/v1"
    request = ChatRequest(model="m", messages=HELLO)
    with pytest.raises(APIConnectionError, match="ConnectError"):
        if mode in ("chat", "stream"):
            with ChatClient("maas", api_key="k", base_url=base, max_retries=1) as client:
                client.chat(request) if mode == "chat" else list(client.stream(request))
        else:
            async with AsyncChatClient(
                "maas", api_key="k", base_url=base, max_retries=1
            ) as aclient:
                if mode == "achat":
                    await aclient.chat(request)
                else:
                    [d async for d in aclient.stream(request)]


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
    ],
)
@pytest.mark.parametrize("mode", ["chat", "astream"])
async def test_4xx_not_retried(emu, status, cls, mode):
    with pytest.raises(cls) as info:
        await _run(
            emu,
            mode,
            platform="dashscope",
            model="qwen-max",
            fault={"kind": "status", "status": status},
        )
    assert info.value.status == status and info.value.code
    assert len(_chat_paths(emu)) == 1


@pytest.mark.parametrize("platform", ["maas", "dashscope", "dashscope-compatible"])
def test_wrong_key_is_authentication_error_with_platform_code(emu, platform):
    model = "DeepSeek-R1" if platform == "maas" else "qwen-max"
    with (
        _client(emu, platform, key="sk-wrong") as client,
        pytest.raises(AuthenticationError) as info,
    ):
        client.chat(ChatRequest(model=model, messages=HELLO))
    expected = {
        "maas": "ModelArts.81003",
        "dashscope": "InvalidApiKey",
        "dashscope-compatible": "invalid_api_key",
    }[platform]
    assert info.value.code == expected and info.value.status == 401


@pytest.mark.parametrize("mode", ["stream", "astream"])
@pytest.mark.parametrize("platform", ["maas", "dashscope"])
async def test_mid_stream_disconnect_raises_with_partial(emu, mode, platform):
    model = "DeepSeek-R1" if platform == "maas" else "deepseek-r1"
    with pytest.raises(StreamError) as info:
        await _run(emu, mode, platform, model, fault={"kind": "disconnect", "after": 3})
    assert info.value.partial is not None and info.value.partial.message.reasoning
    assert len(_chat_paths(emu)) == 1  # never retried once events were handed out


@pytest.mark.parametrize("mode", ["stream", "astream"])
@pytest.mark.parametrize("platform", ["maas", "dashscope", "dashscope-compatible"])
async def test_in_stream_error_frame_is_typed(emu, mode, platform):
    model = "DeepSeek-R1" if platform == "maas" else "qwen-max"
    fault = {
        "kind": "error_frame",
        "after": 2,
        "status": 429,
        "code": "Throttling.AllocationQuota",
        "message": "Allocated quota exceeded.",
    }
    with pytest.raises(RateLimitError) as info:
        await _run(emu, mode, platform, model, fault=fault)
    assert isinstance(info.value, StreamError)
    assert info.value.code and "quota" in info.value.message.lower()
    assert info.value.request_id  # from the frame, or the stream's x-request-id header


@pytest.mark.parametrize("mode", ["stream", "astream"])
async def test_malformed_event_raises_stream_error(emu, mode):
    with pytest.raises(StreamError, match="malformed JSON in event"):
        await _run(emu, mode, fault={"kind": "malformed", "after": 2})


@pytest.mark.parametrize("mode", ["chat", "stream"])
async def test_sse_framed_error_in_json_4xx(emu, mode):
    with pytest.raises(BadRequestError) as info:
        await _run(
            emu,
            mode,
            platform="dashscope",
            model="qwen-max",
            fault={"kind": "sse_error_body", "status": 400},
        )
    assert info.value.code == "InvalidParameter" and info.value.request_id


@pytest.mark.parametrize("mode", ["chat", "astream"])
async def test_timeout_is_typed(emu, mode):
    with pytest.raises(APITimeoutError):
        await _run(emu, mode, fault={"kind": "delay", "seconds": 1.0}, timeout=0.2, max_retries=0)


@pytest.mark.parametrize("mode", ["stream", "astream"])
async def test_slow_drip_splits_utf8(emu, mode):
    request = ChatRequest(model="deepseek-r1", messages=(Message("user", "你好，世界"),))
    fault = {"kind": "drip", "bytes": 5, "interval": 0}
    with _client(emu, "dashscope") as client:
        expected = client.chat(request).message
    if mode == "stream":
        with _client(emu, "dashscope", fault=fault) as client:
            deltas = list(client.stream(request))
    else:
        async with _aclient(emu, "dashscope", fault=fault) as aclient:
            deltas = [d async for d in aclient.stream(request)]
    assert "".join(d.content for d in deltas) == expected.content
    assert "".join(d.reasoning for d in deltas) == expected.reasoning


def test_user_http_client_used_and_left_open(emu):
    with httpx.Client(
        limits=httpx.Limits(max_connections=1), timeout=httpx.Timeout(5, pool=1)
    ) as http:
        client = ChatClient(
            "maas", api_key=emu.api_key, base_url=emu.maas_base_url, http_client=http
        )
        request = ChatRequest(model="DeepSeek-R1", messages=HELLO)
        for _ in client.stream(request):
            break  # stopping early must release the only connection
        assert client.chat(request).message.content == "Echo: hello there"
        client.close()
        assert not http.is_closed


def test_secret_never_in_errors_reprs_or_logs(emu, caplog):
    secret = "sk-this-is-a-secret-key-0123456789"
    caplog.set_level(logging.DEBUG)
    with (
        _client(emu, "dashscope", key=secret) as client,
        pytest.raises(AuthenticationError) as info,
    ):
        client.chat(ChatRequest(model="qwen-max", messages=HELLO))
    texts = [
        str(info.value),
        repr(info.value),
        repr(client),
        repr(client.transport),
        json.dumps(info.value.body),
        *(r.getMessage() for r in caplog.records),
    ]
    assert all(secret not in t for t in texts)


def test_echoed_secret_is_redacted(emu):
    secret = "sk-echoed-secret-key-0123456789"
    fault = {
        "kind": "status",
        "status": 401,
        "code": "InvalidApiKey",
        "message": f"Incorrect API key provided: {secret}",
    }
    with (
        _client(emu, "dashscope", key=secret, fault=fault) as client,
        pytest.raises(AuthenticationError) as info,
    ):
        client.chat(ChatRequest(model="qwen-max", messages=HELLO))
    assert secret not in str(info.value) and "***" in str(info.value)
    assert secret not in json.dumps(info.value.body)
