"""The framework hooks answer through the emulator: ``ChatMaaS.discover`` / ``MaaS.discover``
resolve a "My Services" service by its description and chat with it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from maas_core.auth import IAMTokenAuth
from maas_core.emulator import Emulator

pytestmark = pytest.mark.emulator

NAME = "DeepSeek-R1-Distill-Qwen-1.5B"


@pytest.fixture
def discovery(emu: Emulator, iam: IAMTokenAuth, where: dict[str, Any]) -> dict[str, Any]:
    return {"huawei_auth": iam, **where}


def test_langchain_chat_maas_discover(emu: Emulator, discovery: dict[str, Any]) -> None:
    chat_models = pytest.importorskip("langchain_maas.chat_models")
    with httpx.Client() as http:  # our own pool, closed here (not the process-wide one)
        model = chat_models.ChatMaaS.discover(NAME, api_key=emu.api_key,
                                              base_url=emu.maas_base_url, discovery=discovery,
                                              http_client=http)
        assert model.model == NAME and "/v1/infers/" in str(model.base_url)
        answer = model.invoke("hello")
    assert answer.content
    assert any(r.path.endswith("/v1/chat/completions") and "/v1/infers/" in r.path
               for r in emu.requests)


def test_llamaindex_maas_discover(emu: Emulator, discovery: dict[str, Any]) -> None:
    llms = pytest.importorskip("llamaindex_maas")
    llm = llms.MaaS.discover(NAME, api_key=emu.api_key,
                             discovery={"base_url": emu.maas_base_url, **discovery})
    try:
        assert llm.model == NAME
        assert llm.complete("hello").text
    finally:
        llm.close()
    assert any("/v1/infers/" in r.path and r.path.endswith("/chat/completions")
               for r in emu.requests)


@pytest.mark.parametrize("protocol", ["native", "compatible"])
def test_langchain_chat_dashscope_discover_deployment(emu: Emulator, protocol: str) -> None:
    """A RUNNING deployment is called by its ``deployed_model`` name (PROTOCOLS.md C)."""
    chat_models = pytest.importorskip("langchain_maas.chat_models")
    with httpx.Client() as http:
        model = chat_models.ChatDashScope.discover(
            "qwen-plus-2025-12-01-b6d61c71", api_key=emu.api_key,
            base_url=emu.dashscope_base_url, protocol=protocol,
            discovery={"protocol": protocol}, http_client=http)
        assert model.model == "qwen-plus-2025-12-01-b6d61c71"
        answer = model.invoke("hello")
    assert answer.content == "Echo: hello"



def test_fabric_instance_answers_through_core_client(
    emu: Emulator, iam: IAMTokenAuth, where: dict[str, Any]
) -> None:
    """A resolved Fabric instance is called at its invocation URL with Huawei auth (D.8)."""
    from maas_core import ChatClient, ChatRequest, Message
    from maas_core.discovery import resolve

    endpoint = resolve("qwen2-72b-svc", "fabric", huawei_auth=iam,
                       workspace_id=emu.management.config.fabric_workspace, **where)
    request = ChatRequest(model=endpoint.model, messages=(Message("user", "hello"),))
    with ChatClient("fabric", base_url=endpoint.base_url, auth=iam) as client:
        answer = client.chat(request).message.content
        streamed = "".join(d.content for d in client.stream(request))
    assert answer and streamed.strip() == answer
    sent = [r.json for r in emu.requests if r.path.endswith("/invocations")]
    assert len(sent) == 2 and all(set(body) <= {"model", "messages", "stream"} for body in sent)
