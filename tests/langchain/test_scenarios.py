"""Scenarios against the emulator over real HTTP: reasoning, usage placement, tools, structured
output, faults, reasoning passback and an agent loop."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.exceptions import (
    ModelAuthenticationError,
    ModelRateLimitError,
)
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.tools import tool
from pydantic import BaseModel

import maas_core
from langchain_maas import ChatDashScope, ChatMaaS, MaaSRateLimitError
from maas_core.emulator import Emulator
from maas_core.endpoint import Endpoint

Factory = Callable[..., ChatMaaS | ChatDashScope]

# (platform, model, kwargs) of a reasoning configuration per platform.
REASONERS = [
    ("maas", "DeepSeek-R1", {}),
    ("native", "qwen-plus", {"enable_thinking": True}),
    ("compatible", "qwen-plus", {"enable_thinking": True}),
    ("native", "qwq-plus", {}),
]
REASONING = "The user asks: hi. Let me think step by step."


def fault(**spec: Any) -> dict[str, str]:
    return {"X-Emulator-Fault": json.dumps(spec)}


def quirks(text: str) -> dict[str, str]:
    return {"X-Emulator-Quirks": text}


def merge(chunks: list[AIMessageChunk]) -> AIMessageChunk:
    full = chunks[0]
    for chunk in chunks[1:]:
        full = full + chunk
    return full


def assert_stream_contract(chunks: list[AIMessageChunk], provider: str) -> None:
    """model_provider on every chunk; usage, model_name and finish_reason on exactly one."""
    assert all(c.response_metadata.get("model_provider") == provider for c in chunks[:-1])
    for key in ("model_name", "finish_reason"):
        assert sum(key in c.response_metadata for c in chunks) == 1, key
    assert sum(c.usage_metadata is not None for c in chunks) <= 1


@tool
def get_weather(city: str) -> str:
    """Get the weather of a city."""
    return f"sunny in {city}"


@tool
def get_time(city: str) -> str:
    """Get the local time of a city."""
    return f"noon in {city}"


class Answer(BaseModel):
    city: str
    degrees: int


# ---------------------------------------------------------------- reasoning


@pytest.mark.parametrize(("platform", "model", "kwargs"), REASONERS)
def test_reasoning_invoke_and_stream(make_model: Factory, platform: str, model: str,
                                     kwargs: dict[str, Any]) -> None:
    llm = make_model(platform, model, **kwargs)
    message = llm.invoke("hi")
    assert message.additional_kwargs["reasoning_content"] == REASONING
    assert message.content_blocks[0] == {"type": "reasoning", "reasoning": REASONING}
    assert message.content == "Echo: hi"

    chunks = list(llm.stream("hi"))
    assert all("reasoning_content" in c.additional_kwargs for c in chunks
               if c.content_blocks and c.content_blocks[0]["type"] == "reasoning")
    full = merge(chunks)
    assert full.additional_kwargs["reasoning_content"] == REASONING
    assert full.content_blocks[0]["type"] == "reasoning"
    assert full.content == "Echo: hi"
    assert_stream_contract(chunks, llm._provider)


@pytest.mark.parametrize(("platform", "model", "kwargs"), REASONERS[:3])
async def test_reasoning_astream_and_batch(make_model: Factory, platform: str, model: str,
                                           kwargs: dict[str, Any]) -> None:
    llm = make_model(platform, model, **kwargs)
    chunks = [c async for c in llm.astream("hi")]
    assert merge(chunks).additional_kwargs["reasoning_content"] == REASONING
    assert_stream_contract(chunks, llm._provider)
    results = await llm.abatch(["hi", "hi"])
    assert [r.additional_kwargs["reasoning_content"] for r in results] == [REASONING] * 2
    sync_results = llm.batch(["hi", "hi"])
    assert all(r.content_blocks[0]["type"] == "reasoning" for r in sync_results)


def test_reasoning_v1_output(make_model: Factory) -> None:
    llm = make_model("maas", "DeepSeek-R1", output_version="v1")
    message = llm.invoke("hi")
    assert [b["type"] for b in message.content] == ["reasoning", "text"]
    full = merge(list(llm.stream("hi")))
    assert [b["type"] for b in full.content] == ["reasoning", "text"]
    assert full.content[0]["reasoning"] == REASONING
    assert full.content[1]["text"] == "Echo: hi"


def test_think_tags_are_split(make_model: Factory, emu: Emulator) -> None:
    llm = ChatMaaS(model="DeepSeek-R1-Distill-Qwen-1.5B", api_key=emu.api_key,
                   base_url=emu.maas_service_base_url("svc-1"))
    message = llm.invoke("hi")
    assert message.additional_kwargs["reasoning_content"].strip() == REASONING
    assert message.content.strip() == "Echo: hi"
    full = merge(list(llm.stream("hi")))
    assert full.additional_kwargs["reasoning_content"].strip() == REASONING
    assert "<think>" not in full.content and full.content.strip() == "Echo: hi"


# ---------------------------------------------------------------- usage


@pytest.mark.parametrize("placement", ["final", "finish", "every"])
def test_usage_once_per_stream(make_model: Factory, placement: str) -> None:
    llm = make_model("maas", "DeepSeek-R1",
                     default_headers=quirks(f"usage={placement};usage_details=1"))
    chunks = list(llm.stream("hi"))
    assert_stream_contract(chunks, "huawei-maas")
    usage = [c.usage_metadata for c in chunks if c.usage_metadata]
    assert len(usage) == 1
    assert usage[0] == llm.invoke("hi").usage_metadata
    assert usage[0]["output_token_details"]["reasoning"] > 0


def test_usage_absent_from_wire(make_model: Factory) -> None:
    llm = make_model("maas", "DeepSeek-V3", default_headers=quirks("usage=none"))
    chunks = list(llm.stream("hi"))
    assert_stream_contract(chunks, "huawei-maas")
    assert all(c.usage_metadata is None for c in chunks)


@pytest.mark.parametrize("platform", ["native", "compatible"])
def test_dashscope_usage_details(make_model: Factory, platform: str) -> None:
    llm = make_model(platform, "qwen-plus", enable_thinking=True)
    full = merge(list(llm.stream("hi")))
    assert full.usage_metadata is not None
    assert full.usage_metadata["output_token_details"]["reasoning"] > 0
    assert full.usage_metadata["input_token_details"]["cache_read"] >= 0
    no_usage = make_model(platform, "qwen-plus", stream_usage=False)
    if platform == "compatible":  # native always reports usage
        assert merge(list(no_usage.stream("hi"))).usage_metadata is None


# ---------------------------------------------------------------- tools


@pytest.mark.parametrize("repeat_ids", ["", "fresh", "same"])
def test_parallel_tool_calls_stream_with_reasoning(make_model: Factory, repeat_ids: str) -> None:
    headers = quirks(f"repeat_tool_ids={repeat_ids}") if repeat_ids else None
    llm = make_model("maas", "deepseek-v3.2", enable_thinking=True, default_headers=headers)
    bound = llm.bind_tools([get_weather, get_time], parallel_tool_calls=True)
    chunks = list(bound.stream("get_weather and get_time for Paris"))
    full = merge(chunks)
    assert full.additional_kwargs["reasoning_content"]
    assert [c["name"] for c in full.tool_calls] == ["get_weather", "get_time"]
    assert len({c["id"] for c in full.tool_calls}) == 2
    assert all(set(c["args"]) == {"city"} for c in full.tool_calls)
    invoked = bound.invoke("get_weather and get_time for Paris")
    assert [c["name"] for c in invoked.tool_calls] == ["get_weather", "get_time"]


def test_v1_stream_blocks_never_merge(make_model: Factory) -> None:
    llm = make_model("maas", "deepseek-v3.2", enable_thinking=True, output_version="v1")
    bound = llm.bind_tools([get_weather, get_time], parallel_tool_calls=True)
    chunks = list(bound.stream("get_weather and get_time for Paris"))
    indices: dict[Any, set[int]] = {}
    for chunk in chunks:
        tools = iter(chunk.tool_call_chunks)
        for block in chunk.content:
            key = ("tool", next(tools)["index"]) if block["type"] == "tool_call_chunk" else (
                block["type"], None)
            indices.setdefault(key, set()).add(block["index"])
    assert len(indices) == 3 and all(len(v) == 1 for v in indices.values())
    assert len(set().union(*indices.values())) == 3
    full = merge(chunks)
    assert [b["type"] for b in full.content] == ["reasoning", "tool_call", "tool_call"]
    assert [c["name"] for c in full.tool_calls] == ["get_weather", "get_time"]


@pytest.mark.parametrize("platform", ["native", "compatible"])
def test_dashscope_tool_choice(make_model: Factory, platform: str) -> None:
    llm = make_model(platform, "qwen-plus")
    named = llm.bind_tools([get_weather, get_time], tool_choice="get_time").invoke("hello")
    assert [c["name"] for c in named.tool_calls] == ["get_time"]
    single = llm.bind_tools([get_weather], tool_choice="any").invoke("hello")
    assert [c["name"] for c in single.tool_calls] == ["get_weather"]
    with pytest.raises(maas_core.UnsupportedParameterError, match="required"):
        llm.bind_tools([get_weather, get_time], tool_choice="any").invoke("hello")
    thinking = make_model(platform, "qwen-plus", enable_thinking=True)
    with pytest.raises(maas_core.UnsupportedParameterError, match="thinking"):
        thinking.bind_tools([get_weather], tool_choice="get_weather").invoke("hello")
    none = llm.bind_tools([get_weather], tool_choice="none").invoke("hello")
    assert not none.tool_calls


def test_unicode_tool_arguments(make_model: Factory) -> None:
    llm = make_model("maas", "DeepSeek-V3").bind_tools([get_weather], tool_choice="any")
    message = llm.invoke("你好北京")
    city = message.tool_calls[0]["args"]["city"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in city), city


def test_images_are_sent(make_model: Factory, emu: Emulator) -> None:
    llm = make_model("native", "qwen3-vl-plus")
    data_url = "data:image/png;base64,iVBORw0KGgo="
    message = HumanMessage(content=[
        {"type": "text", "text": "describe"},
        {"type": "image", "url": "https://example.com/cat.png"},
        {"type": "image", "base64": "iVBORw0KGgo=", "mime_type": "image/png"},
    ])
    assert llm.invoke([message]).content
    sent = json.dumps(emu.requests[-1].json)
    assert "https://example.com/cat.png" in sent and data_url in sent


# ---------------------------------------------------------------- structured output


@pytest.mark.parametrize("platform", ["maas", "native", "compatible"])
@pytest.mark.parametrize("method", ["json_schema", "function_calling", None])
def test_structured_output_methods(make_model: Factory, platform: str,
                                   method: str | None) -> None:
    model = "DeepSeek-V3" if platform == "maas" else "qwen-plus"
    llm = make_model(platform, model)
    result = llm.with_structured_output(Answer, method=method).invoke("weather in Paris")
    assert isinstance(result, Answer)
    raw = llm.with_structured_output(Answer.model_json_schema(), method=method,
                                     include_raw=True).invoke("weather in Paris")
    assert isinstance(raw["raw"], AIMessage) and raw["parsing_error"] is None
    assert set(raw["parsed"]) == {"city", "degrees"}


def test_structured_output_json_mode(make_model: Factory) -> None:
    llm = make_model("maas", "DeepSeek-V3")
    assert llm.with_structured_output(method="json_mode").invoke("answer in JSON") == {
        "answer": "Echo: answer in JSON"}


def test_structured_output_keeps_thinking_on(make_model: Factory, emu: Emulator) -> None:
    llm = make_model("native", "qwen-plus", enable_thinking=True)
    result = llm.with_structured_output(Answer, include_raw=True).invoke("weather in Paris")
    assert isinstance(result["parsed"], Answer)
    assert result["raw"].additional_kwargs["reasoning_content"]
    assert emu.requests[-1].json["parameters"]["enable_thinking"] is True


# ---------------------------------------------------------------- faults


def test_rate_limit_is_retried(make_model: Factory, emu: Emulator) -> None:
    headers = fault(kind="status", status=429, retry_after=0, times=1, id="lc-429")
    llm = make_model("maas", "DeepSeek-V3", default_headers=headers)
    assert llm.invoke("hi").content == "Echo: hi"
    assert len(emu.requests) == 2


def test_rate_limit_surfaces_when_retries_run_out(make_model: Factory) -> None:
    headers = fault(kind="status", status=429, retry_after=0)
    llm = make_model("native", "qwen-plus", default_headers=headers, max_retries=0)
    with pytest.raises(MaaSRateLimitError) as caught:
        llm.invoke("hi")
    error = caught.value
    assert isinstance(error, maas_core.RateLimitError) and isinstance(error, ModelRateLimitError)
    assert error.status == 429 and error.code and error.request_id


@pytest.mark.parametrize("platform", ["maas", "native", "compatible"])
async def test_bad_key_is_not_retried(make_model: Factory, emu: Emulator, platform: str) -> None:
    llm = make_model(platform, "DeepSeek-V3" if platform == "maas" else "qwen-plus",
                     api_key="sk-wrong")
    for call in (llm.invoke, llm.ainvoke):
        emu.requests.clear()
        with pytest.raises(ModelAuthenticationError) as caught:
            result = call("hi")
            if hasattr(result, "__await__"):
                await result
        assert isinstance(caught.value, maas_core.AuthenticationError)
        assert caught.value.status == 401 and caught.value.message
        assert "sk-wrong" not in str(caught.value)
        assert len(emu.requests) == 1


@pytest.mark.parametrize("platform", ["maas", "native", "compatible"])
def test_mid_stream_disconnect_raises(make_model: Factory, platform: str) -> None:
    headers = fault(kind="disconnect", after=3)
    llm = make_model(platform, "DeepSeek-R1" if platform == "maas" else "qwen-plus",
                     default_headers=headers)
    with pytest.raises(maas_core.StreamError):
        list(llm.stream("tell me a long story"))


@pytest.mark.parametrize("platform", ["maas", "native", "compatible"])
async def test_in_stream_error_frame_raises(make_model: Factory, platform: str) -> None:
    headers = fault(kind="error_frame", after=2, status=429)
    llm = make_model(platform, "DeepSeek-R1" if platform == "maas" else "qwen-plus",
                     default_headers=headers)
    with pytest.raises(maas_core.StreamError) as caught:
        _ = [c async for c in llm.astream("tell me a long story")]
    assert isinstance(caught.value, maas_core.RateLimitError)
    assert isinstance(caught.value, ModelRateLimitError)


def test_malformed_event_raises(make_model: Factory) -> None:
    llm = make_model("maas", "DeepSeek-V3", default_headers=fault(kind="malformed", after=2))
    with pytest.raises(maas_core.StreamError, match="malformed"):
        list(llm.stream("hi there"))


# ---------------------------------------------------------------- tool loops


def _tool_loop(llm: Any, question: str) -> list[Any]:
    bound = llm.bind_tools([get_weather])
    messages: list[Any] = [HumanMessage(question)]
    first = bound.invoke(messages)
    messages.append(first)
    for call in first.tool_calls:
        messages.append(ToolMessage(get_weather.invoke(call["args"]), tool_call_id=call["id"]))
    messages.append(bound.invoke(messages))
    return messages


@pytest.mark.parametrize("streaming", [False, True])
def test_reasoning_passback_tool_loop(make_model: Factory, emu: Emulator,
                                      streaming: bool) -> None:
    llm = make_model("maas", "deepseek-v3.2", enable_thinking=True, streaming=streaming)
    messages = _tool_loop(llm, "weather in Paris?")
    assert messages[1].tool_calls and messages[1].additional_kwargs["reasoning_content"]
    assert messages[-1].content.startswith("Based on the tool results")
    sent = emu.requests[-1].json["messages"]
    assert sent[1]["reasoning_content"] == messages[1].additional_kwargs["reasoning_content"]


def test_reasoning_passback_never_is_rejected(make_model: Factory) -> None:
    llm = make_model("maas", "deepseek-v3.2", enable_thinking=True, reasoning_passback="never")
    with pytest.raises(maas_core.BadRequestError):
        _tool_loop(llm, "weather in Paris?")


def test_reasoning_from_v1_blocks_is_passed_back(make_model: Factory, emu: Emulator) -> None:
    llm = make_model("maas", "deepseek-v3.2", enable_thinking=True, output_version="v1")
    messages = _tool_loop(llm, "weather in Paris?")
    assert messages[1].content[0]["type"] == "reasoning"
    assert emu.requests[-1].json["messages"][1]["reasoning_content"]


def test_agent_loop(make_model: Factory) -> None:
    from langchain.agents import create_agent

    agent = create_agent(make_model("maas", "deepseek-v3.2", enable_thinking=True),
                         tools=[get_weather])
    state = agent.invoke({"messages": [HumanMessage("weather in Paris?")]})
    kinds = [type(m).__name__ for m in state["messages"]]
    assert kinds == ["HumanMessage", "AIMessage", "ToolMessage", "AIMessage"]
    assert "sunny" in state["messages"][-1].content


# ---------------------------------------------------------------- endpoints


def test_from_endpoint(emu: Emulator) -> None:
    maas = ChatMaaS.from_endpoint(
        Endpoint(platform="maas", base_url=emu.maas_service_base_url("svc-9"),
                 model="DeepSeek-R1-Distill-Qwen-1.5B", source="service"),
        api_key=emu.api_key)
    assert maas.invoke("hi").additional_kwargs["reasoning_content"]
    native = ChatDashScope.from_endpoint(
        Endpoint(platform="dashscope", base_url=emu.dashscope_base_url, model="qwen-max",
                 source="deployment", protocol="native", workspace="ws-1"),
        api_key=emu.api_key)
    assert native.invoke("hi").content == "Echo: hi"
    assert emu.requests[-1].headers.get("x-dashscope-workspace") == "ws-1"
    compat = ChatDashScope.from_endpoint(
        Endpoint(platform="dashscope", base_url=emu.dashscope_compatible_base_url,
                 model="qwen-max", source="models", protocol="compatible"),
        api_key=emu.api_key)
    assert compat.protocol == "compatible" and compat.invoke("hi").content == "Echo: hi"
