"""Arguments are never silently dropped; logprobs where the platform returns them."""

from __future__ import annotations

import pytest
from llama_index.core.llms import ChatMessage

from maas_core.arguments import UnknownArgumentWarning
from maas_core.emulator import Emulator

from .conftest import Factory

pytestmark = pytest.mark.emulator

HI = [ChatMessage(role="user", content="hi there")]


def test_misspelt_argument_warns_and_moves_to_additional_kwargs(make: Factory) -> None:
    with pytest.warns(UnknownArgumentWarning, match=r"'temprature'.*did you mean 'temperature'"):
        llm = make("maas", "DeepSeek-V3", temprature=0.1)
    assert llm.additional_kwargs == {"temprature": 0.1} and llm.temperature is None
    with pytest.raises(Exception, match=r"extra_forbidden.*temprature"):  # MaaS refuses it
        llm.chat(HI)


def test_unknown_argument_reaches_the_body(make: Factory, emu: Emulator) -> None:
    with pytest.warns(UnknownArgumentWarning):
        llm = make("dashscope", "qwen-plus", enable_search=True)
    emu.requests.clear()
    llm.chat(HI)
    assert emu.requests[-1].json["parameters"]["enable_search"] is True


def test_declared_arguments_do_not_warn(make: Factory) -> None:
    llm = make("maas", "DeepSeek-V3", base_url=None, context_window=1000,
               additional_kwargs={"top_k": 2})
    assert llm.context_window == 1000 and llm.additional_kwargs == {"top_k": 2}


@pytest.mark.parametrize(("kind", "model", "protocol"), [
    ("maas", "DeepSeek-V3", None), ("dashscope", "qwen-plus", "native"),
    ("dashscope", "qwen-plus", "compatible")])
def test_logprobs_on_chat_response(make: Factory, kind: str, model: str,
                                   protocol: str | None) -> None:
    response = make(kind, model, protocol, logprobs=True, top_logprobs=2).chat(HI)
    assert response.logprobs is not None
    assert "".join(alternatives[0].token for alternatives in response.logprobs) == (
        "Echo: hi there")
    assert all(len(alternatives) == 2 for alternatives in response.logprobs)
    assert make(kind, model, protocol).chat(HI).logprobs is None


@pytest.mark.parametrize(("kind", "model", "protocol"), [
    ("maas", "DeepSeek-V3", None), ("dashscope", "qwen-plus", "native")])
def test_logprobs_when_streaming(make: Factory, kind: str, model: str,
                                 protocol: str | None) -> None:
    chunks = list(make(kind, model, protocol, logprobs=True).stream_chat(HI))
    tokens = [c.logprobs[0][0].token for c in chunks if c.logprobs]
    assert tokens == ["Echo:", " hi", " there"]


def test_warning_points_at_the_users_line() -> None:
    from llamaindex_maas import MaaS

    with pytest.warns(UnknownArgumentWarning) as record:
        MaaS(model="DeepSeek-V3", api_key="sk-x", temprature=0.1)
    assert record[0].filename == __file__
