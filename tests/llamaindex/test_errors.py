"""Every fault the emulator can produce surfaces as a typed maas_core error, never as an
empty answer; retryable ones are retried."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage

from maas_core import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    RateLimitError,
    ServerError,
    StreamError,
)

pytestmark = pytest.mark.emulator

USER = [ChatMessage(role="user", content="hello")]
CLASSES = [
    ("maas", "DeepSeek-V3", None),
    ("dashscope", "qwen-max", "native"),
    ("dashscope", "qwen-max", "compatible"),
]


def faulty(make: Any, llm_kind: str, model: str, protocol: str | None, **spec: Any) -> Any:
    """An LLM whose every request carries the fault ``spec`` (``times`` counted per test)."""
    spec.setdefault("id", uuid.uuid4().hex)
    headers = {"X-Emulator-Fault": json.dumps(spec)}
    return make(llm_kind, model, protocol, default_headers=headers)


def chat_calls(llm: Any) -> dict[str, Any]:
    return {
        "chat": lambda: llm.chat(USER),
        "stream_chat": lambda: list(llm.stream_chat(USER)),
        "complete": lambda: llm.complete("hello"),
    }


@pytest.mark.parametrize(("kind", "model", "protocol"), CLASSES)
def test_rate_limit_is_retried(make, emu, kind, model, protocol) -> None:
    llm = faulty(make, kind, model, protocol, kind="status", status=429, retry_after=0, times=2)
    assert llm.chat(USER).message.content == "Echo: hello"
    assert len(emu.requests) == 3


@pytest.mark.parametrize(("kind", "model", "protocol"), CLASSES)
def test_rate_limit_exhausted(make, emu, kind, model, protocol) -> None:
    llm = faulty(make, kind, model, protocol, kind="status", status=429, retry_after=0)
    with pytest.raises(RateLimitError) as info:
        llm.chat(USER)
    assert info.value.status == 429 and info.value.code
    assert len(emu.requests) == 3  # max_retries=2


@pytest.mark.parametrize("fault", [{"kind": "status", "status": 503}, {"kind": "html"}])
async def test_server_errors_are_retried(make, emu, fault: dict[str, Any]) -> None:
    llm = faulty(make, "maas", "DeepSeek-V3", None, times=1, **fault)
    assert (await llm.achat(USER)).message.content == "Echo: hello"
    assert len(emu.requests) == 2


def test_html_502_surfaces_when_it_persists(make) -> None:
    llm = faulty(make, "dashscope", "qwen-max", "native", kind="html")
    llm.max_retries = 0
    with pytest.raises(ServerError, match="502 Bad Gateway"):
        llm.chat(USER)


@pytest.mark.parametrize(("status", "error"), [(401, AuthenticationError), (400, BadRequestError)])
@pytest.mark.parametrize(("kind", "model", "protocol"), CLASSES)
def test_client_errors_not_retried(make, emu, kind, model, protocol, status, error) -> None:
    llm = faulty(make, kind, model, protocol, kind="status", status=status)
    for name, call in chat_calls(llm).items():
        emu.requests.clear()
        with pytest.raises(error) as info:
            call()
        assert len(emu.requests) == 1, name
        assert info.value.status == status


def test_wrong_key_is_an_authentication_error(make) -> None:
    llm = make("maas", "DeepSeek-V3", api_key="sk-wrong")
    with pytest.raises(AuthenticationError) as info:
        llm.chat(USER)
    assert "sk-wrong" not in str(info.value)


@pytest.mark.parametrize(("kind", "model", "protocol"), CLASSES)
@pytest.mark.parametrize("fault", ["disconnect", "malformed"])
async def test_broken_streams(make, kind, model, protocol, fault: str) -> None:
    llm = faulty(make, kind, model, protocol, kind=fault, after=2)
    with pytest.raises(StreamError):
        list(llm.stream_chat(USER))
    with pytest.raises(StreamError):
        [c async for c in await llm.astream_chat(USER)]
    with pytest.raises(StreamError):
        list(llm.stream_complete("hello"))


def frame_error(make: Any, kind: str, model: str, protocol: str | None) -> Any:
    code = "Throttling.RateQuota" if kind == "dashscope" else None
    llm = faulty(make, kind, model, protocol, kind="error_frame", after=2, status=429, code=code)
    return llm


@pytest.mark.parametrize(("kind", "model", "protocol"), CLASSES)
async def test_error_frame_in_stream(make, kind, model, protocol) -> None:
    llm = frame_error(make, kind, model, protocol)
    with pytest.raises(StreamError) as info:
        list(llm.stream_chat(USER))
    assert isinstance(info.value, RateLimitError)
    assert info.value.code
    with pytest.raises(RateLimitError):
        [c async for c in await llm.astream_chat(USER)]


@pytest.mark.parametrize(("kind", "model", "protocol"), CLASSES)
def test_error_frame_names_the_request_id(make, emu, kind, model, protocol) -> None:
    with pytest.raises(APIStatusError) as info:
        list(frame_error(make, kind, model, protocol).stream_chat(USER))
    assert info.value.request_id


def test_sse_error_body(make) -> None:
    llm = faulty(make, "dashscope", "qwen-max", "native", kind="sse_error_body", status=400)
    with pytest.raises(BadRequestError) as info:
        list(llm.stream_chat(USER))
    assert info.value.request_id
