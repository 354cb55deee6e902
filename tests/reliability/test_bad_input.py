"""Bad input refused before sending: keys with stray characters, plain-HTTP keys, bad requests."""

from __future__ import annotations

import json
import warnings

import httpx
import pytest

from langchain_maas import ChatMaaS
from llamaindex_maas import MaaS
from maas_core import (
    BadRequestError,
    ChatClient,
    ChatRequest,
    ImagePart,
    Message,
    TextPart,
    ToolSpec,
    UnsupportedParameterError,
)
from maas_core.emulator.state import REQUEST_LOG_SIZE, RecordedRequest

from ._clients import BASES, call, chat_calls, client, make, request

pytestmark = pytest.mark.emulator


@pytest.mark.parametrize("padding", ["\n", "\r\n", " ", "\t\n"])
@pytest.mark.parametrize("platform", ["maas", "dashscope"])
def test_a_key_with_surrounding_whitespace_works(emu, platform, padding):
    chat = ChatClient(platform, api_key=padding + emu.api_key + padding,
                      base_url=getattr(emu, BASES[platform]))
    model = "DeepSeek-V3" if platform == "maas" else "qwen-max"
    assert "hello there" in chat.chat(request(model)).message.content
    assert emu.requests[-1].headers["authorization"] == f"Bearer {emu.api_key}"


def test_a_key_with_inner_control_characters_is_refused_without_echo(emu):
    secret = "sk-abc123\nsecret-tail"
    with pytest.raises(UnsupportedParameterError, match="API key") as info:
        ChatClient("maas", api_key=secret, base_url=emu.maas_base_url)
    assert "abc123" not in str(info.value) and "secret-tail" not in str(info.value)
    with pytest.raises(UnsupportedParameterError, match="X-Trace") as info:
        client(emu).chat(ChatRequest(model="DeepSeek-V3", messages=(Message("user", "hi"),),
                                     extra_headers={"X-Trace": "tok-123\r\nInjected: 1"}))
    assert "tok-123" not in str(info.value) and chat_calls(emu) == 0


def test_adapters_strip_the_key_too(emu):
    lc = ChatMaaS(model="DeepSeek-V3", api_key=emu.api_key + "\n", base_url=emu.maas_base_url)
    assert "Echo: hi" in lc.invoke("hi").content
    li = MaaS(model="DeepSeek-V3", api_key=emu.api_key + "\n", api_base=emu.maas_base_url)
    assert "Echo: hi" in li.complete("hi").text


def test_plain_http_to_another_host_warns_once():
    with pytest.warns(UserWarning, match="unencrypted") as record:
        ChatClient("maas", api_key="sk-x", base_url="http://maas.internal.example/v1")
    assert len(record) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ChatClient("maas", api_key="sk-x", base_url="http://maas.internal.example/v1")
        ChatClient("maas", api_key="sk-x", base_url="http://127.0.0.1:9/v1")
        ChatClient("maas", api_key="sk-x", base_url="http://localhost:9/v1")
        ChatClient("maas", api_key="sk-x", base_url="https://maas.example/v1")
        with httpx.Client() as own:  # a caller's own client: their network, their call
            ChatClient("maas", api_key="sk-x", base_url="http://other.example/v1",
                       http_client=own)


BAD = {
    "temperature": ({"temperature": 5.0}, "temperature"),
    "negative-temperature": ({"temperature": -0.1}, "temperature"),
    "max_tokens": ({"max_tokens": 0}, "max_tokens"),
    "top_p": ({"top_p": 0.0}, "top_p"),
    "empty": ({"messages": ()}, "messages"),
    "tool": ({"tools": (ToolSpec("f", parameters={"type": "string"}),)}, "tool 'f'"),
    "tool-list": ({"tools": (ToolSpec("g", parameters=["x"]),)}, "tool 'g'"),  # type: ignore[arg-type]
    "image": ({"messages": (Message("user", (TextPart("see"), ImagePart("cat.png"))),)},
              "image url"),
}


@pytest.mark.parametrize("mode", ["chat", "astream"])
@pytest.mark.parametrize("name", list(BAD))
async def test_obvious_bad_input_is_refused_before_sending(emu, mode, name):
    fields, named = BAD[name]
    req = ChatRequest(**{"model": "DeepSeek-V3", "messages": (Message("user", "hi"),), **fields})
    with pytest.raises(UnsupportedParameterError, match=named):
        await call(make(emu, mode), mode, req)
    assert chat_calls(emu) == 0


def test_adapters_refuse_bad_input_typed(emu):
    lc = ChatMaaS(model="DeepSeek-V3", api_key=emu.api_key, base_url=emu.maas_base_url,
                  temperature=9.0)
    with pytest.raises(UnsupportedParameterError, match="temperature"):
        lc.invoke("hi")
    li = MaaS(model="DeepSeek-V3", api_key=emu.api_key, api_base=emu.maas_base_url)
    with pytest.raises(UnsupportedParameterError, match="messages"):
        li.chat([])
    assert chat_calls(emu) == 0


@pytest.mark.parametrize(
    ("platform", "path", "body"),
    [
        ("maas", "/chat/completions", {"model": "DeepSeek-V3", "messages": []}),
        ("maas", "/chat/completions",
         {"model": "DeepSeek-V3", "messages": [{"role": "user", "content": "x"}],
          "max_tokens": 0}),
        ("dashscope-compatible", "/chat/completions", {"model": "qwen-max", "messages": []}),
        ("dashscope", "/services/aigc/text-generation/generation",
         {"model": "qwen-max", "input": {"messages": []}}),
    ],
)
def test_the_emulator_rejects_them_too(emu, platform, path, body):
    response = httpx.post(getattr(emu, BASES[platform]) + path, json=body,
                          headers={"Authorization": f"Bearer {emu.api_key}"})
    assert response.status_code == 400, response.text


def test_the_emulator_request_log_is_bounded(emu):
    emu.requests.clear()
    recorded = RecordedRequest("POST", "/v1/chat/completions", {}, {"messages": []}, b"x" * 2800)
    for _ in range(REQUEST_LOG_SIZE + 20):
        emu.state.record(recorded)
    httpx.get(emu.maas_base_url + "/models", headers={"Authorization": f"Bearer {emu.api_key}"})
    assert len(emu.requests) == REQUEST_LOG_SIZE
    assert emu.requests[-1].path.endswith("/models")  # the newest kept, the oldest dropped


def test_the_client_reads_the_emulator_rejection(emu):
    body = {"model": "DeepSeek-V3", "messages": []}
    response = httpx.post(emu.maas_base_url + "/chat/completions", json=body,
                          headers={"Authorization": f"Bearer {emu.api_key}"})
    assert json.loads(response.text)["error_code"] == "ModelArts.81001"
    with pytest.raises(BadRequestError):  # what a request that skipped our checks would get
        client(emu).transport.request_json("POST", "/chat/completions", json=body)
