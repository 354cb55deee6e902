"""Unit tests of the adapter's pure parts: conversion, request building, errors, metadata.

Nothing here talks to a server (the base URL is a closed loopback port).
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from typing import Any

import pytest
from langchain_core._api import LangChainBetaWarning
from langchain_core.exceptions import (
    ModelAuthenticationError,
    ModelRateLimitError,
    ModelTimeoutError,
)
from langchain_core.load import dumpd, load
from langchain_core.messages import (
    AIMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.tools import tool

import langchain_maas
from langchain_maas import ChatDashScope, ChatMaaS, _convert
from langchain_maas._errors import to_langchain_error
from maas_core import (
    ChatDelta,
    ForcedTool,
    ImagePart,
    ResponseFormat,
    TextPart,
    ToolCallDelta,
    Usage,
)
from maas_core import errors as core

NOWHERE = "http://127.0.0.1:9/v1"


def maas(**kwargs: Any) -> ChatMaaS:
    return ChatMaaS(**{"model": "DeepSeek-V3", "api_key": "sk-secret-unit", "base_url": NOWHERE,
                       **kwargs})


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


# ---------------------------------------------------------------- public surface


def test_all_is_sorted_and_complete() -> None:
    assert langchain_maas.__all__ == sorted(langchain_maas.__all__)
    for name in langchain_maas.__all__:
        assert getattr(langchain_maas, name)


def test_import_does_not_load_llama_index() -> None:
    code = "import sys, langchain_maas; print(any(m.startswith('llama_index') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_secret_never_shown() -> None:
    llm = maas()
    assert "sk-secret-unit" not in repr(llm)
    assert "sk-secret-unit" not in str(dumpd(llm))
    assert llm.lc_secrets == {"api_key": "MAAS_API_KEY"}


def test_serialization_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-env")
    llm = ChatDashScope(model="qwen-plus", protocol="compatible", temperature=0.2)
    path = ("langchain_maas", "chat_models", "ChatDashScope")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LangChainBetaWarning)
        loaded = load(dumpd(llm), valid_namespaces=["langchain_maas"], allowed_objects=[
            ChatDashScope], additional_import_mappings={path: path}, secrets_from_env=True)
    assert isinstance(loaded, ChatDashScope)
    assert loaded.asdict() == llm.asdict() and loaded.protocol == "compatible"


def test_ls_params_own_provider_and_per_call_model() -> None:
    params = maas(temperature=0.5, stop=["x"])._get_ls_params(model="DeepSeek-R1")
    assert params["ls_provider"] == "huawei-maas"
    assert params["ls_model_name"] == "DeepSeek-R1"
    assert params["ls_stop"] == ["x"] and params["ls_temperature"] == 0.5
    assert ChatDashScope(model="qwen-plus", api_key="k")._get_ls_params()["ls_provider"] == (
        "dashscope")


def test_calls_do_not_mutate_the_model() -> None:
    llm = maas(temperature=0.1)
    before = llm.model_dump()
    llm._request([HumanMessage("hi")], ["stop"], stream=True,
                 kwargs={"model": "DeepSeek-R1", "temperature": 0.9, "tools": []})
    llm.bind_tools([add], tool_choice="any")
    llm.with_structured_output({"title": "A", "type": "object", "properties": {}})
    assert llm.model_dump() == before


def test_profile_from_core() -> None:
    profile = ChatDashScope(model="qwen3-vl-plus", api_key="k").profile
    assert profile is not None
    assert profile["image_inputs"] and profile["reasoning_output"]
    assert maas().profile["tool_calling"]  # type: ignore[index]


def test_missing_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAAS_API_KEY", raising=False)
    with pytest.raises(ValueError, match="MAAS_API_KEY"):
        ChatMaaS(model="DeepSeek-V3")


# ---------------------------------------------------------------- requests


def test_request_fields_and_routing() -> None:
    llm = maas(temperature=0.3, max_tokens=20, top_k=5, enable_thinking=True,
               model_kwargs={"seed": 7, "repetition_penalty": 1.1},
               extra_body={"user": "u"}, reasoning_passback="always", stream_usage=False)
    request = llm._request([HumanMessage("hi")], None, stream=True,
                           kwargs={"top_p": 0.5, "extra_headers": {"X-A": "1"},
                                   "logprobs": True})
    assert (request.temperature, request.max_tokens, request.top_k, request.top_p) == (
        0.3, 20, 5, 0.5)
    assert request.seed == 7 and request.enable_thinking is True and request.stream
    assert request.reasoning_passback == "always" and request.include_usage is False
    assert request.extra_body == {"user": "u", "repetition_penalty": 1.1}
    assert request.logprobs is True  # a request field now (returned in response_metadata)
    assert request.extra_headers == {"X-A": "1"}


def test_stop_per_call_wins() -> None:
    llm = maas(stop=["a"])
    assert llm._request([HumanMessage("x")], None, stream=False, kwargs={}).stop == ("a",)
    assert llm._request([HumanMessage("x")], ["b"], stream=False, kwargs={}).stop == ("b",)


@pytest.mark.parametrize(("choice", "expected"), [
    ("auto", "auto"), ("none", "none"), ("any", "required"), ("required", "required"),
    (True, "required"), (False, "none"), ("add", ForcedTool("add")),
    ({"type": "function", "function": {"name": "add"}}, ForcedTool("add")),
])
def test_tool_choice_spellings(choice: Any, expected: Any) -> None:
    bound = maas().bind_tools([add], tool_choice=choice, parallel_tool_calls=False)
    kwargs = bound.kwargs  # type: ignore[attr-defined]
    request = maas()._request([HumanMessage("x")], None, stream=False, kwargs=kwargs)
    assert request.tool_choice == expected
    assert request.parallel_tool_calls is False
    assert request.tools[0].name == "add" and request.tools[0].parameters["required"] == ["a", "b"]


def test_unknown_tool_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="not one of the bound tools"):
        maas().bind_tools([add], tool_choice="subtract")


def test_structured_output_method_follows_profile() -> None:
    assert maas()._default_structured_method() == "json_schema"
    thinking = ChatDashScope(model="qwen-plus", api_key="k", enable_thinking=True)
    assert thinking._default_structured_method() == "function_calling"
    bound = thinking.with_structured_output({"title": "A", "type": "object", "properties": {}})
    assert bound.first.kwargs.get("tool_choice") is None  # type: ignore[attr-defined]
    assert thinking.enable_thinking is True
    assert _convert.to_core_response_format({"type": "json_object"}) == ResponseFormat(
        "json_object")


# ---------------------------------------------------------------- messages


def test_messages_to_core() -> None:
    ai = AIMessage(content="", additional_kwargs={"reasoning_content": "thought"},
                   tool_calls=[{"name": "add", "args": {"a": 1}, "id": "c1"}])
    messages = _convert.to_core_messages([
        SystemMessage("sys"),
        HumanMessage([{"type": "text", "text": "look"},
                      {"type": "image_url", "image_url": {"url": "http://x/a.png"}},
                      {"type": "image", "base64": "QUJD", "mime_type": "image/jpeg"},
                      {"type": "image", "source_type": "url", "url": "http://x/b.png"}],
                     name="ann"),
        ai,
        ToolMessage("2", tool_call_id="c1"),
    ])
    assert [m.role for m in messages] == ["system", "user", "assistant", "tool"]
    assert messages[1].content == (TextPart("look"), ImagePart("http://x/a.png"),
                                   ImagePart("data:image/jpeg;base64,QUJD"),
                                   ImagePart("http://x/b.png"))
    assert messages[1].name == "ann"
    assert messages[2].reasoning == "thought"
    assert messages[2].tool_calls[0].arguments == '{"a": 1}'
    assert messages[3].tool_call_id == "c1" and messages[3].content == "2"


def test_reasoning_from_v1_blocks() -> None:
    ai = AIMessage(content=[{"type": "reasoning", "reasoning": "why"},
                            {"type": "text", "text": "so"}])
    (message,) = _convert.to_core_messages([ai])
    assert message.reasoning == "why" and message.content == "so"


def test_unsupported_blocks_raise() -> None:
    with pytest.raises(ValueError, match="'audio'"):
        _convert.to_core_messages([HumanMessage([{"type": "audio", "base64": "x"}])])


# ---------------------------------------------------------------- chunks


def test_chunk_builder_v0() -> None:
    builder = _convert.ChunkBuilder("dashscope", "qwen-plus")
    first = builder.chunk(ChatDelta(reasoning="r", tool_calls=(
        ToolCallDelta(0, "c1", "add", '{"a"'), ToolCallDelta(1, "c2", "add", "{}"))))
    last = builder.chunk(ChatDelta(usage=Usage(3, 4, 7, 2, 1), finish_reason="tool_calls",
                                   model="qwen-plus"))
    assert first.message.additional_kwargs == {"reasoning_content": "r"}
    assert [c["index"] for c in first.message.tool_call_chunks] == [0, 1]
    assert last.message.usage_metadata == {
        "input_tokens": 3, "output_tokens": 4, "total_tokens": 7,
        "input_token_details": {"cache_read": 1}, "output_token_details": {"reasoning": 2}}
    assert last.message.response_metadata["finish_reason"] == "tool_calls"
    assert last.message.chunk_position == "last"


# ---------------------------------------------------------------- errors


def test_errors_are_both_trees() -> None:
    error = core.RateLimitError("slow down", status=429, code="Throttling", request_id="r1",
                                provider="dashscope", retry_after=2.0)
    converted = to_langchain_error(error)
    assert isinstance(converted, core.RateLimitError)
    assert isinstance(converted, ModelRateLimitError)
    assert (converted.code, converted.request_id, converted.retry_after) == (
        "Throttling", "r1", 2.0)
    assert str(converted) == str(error) and converted.is_retryable


def test_in_stream_errors_keep_stream_error() -> None:
    error = core.error_from_payload({"code": "InvalidApiKey", "message": "bad"}, status=401,
                                    in_stream=True)
    converted = to_langchain_error(error)
    assert isinstance(converted, core.StreamError)
    assert isinstance(converted, core.AuthenticationError)
    assert isinstance(converted, ModelAuthenticationError)


def test_quota_is_not_retryable_and_others_pass_through() -> None:
    quota = to_langchain_error(core.RateLimitError("no", code="insufficient_quota"))
    assert isinstance(quota, ModelRateLimitError) and not quota.is_retryable
    assert isinstance(to_langchain_error(core.APITimeoutError("t")), ModelTimeoutError)
    plain = core.StreamError("cut")
    assert to_langchain_error(plain) is plain


def test_fast_chunks_equal_validated_ones() -> None:
    assert _convert._FAST  # the installed LangChain has the fields the fast path knows
    from langchain_core.messages import AIMessageChunk
    from langchain_core.outputs import ChatGenerationChunk

    metadata = {"model_provider": "huawei-maas"}
    fast = _convert.fast_chunk("hi", {"reasoning_content": "r"}, dict(metadata), "id-1")
    slow = AIMessageChunk(content="hi", additional_kwargs={"reasoning_content": "r"},
                          response_metadata=dict(metadata), id="id-1")
    assert fast == slow and fast.model_dump() == slow.model_dump()
    assert fast.model_fields_set <= slow.model_fields_set | {"id"}
    generation = _convert.fast_generation(fast, "hi")
    assert generation == ChatGenerationChunk(message=slow)
    merged = fast + slow
    assert merged.content == "hihi" and merged.additional_kwargs["reasoning_content"] == "rr"
