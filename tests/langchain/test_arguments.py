"""Arguments are never silently dropped; logprobs where the platform returns them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from langchain_maas import ChatDashScope, ChatMaaS
from maas_core import ChatClient, ChatRequest, Message, UnsupportedParameterError
from maas_core.arguments import UnknownArgumentWarning
from maas_core.emulator import Emulator

pytestmark = pytest.mark.emulator

Make = Callable[..., ChatMaaS | ChatDashScope]


def test_misspelt_argument_warns_and_moves_to_model_kwargs(make_model: Make,
                                                           emu: Emulator) -> None:
    with pytest.warns(UnknownArgumentWarning, match=r"'temprature'.*did you mean 'temperature'"):
        llm = make_model("maas", "DeepSeek-V3", temprature=0.1)
    assert llm.model_kwargs == {"temprature": 0.1} and llm.temperature is None
    with pytest.raises(Exception, match=r"extra_forbidden.*temprature"):  # MaaS refuses it
        llm.invoke("hi")


@pytest.mark.parametrize("platform", ["native", "compatible"])
def test_unknown_argument_reaches_the_body(make_model: Make, emu: Emulator,
                                           platform: str) -> None:
    with pytest.warns(UnknownArgumentWarning):
        llm = make_model(platform, "qwen-plus", enable_search=True)
    emu.requests.clear()
    llm.invoke("hi")
    body = emu.requests[-1].json
    sent = body["parameters"] if platform == "native" else body
    assert sent["enable_search"] is True


def test_declared_arguments_and_aliases_do_not_warn(make_model: Make) -> None:
    llm = make_model("maas", "DeepSeek-V3", max_completion_tokens=5, request_timeout=3,
                     tags=["t"], model_kwargs={"top_k": 3})
    assert llm.max_tokens == 5 and llm.model_kwargs == {"top_k": 3}


def test_same_argument_twice_is_refused(make_model: Make) -> None:
    with pytest.raises(ValueError, match="given both directly and in model_kwargs"):
        make_model("maas", "DeepSeek-V3", foo=1, model_kwargs={"foo": 2})


def test_unknown_call_keyword_reaches_the_body(make_model: Make, emu: Emulator) -> None:
    llm = make_model("native", "qwen-plus")
    emu.requests.clear()
    llm.invoke("hi", repetition_penalty=1.05)
    assert emu.requests[-1].json["parameters"]["repetition_penalty"] == 1.05


@pytest.mark.parametrize(("platform", "model"), [
    ("maas", "DeepSeek-V3"), ("native", "qwen-plus"), ("compatible", "qwen-plus")])
def test_logprobs_in_response_metadata(make_model: Make, platform: str, model: str) -> None:
    llm = make_model(platform, model, logprobs=True, top_logprobs=2)
    message = llm.invoke("hi there")
    content: list[dict[str, Any]] = message.response_metadata["logprobs"]["content"]
    assert "".join(t["token"] for t in content) == message.content == "Echo: hi there"
    assert all(len(t["top_logprobs"]) == 2 for t in content)
    assert "logprobs" not in make_model(platform, model).invoke("hi").response_metadata


@pytest.mark.parametrize(("platform", "model"), [
    ("maas", "DeepSeek-V3"), ("native", "qwen-plus"), ("compatible", "qwen-plus")])
def test_logprobs_when_streaming(make_model: Make, platform: str, model: str) -> None:
    llm = make_model(platform, model, logprobs=True, top_logprobs=1)
    chunks = list(llm.stream("hi there"))
    assert all("logprobs" in c.response_metadata for c in chunks if c.content)
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged += chunk
    content = merged.response_metadata["logprobs"]["content"]
    assert [t["token"] for t in content] == ["Echo:", " hi", " there"]
    assert all(len(t["top_logprobs"]) == 1 for t in content)
    whole = llm.invoke("hi there", stream=True)  # generate from the stream: same tokens
    assert whole.response_metadata["logprobs"]["content"] == content


def test_logprobs_refused_where_the_platform_has_none(emu: Emulator) -> None:
    client = ChatClient("fabric", base_url=f"{emu.url}/v1/workspaces/w/services/instances/"
                                           "i/invocations")
    request = ChatRequest(model="m", messages=(Message(role="user", content="hi"),),
                          logprobs=True)
    with pytest.raises(UnsupportedParameterError, match="does not accept logprobs"):
        client.chat(request)
    assert not [r for r in emu.requests if "invocations" in r.path]  # refused before sending


def test_warning_points_at_the_users_line() -> None:
    with pytest.warns(UnknownArgumentWarning) as record:
        ChatMaaS(model="DeepSeek-V3", api_key="sk-x", temprature=0.1)
    assert record[0].filename == __file__
