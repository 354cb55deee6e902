"""Usage accounting, instrumentation, serialisation, metadata, construction and discovery hooks."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.bridge.pydantic import Field
from llama_index.core.callbacks import CallbackManager, TokenCountingHandler
from llama_index.core.instrumentation import get_dispatcher
from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index.core.instrumentation.events.llm import (
    LLMChatEndEvent,
    LLMChatInProgressEvent,
    LLMChatStartEvent,
    LLMCompletionEndEvent,
)

import llamaindex_maas
from llamaindex_maas import DashScope, MaaS
from maas_core import MissingCredentialsError
from maas_core.endpoint import Endpoint

USER = [ChatMessage(role="user", content="hello")]


def counted(llm: Any) -> TokenCountingHandler:
    counter = TokenCountingHandler(tokenizer=lambda text: text.split())
    llm.callback_manager = CallbackManager([counter])
    return counter


@pytest.mark.emulator
@pytest.mark.parametrize(
    ("kind", "model", "protocol", "quirks"),
    [
        ("maas", "DeepSeek-R1", None, ""),
        ("maas", "DeepSeek-R1", None, "usage=final"),
        ("maas", "DeepSeek-R1", None, "usage=finish"),
        ("dashscope", "qwen-plus", "native", ""),
        ("dashscope", "qwen-plus", "compatible", ""),
    ],
)
async def test_token_counting_equals_platform_usage(make, kind, model, protocol, quirks) -> None:
    headers = {"X-Emulator-Quirks": quirks} if quirks else None
    llm = make(kind, model, protocol, enable_thinking=True, default_headers=headers)
    counter = counted(llm)
    expected = llm.chat(USER).additional_kwargs
    list(llm.stream_chat(USER))
    await llm.acomplete("hello")
    [c async for c in await llm.astream_complete("hello")]
    assert len(counter.llm_token_counts) == 4  # exactly once per call, streams included
    assert counter.prompt_llm_token_count == 4 * expected["prompt_tokens"]
    assert counter.completion_llm_token_count == 4 * expected["completion_tokens"]
    assert counter.total_llm_token_count == 4 * expected["total_tokens"]


@pytest.mark.emulator
def test_usage_details(make) -> None:
    llm = make("maas", "DeepSeek-R1", default_headers={"X-Emulator-Quirks": "usage_details"})
    usage = llm.chat(USER).additional_kwargs
    assert usage["reasoning_tokens"] > 0
    assert "cached_tokens" in usage


class Recorder(BaseEventHandler):
    events: list[Any] = Field(default_factory=list)

    @classmethod
    def class_name(cls) -> str:
        return "Recorder"

    def handle(self, event: Any, **kwargs: Any) -> None:
        self.events.append(event)


@pytest.mark.emulator
async def test_instrumentation_events_fire(make) -> None:
    recorder = Recorder()
    dispatcher = get_dispatcher()
    dispatcher.add_event_handler(recorder)
    try:
        llm = make("maas", "DeepSeek-R1")
        llm.chat(USER)
        chunks = [c async for c in await llm.astream_chat(USER)]
        llm.complete("hello")
    finally:
        dispatcher.event_handlers.remove(recorder)
    kinds = [type(e) for e in recorder.events]
    assert kinds.count(LLMChatStartEvent) == 2
    assert kinds.count(LLMChatEndEvent) == 2
    assert kinds.count(LLMChatInProgressEvent) == len(chunks)
    assert kinds.count(LLMCompletionEndEvent) == 1
    payloads = [json.dumps(e.model_dict) for e in recorder.events if hasattr(e, "model_dict")]
    assert payloads and all("sk-" not in p for p in payloads)


def test_to_dict_has_no_secret() -> None:
    llm = MaaS(
        model="DeepSeek-V3",
        api_key="sk-very-secret",
        default_headers={"X-Auth-Token": "tok-secret"},
        temperature=0.1,
    )
    for text in (
        json.dumps(llm.to_dict()),
        llm.to_json(),
        repr(llm),
        str(llm),
        # to_payload() exists only in newer llama-index-core releases
        *([json.dumps(llm.to_payload())] if hasattr(llm, "to_payload") else []),
    ):
        assert "very-secret" not in text and "tok-secret" not in text
    data = llm.to_dict()
    assert data["class_name"] == "MaaS_LLM"
    assert data["model"] == "DeepSeek-V3" and data["temperature"] == 0.1
    assert DashScope(model="qwen-plus", api_key="sk-x").to_dict()["class_name"] == "DashScope_LLM"


def test_round_trip_from_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAAS_API_KEY", "sk-env")
    llm = MaaS(model="DeepSeek-V3", api_key="sk-env", temperature=0.5)
    again = MaaS.from_dict(llm.to_dict())
    assert again.temperature == 0.5 and again.model == "DeepSeek-V3"


@pytest.mark.parametrize(
    ("cls", "model", "window", "calling", "reasoning_default"),
    [
        (MaaS, "DeepSeek-V3", 65536, True, False),
        (MaaS, "DeepSeek-R1", 65536, True, True),
        (MaaS, "qwen3-32b", 131072, False, True),
        (MaaS, "some-unknown-model", 131072, True, False),
        (DashScope, "qwen-plus", 131072, True, False),
        (DashScope, "qvq-max", 131072, False, True),
    ],
)
def test_metadata_from_profile(cls, model, window, calling, reasoning_default) -> None:
    llm = cls(model=model, api_key="sk-x")
    meta = llm.metadata
    assert meta.is_chat_model and meta.model_name == model
    assert meta.context_window == window
    assert meta.is_function_calling_model is calling
    assert meta.num_output == llm.profile.max_output
    assert llm.profile.thinking_on(None) is reasoning_default


def test_metadata_overrides() -> None:
    llm = MaaS(
        model="qwen3-32b",
        api_key="sk-x",
        context_window=4096,
        max_tokens=100,
        is_function_calling_model=True,
    )
    meta = llm.metadata
    assert (meta.context_window, meta.num_output, meta.is_function_calling_model) == (
        4096,
        100,
        True,
    )


def test_credentials_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAAS_API_KEY", raising=False)
    monkeypatch.delenv("DASHSCOPE_API_KEY", raising=False)
    with pytest.raises(MissingCredentialsError, match="MAAS_API_KEY"):
        MaaS(model="DeepSeek-V3")
    with pytest.raises(MissingCredentialsError, match="DASHSCOPE_API_KEY"):
        DashScope(model="qwen-plus")
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-env")
    assert DashScope(model="qwen-plus").api_key is None  # read by the client, not stored


@pytest.mark.emulator
def test_env_base_url_and_key(monkeypatch: pytest.MonkeyPatch, emu) -> None:
    monkeypatch.setenv("MAAS_API_KEY", emu.api_key)
    monkeypatch.setenv("MAAS_BASE_URL", emu.maas_base_url)
    llm = MaaS(model="DeepSeek-V3")
    assert llm.chat(USER).message.content == "Echo: hello"
    llm.close()


@pytest.mark.emulator
def test_base_url_alias_and_http_client(emu) -> None:
    import httpx

    with httpx.Client() as http:
        llm = MaaS(
            model="DeepSeek-V3", base_url=emu.maas_base_url, api_key=emu.api_key, http_client=http
        )
        assert llm.api_base == emu.maas_base_url
        assert llm.complete("hello").text == "Echo: hello"


@pytest.mark.emulator
def test_additional_kwargs_reach_the_request(make, emu) -> None:
    llm = make("dashscope", "qwen-plus", additional_kwargs={"seed": 3, "top_k": 5})
    llm.chat(USER)
    parameters = emu.requests[-1].json["parameters"]
    assert parameters["seed"] == 3 and parameters["top_k"] == 5


@pytest.mark.emulator
@pytest.mark.parametrize("protocol", ["native", "compatible"])
async def test_from_endpoint(emu, opened, protocol: str) -> None:
    base = emu.dashscope_base_url if protocol == "native" else emu.dashscope_compatible_base_url
    endpoint = Endpoint(
        platform="dashscope",
        base_url=base,
        model="qwen-max",
        source="deployment",
        protocol=protocol,  # type: ignore[arg-type]
        workspace="ws-1",
    )
    llm = DashScope.from_endpoint(endpoint, api_key=emu.api_key)
    opened.append(llm)
    assert (llm.protocol, llm.workspace, llm.api_base) == (protocol, "ws-1", base)
    assert (await llm.achat(USER)).message.content == "Echo: hello"
    assert emu.requests[-1].headers.get("x-dashscope-workspace") == "ws-1"
    maas = MaaS.from_endpoint(
        Endpoint(
            platform="maas",
            base_url=emu.maas_service_base_url("svc-9"),
            model="m",
            source="service",
        ),
        api_key=emu.api_key,
        model="DeepSeek-R1-Distill-Qwen-1.5B",
    )
    opened.append(maas)
    assert maas.chat(USER).message.blocks[0].block_type == "thinking"
    with pytest.raises(ValueError, match="dashscope"):
        MaaS.from_endpoint(endpoint, api_key="sk-x")


def test_public_surface() -> None:
    assert llamaindex_maas.__all__ == sorted(llamaindex_maas.__all__)
    assert {"MaaS", "DashScope"} <= set(llamaindex_maas.__all__)
    assert MaaS.class_name() == "MaaS_LLM"


def test_import_does_not_load_langchain() -> None:
    code = "import sys, llamaindex_maas; print('langchain_core' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
