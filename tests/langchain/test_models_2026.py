"""Every 2026 family through LangChain, both protocols, sync and async, stream and not:
invoke, stream, structured output and tool calls answer without a platform 400
(PROTOCOLS-2026 A.9, D.7)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk
from pydantic import BaseModel, Field

from langchain_maas import ChatDashScope, ChatMaaS
from maas_core import UnsupportedParameterError
from maas_core.emulator import Emulator
from maas_core.emulator import models as emulated
from maas_core.profiles import forget_learned
from tests.families_2026 import FAMILIES, IDS


class Weather(BaseModel):
    """Weather in a city."""

    city: str = Field(description="City name")
    celsius: int


def get_weather(city: str) -> str:
    """Get the weather of a city."""
    return f"sunny in {city}"


@pytest.fixture(autouse=True)
def _nothing_learned() -> Iterator[None]:
    forget_learned()
    yield
    forget_learned()


def _model(emu: Emulator, platform: str, model: str, **kwargs: Any) -> ChatMaaS | ChatDashScope:
    common: dict[str, Any] = {"model": model, "api_key": emu.api_key, "max_retries": 0, **kwargs}
    if platform == "maas-v2":
        return ChatMaaS(base_url=emu.maas_v2_base_url, **common)
    base = emu.dashscope_base_url if platform == "native" else emu.dashscope_compatible_base_url
    return ChatDashScope(protocol=platform, base_url=base, **common)


def _posts(emu: Emulator) -> int:
    return sum(1 for r in emu.requests if r.method == "POST")


@pytest.mark.parametrize(("platform", "model", "thinks"), FAMILIES, ids=IDS)
def test_invoke_and_stream(emu: Emulator, platform: str, model: str, thinks: bool) -> None:
    llm = _model(emu, platform, model)
    answer = llm.invoke("hello")
    assert answer.content == "Echo: hello"
    assert bool(answer.additional_kwargs.get("reasoning_content")) is thinks
    chunks = list(llm.stream("hello"))
    full = sum(chunks[1:], chunks[0])
    assert isinstance(full, AIMessageChunk) and full.content == "Echo: hello"
    assert bool(full.additional_kwargs.get("reasoning_content")) is thinks
    assert full.usage_metadata is not None and full.usage_metadata["output_tokens"] > 0
    if platform == "native":  # the endpoint the model lives on; one repair at most, once
        spec = emulated.lookup(emulated.DASHSCOPE, model)
        assert spec is not None
        posts = [r.path for r in emu.requests if r.method == "POST"]
        assert posts[-1].endswith(f"/{spec.native_endpoint}-generation/generation")
        assert len(posts) == 2 + (model == "kimi-k2.6")  # unverified endpoint (A.9.1)


@pytest.mark.parametrize(("platform", "model", "thinks"), FAMILIES, ids=IDS)
async def test_async_invoke_and_stream(
    emu: Emulator, platform: str, model: str, thinks: bool
) -> None:
    llm = _model(emu, platform, model)
    answer = await llm.ainvoke("hello")
    streamed = "".join([str(c.content) async for c in llm.astream("hello")])
    assert answer.content == streamed == "Echo: hello"


@pytest.mark.parametrize(("platform", "model", "thinks"), FAMILIES, ids=IDS)
def test_structured_output_keeps_the_thinking(
    emu: Emulator, platform: str, model: str, thinks: bool
) -> None:
    weather = _model(emu, platform, model).with_structured_output(Weather).invoke(
        "weather in Paris"
    )
    assert isinstance(weather, Weather)
    for request in emu.requests:
        body = request.json or {}
        sent = body.get("parameters", body)
        assert sent.get("enable_thinking") is not False  # never switched off behind our back
        assert (body.get("thinking") or {}).get("type") != "disabled"


@pytest.mark.parametrize(("platform", "model", "thinks"), FAMILIES, ids=IDS)
def test_tool_calls(emu: Emulator, platform: str, model: str, thinks: bool) -> None:
    llm = _model(emu, platform, model).bind_tools([get_weather])
    answer = llm.invoke("weather in Paris?")
    assert [c["name"] for c in answer.tool_calls] == ["get_weather"]
    chunks = list(llm.stream("weather in Paris?"))
    full = sum(chunks[1:], chunks[0])
    assert isinstance(full, AIMessageChunk)
    assert [c["name"] for c in full.tool_calls] == ["get_weather"]


@pytest.mark.parametrize(("platform", "model", "thinks"), FAMILIES, ids=IDS)
def test_forced_tool_works_or_is_refused_before_sending(
    emu: Emulator, platform: str, model: str, thinks: bool
) -> None:
    llm = _model(emu, platform, model).bind_tools([get_weather], tool_choice="get_weather")
    before = _posts(emu)
    try:
        answer = llm.invoke("weather in Paris?")
    except UnsupportedParameterError as error:
        assert "enable_thinking=False" in str(error) or "only takes 'auto'" in str(error)
        assert _posts(emu) == before  # refused before sending
        return
    assert [c["name"] for c in answer.tool_calls] == ["get_weather"]


@pytest.mark.parametrize(
    ("platform", "model"),
    [("native", "qwen3.6-plus"), ("compatible", "glm-5.2"), ("native", "qwen3.8-max")],
)
def test_thinking_off_unlocks_json_schema_and_forced_tools(
    emu: Emulator, platform: str, model: str
) -> None:
    llm = _model(emu, platform, model, enable_thinking=False)
    weather = llm.with_structured_output(Weather).invoke("weather in Paris")
    assert isinstance(weather, Weather)
    sent = emu.requests[-1].json or {}
    assert sent.get("parameters", sent)["response_format"]["type"] == "json_schema"
    forced = llm.bind_tools([get_weather], tool_choice="get_weather").invoke("weather?")
    assert forced.tool_calls[0]["name"] == "get_weather"


def test_json_mode_while_thinking_by_default_is_refused_before_sending(emu: Emulator) -> None:
    llm = _model(emu, "native", "qwen3.7-plus").with_structured_output(
        Weather, method="json_mode"
    )
    with pytest.raises(UnsupportedParameterError, match="enable_thinking=False"):
        llm.invoke("weather in Paris, as json")
    assert _posts(emu) == 0


def test_reasoning_effort_reaches_deepseek_v4_only(emu: Emulator) -> None:
    llm = _model(emu, "native", "deepseek-v4-pro", reasoning_effort="xhigh",
                 enable_thinking=True)
    assert llm.invoke("hello").additional_kwargs["reasoning_content"]
    assert (emu.requests[-1].json or {})["parameters"]["reasoning_effort"] == "xhigh"
    with pytest.raises(UnsupportedParameterError, match="reasoning_effort"):
        _model(emu, "native", "qwen3.6-plus", reasoning_effort="high").invoke("hello")
    with pytest.raises(UnsupportedParameterError, match="reasoning_effort"):
        _model(emu, "maas-v2", "deepseek-v4-pro", reasoning_effort="high").invoke("hello")
    assert _posts(emu) == 1


def test_glm_53_on_maas_cannot_switch_thinking_off(emu: Emulator) -> None:
    with pytest.raises(UnsupportedParameterError, match="always thinks"):
        _model(emu, "maas-v2", "glm-5.3", enable_thinking=False).invoke("hello")
    assert _posts(emu) == 0


def test_maas_v2_thinking_switch(emu: Emulator) -> None:
    answer = _model(emu, "maas-v2", "glm-5.2", enable_thinking=False).invoke("hello")
    assert "reasoning_content" not in answer.additional_kwargs
    assert (emu.requests[-1].json or {})["thinking"] == {"type": "disabled"}


def test_tool_loop_keeps_its_reasoning_where_offered(emu: Emulator) -> None:
    from langchain_core.messages import HumanMessage, ToolMessage

    llm = _model(emu, "native", "qwen3.7-plus").bind_tools([get_weather])
    first = llm.invoke([HumanMessage("weather in Paris?")])
    call = first.tool_calls[0]
    history = [HumanMessage("weather in Paris?"), first,
               ToolMessage("sunny", tool_call_id=call["id"])]
    final = llm.invoke(history)
    assert "sunny" in str(final.content)
    sent = (emu.requests[-1].json or {})
    assert sent["parameters"]["preserve_thinking"] is True
    assistant = sent["input"]["messages"][1]
    assert assistant["reasoning_content"] == first.additional_kwargs["reasoning_content"]


@pytest.fixture
def future_qwen() -> Iterator[str]:
    """A Qwen generation no profile has seen, served on text-generation only."""
    import dataclasses

    from maas_core.emulator import models as emulated

    base = emulated.lookup(emulated.DASHSCOPE, "qwen3.8-flash")
    assert base is not None
    spec = dataclasses.replace(base, name="qwen4-plus", native_endpoint="text")
    with emulated.extra_model(emulated.DASHSCOPE, spec):
        yield spec.name


async def test_future_qwen_works_through_self_correction(emu: Emulator, future_qwen: str) -> None:
    llm = _model(emu, "native", future_qwen)
    answer = await llm.ainvoke("hello")
    assert answer.content == "Echo: hello" and answer.additional_kwargs["reasoning_content"]
    assert "".join(str(c.content) for c in llm.stream("hello")) == "Echo: hello"
    weather = llm.with_structured_output(Weather).invoke("weather in Paris")
    assert isinstance(weather, Weather)
    paths = [r.path.rsplit("/", 2)[-2] for r in emu.requests if r.method == "POST"]
    assert paths == ["multimodal-generation", "text-generation", "text-generation",
                     "text-generation"]
