"""Every 2026 family through LlamaIndex, both protocols, sync and async, stream and not: chat,
stream_chat, structured_predict and tool calls answer without a platform 400
(PROTOCOLS-2026 A.9, D.7)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage, ThinkingBlock
from llama_index.core.prompts import PromptTemplate
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel, Field

from llamaindex_maas import DashScope, MaaS, MaaSBaseLLM
from maas_core import UnsupportedParameterError
from maas_core.emulator import Emulator
from maas_core.profiles import forget_learned
from tests.families_2026 import FAMILIES, IDS


class Weather(BaseModel):
    """Weather in a city."""

    city: str = Field(description="City name")
    celsius: int


def get_weather(city: str) -> str:
    """Get the weather of a city."""
    return f"sunny in {city}"


TOOL = FunctionTool.from_defaults(fn=get_weather)
HELLO = [ChatMessage(role="user", content="hello")]
PROMPT = PromptTemplate("weather in {city}")


@pytest.fixture(autouse=True)
def _nothing_learned() -> Iterator[None]:
    forget_learned()
    yield
    forget_learned()


def _llm(emu: Emulator, platform: str, model: str, **kwargs: Any) -> MaaSBaseLLM:
    common: dict[str, Any] = {"api_key": emu.api_key, "max_retries": 0, **kwargs}
    if platform == "maas-v2":
        return MaaS(model=model, api_base=emu.maas_v2_base_url, **common)
    base = emu.dashscope_base_url if platform == "native" else emu.dashscope_compatible_base_url
    return DashScope(model=model, protocol=platform, api_base=base, **common)


def _posts(emu: Emulator) -> int:
    return sum(1 for r in emu.requests if r.method == "POST")


def _thinks(message: ChatMessage) -> bool:
    return any(isinstance(b, ThinkingBlock) and b.content for b in message.blocks)


@pytest.mark.parametrize(("platform", "model", "thinks"), FAMILIES, ids=IDS)
def test_chat_and_stream(emu: Emulator, platform: str, model: str, thinks: bool) -> None:
    llm = _llm(emu, platform, model)
    answer = llm.chat(HELLO)
    assert answer.message.content == "Echo: hello"
    assert _thinks(answer.message) is thinks
    last = list(llm.stream_chat(HELLO))[-1]
    assert last.message.content == "Echo: hello"
    assert _thinks(last.message) is thinks
    assert last.additional_kwargs["completion_tokens"] > 0


@pytest.mark.parametrize(("platform", "model", "thinks"), FAMILIES, ids=IDS)
async def test_async_chat_and_stream(
    emu: Emulator, platform: str, model: str, thinks: bool
) -> None:
    llm = _llm(emu, platform, model)
    answer = await llm.achat(HELLO)
    chunks = [c async for c in await llm.astream_chat(HELLO)]
    assert answer.message.content == chunks[-1].message.content == "Echo: hello"
    await llm.aclose()


@pytest.mark.parametrize(("platform", "model", "thinks"), FAMILIES, ids=IDS)
def test_structured_predict_keeps_the_thinking(
    emu: Emulator, platform: str, model: str, thinks: bool
) -> None:
    weather = _llm(emu, platform, model).structured_predict(Weather, PROMPT, city="Paris")
    assert isinstance(weather, Weather)
    for request in emu.requests:
        body = request.json or {}
        assert body.get("parameters", body).get("enable_thinking") is not False
        assert (body.get("thinking") or {}).get("type") != "disabled"


@pytest.mark.parametrize(("platform", "model", "thinks"), FAMILIES, ids=IDS)
async def test_astructured_predict(emu: Emulator, platform: str, model: str, thinks: bool):
    llm = _llm(emu, platform, model)
    weather = await llm.astructured_predict(Weather, PROMPT, city="Paris")
    assert isinstance(weather, Weather)
    await llm.aclose()


@pytest.mark.parametrize(("platform", "model", "thinks"), FAMILIES, ids=IDS)
def test_tool_calls(emu: Emulator, platform: str, model: str, thinks: bool) -> None:
    llm = _llm(emu, platform, model)
    response = llm.chat_with_tools([TOOL], user_msg="weather in Paris?")
    calls = llm.get_tool_calls_from_response(response)
    assert [c.tool_name for c in calls] == ["get_weather"]
    last = list(llm.stream_chat_with_tools([TOOL], user_msg="weather in Paris?"))[-1]
    assert [c.tool_name for c in llm.get_tool_calls_from_response(last)] == ["get_weather"]


@pytest.mark.parametrize(("platform", "model", "thinks"), FAMILIES, ids=IDS)
def test_tool_required_works_or_is_refused_before_sending(
    emu: Emulator, platform: str, model: str, thinks: bool
) -> None:
    llm = _llm(emu, platform, model)
    before = _posts(emu)
    try:
        response = llm.chat_with_tools([TOOL], user_msg="weather?", tool_required=True)
    except UnsupportedParameterError as error:
        assert "enable_thinking=False" in str(error) or "only takes 'auto'" in str(error)
        assert _posts(emu) == before
        return
    assert llm.get_tool_calls_from_response(response)[0].tool_name == "get_weather"


def test_tool_required_on_a_thinking_default_model_names_the_fix(emu: Emulator) -> None:
    llm = _llm(emu, "native", "qwen3.6-plus")
    with pytest.raises(UnsupportedParameterError, match="enable_thinking=False"):
        llm.chat_with_tools([TOOL], user_msg="weather?", tool_required=True)
    off = _llm(emu, "native", "qwen3.6-plus", enable_thinking=False)
    response = off.chat_with_tools([TOOL], user_msg="weather?", tool_required=True)
    assert off.get_tool_calls_from_response(response)[0].tool_name == "get_weather"
    assert _posts(emu) == 1


def test_reasoning_effort_and_preserve_thinking(emu: Emulator) -> None:
    llm = _llm(emu, "compatible", "deepseek-v4-flash", reasoning_effort="low",
               enable_thinking=True)
    assert _thinks(llm.chat(HELLO).message)
    assert (emu.requests[-1].json or {})["reasoning_effort"] == "low"
    kimi = _llm(emu, "native", "kimi-k2.6", preserve_thinking=True)
    kimi.chat(HELLO)
    assert (emu.requests[-1].json or {})["parameters"]["preserve_thinking"] is True
    with pytest.raises(UnsupportedParameterError, match="preserve_thinking"):
        _llm(emu, "maas-v2", "glm-5.2", preserve_thinking=True).chat(HELLO)


@pytest.fixture
def future_qwen() -> Iterator[str]:
    """A Qwen generation no profile has seen, served on text-generation only."""
    import dataclasses

    from maas_core.emulator import models as emulated

    base = emulated.lookup(emulated.DASHSCOPE, "qwen3.8-flash")
    assert base is not None
    spec = dataclasses.replace(base, name="qwen3.9-plus", native_endpoint="text")
    with emulated.extra_model(emulated.DASHSCOPE, spec):
        yield spec.name


def test_future_qwen_works_through_self_correction(emu: Emulator, future_qwen: str) -> None:
    llm = _llm(emu, "native", future_qwen)
    assert list(llm.stream_chat(HELLO))[-1].message.content == "Echo: hello"
    assert llm.chat(HELLO).message.content == "Echo: hello"
    assert isinstance(llm.structured_predict(Weather, PROMPT, city="Paris"), Weather)
    paths = [r.path.rsplit("/", 2)[-2] for r in emu.requests if r.method == "POST"]
    assert paths == ["multimodal-generation", *["text-generation"] * 3]
