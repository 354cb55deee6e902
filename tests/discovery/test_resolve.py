"""resolve / aresolve on every platform: exact, case-insensitive, by name or description,
RUNNING preferred, ambiguous, stopped and missing names; the endpoints answer."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from maas_core import ChatClient, ChatRequest, Message
from maas_core.auth import IAMTokenAuth
from maas_core.discovery import (
    AmbiguousNameError,
    NameNotFoundError,
    aresolve,
    resolve,
)
from maas_core.emulator import Emulator
from maas_core.emulator.management import ManagementConfig
from maas_core.endpoint import Endpoint
from maas_core.errors import NotFoundError

pytestmark = pytest.mark.emulator


@pytest.fixture(params=["sync", "async"])
def find(request: pytest.FixtureRequest) -> Any:
    async def run(name: str, platform: str = "maas", **kwargs: Any) -> Endpoint:
        if request.param == "sync":
            return resolve(name, platform, **kwargs)  # type: ignore[arg-type]
        return await aresolve(name, platform, **kwargs)  # type: ignore[arg-type]

    return run


@pytest.fixture
def maas(emu: Emulator, iam: IAMTokenAuth, where: dict[str, Any]) -> dict[str, Any]:
    return {"api_key": emu.api_key, "base_url": emu.maas_base_url, "huawei_auth": iam, **where}


@pytest.fixture
def fabric(iam: IAMTokenAuth, mcfg: ManagementConfig, where: dict[str, Any]) -> dict[str, Any]:
    return {"huawei_auth": iam, "workspace_id": mcfg.fabric_workspace, **where}


@pytest.fixture
def dashscope(emu: Emulator) -> dict[str, Any]:
    return {"api_key": emu.api_key, "base_url": emu.dashscope_base_url}


# ---- MaaS ---------------------------------------------------------------------------------------
async def test_maas_exact_and_case_insensitive_served_names(find: Any, maas: dict[str, Any],
                                                            emu: Emulator) -> None:
    exact = await find("DeepSeek-R1", **maas)
    assert exact == Endpoint(platform="maas", base_url=emu.maas_base_url, model="DeepSeek-R1",
                             source="models", name="DeepSeek-R1")
    folded = await find("deepseek-v3", **maas)  # served as "DeepSeek-V3"
    assert folded.model == "DeepSeek-V3"
    # an exact served name beats the service named "DeepSeek-R1-prod" (a substring match)
    assert (await find("deepseek-r1-250528", **maas)).model == "deepseek-r1-250528"


async def test_maas_my_service_by_description_reads_served_name(
        find: Any, maas: dict[str, Any], emu: Emulator) -> None:
    endpoint = await find("DeepSeek-R1-Distill-Qwen-1.5B", **maas)
    assert endpoint.source == "service" and endpoint.status == "RUNNING"
    assert endpoint.name == "dpsk-distill-1-5b" and endpoint.id
    assert endpoint.base_url == emu.maas_service_base_url(endpoint.id)
    assert endpoint.model == "DeepSeek-R1-Distill-Qwen-1.5B"
    assert any(r.path == f"/v1/infers/{endpoint.id}/v1/models" for r in emu.requests)
    by_name = await find("DPSK-DISTILL-1-5B", **maas)  # service name, other case
    assert by_name.id == endpoint.id


async def test_maas_stopped_candidate_is_explained(find: Any, maas: dict[str, Any]) -> None:
    with pytest.raises(NameNotFoundError) as info:
        await find("dpsk-v3_2", **maas)
    error = info.value
    assert isinstance(error, NotFoundError) and error.status == 404
    assert error.provider == "huawei-maas"
    assert "found `dpsk-v3_2` (service) but it is STOPPED" in str(error)
    assert [c.label for c in error.rejected] == ["dpsk-v3_2"]
    assert "deepseek-v3.2" in error.suggestions


async def test_maas_ambiguous_name(find: Any, maas: dict[str, Any]) -> None:
    with pytest.raises(AmbiguousNameError) as info:
        await find("qwen3-32b chat", **maas)
    assert sorted(c.label for c in info.value.candidates) == ["qwen3-chat-a", "qwen3-chat-b"]
    assert "qwen3-chat-a" in str(info.value)


async def test_maas_missing_name_lists_closest(find: Any, maas: dict[str, Any]) -> None:
    with pytest.raises(NameNotFoundError) as info:
        await find("DeepSeek-R2", **maas)
    assert "DeepSeek-R1" in info.value.suggestions
    assert "closest names: " in str(info.value)


async def test_maas_without_huawei_credentials_says_services_skipped(
        find: Any, emu: Emulator) -> None:
    endpoint = await find("qwen3-32b", api_key=emu.api_key, base_url=emu.maas_base_url)
    assert endpoint.model == "qwen3-32b"
    with pytest.raises(NameNotFoundError) as info:
        await find("dpsk-distill-1-5b", api_key=emu.api_key, base_url=emu.maas_base_url)
    assert "My Services not searched" in str(info.value)
    assert "HUAWEICLOUD_SDK_PROJECT_ID" in str(info.value)
    with pytest.raises(NameNotFoundError, match="HUAWEICLOUD_SDK_AK"):
        await find("dpsk-distill-1-5b", api_key=emu.api_key, base_url=emu.maas_base_url,
                   project_id="p")


def test_resolved_service_answers(maas: dict[str, Any], emu: Emulator) -> None:
    endpoint = resolve("DeepSeek-R1-Distill-Qwen-1.5B", **maas)
    with ChatClient("maas", api_key=emu.api_key, **endpoint.client_kwargs()) as client:
        result = client.chat(ChatRequest(model=endpoint.model,
                                         messages=(Message("user", "hi"),)))
    assert result.message.text


# ---- DashScope ----------------------------------------------------------------------------------
async def test_dashscope_by_model_name_and_protocol(find: Any, dashscope: dict[str, Any],
                                                    emu: Emulator) -> None:
    native = await find("qwen-plus", "dashscope", **dashscope)
    assert native.model == "qwen-plus-2025-12-01-b6d61c71" and native.source == "deployment"
    assert native.base_url == emu.dashscope_base_url and native.protocol == "native"
    assert native.workspace == "llm-emulator" and native.status == "RUNNING"
    compat = await find("QWEN-PLUS-2025-12-01-B6D61C71", "dashscope", protocol="compatible",
                        **dashscope)
    assert compat.base_url == emu.dashscope_compatible_base_url
    assert compat.protocol == "compatible" and compat.model == native.model


async def test_dashscope_stopped_ambiguous_and_missing(find: Any,
                                                       dashscope: dict[str, Any]) -> None:
    with pytest.raises(NameNotFoundError, match=r"found `qwen-max-0a1b2c3d` .* STOPPED"):
        await find("qwen-max", "dashscope", **dashscope)
    with pytest.raises(AmbiguousNameError):  # six RUNNING fine-tunes of qwen-turbo
        await find("qwen-turbo", "dashscope", **dashscope)
    endpoint = await find("qwen-turbo-ft-01", "dashscope", **dashscope)
    assert endpoint.model == "qwen-turbo-ft-01"
    with pytest.raises(NameNotFoundError) as info:
        await find("qwen-plux", "dashscope", **dashscope)
    assert info.value.provider == "dashscope" and "qwen-plus" in info.value.suggestions


# ---- Fabric -------------------------------------------------------------------------------------
async def test_fabric_by_model_name(find: Any, fabric: dict[str, Any], emu: Emulator,
                                    mcfg: ManagementConfig) -> None:
    endpoint = await find("qwen-2-72b-instruct", "fabric", **fabric)
    assert endpoint.platform == "fabric" and endpoint.name == "qwen2-72b-svc"
    assert endpoint.model == "Qwen-2-72B-Instruct"
    assert endpoint.base_url == (f"{emu.fabric_ep_url}/v1/workspaces/{mcfg.fabric_workspace}"
                                 f"/services/instances/{endpoint.id}/invocations")
    with pytest.raises(NameNotFoundError, match=r"found `glm4-svc` .* STOPPED"):
        await find("Glm-4-9B-Chat", "fabric", **fabric)


def test_fabric_invocation_answers(fabric: dict[str, Any], iam: IAMTokenAuth) -> None:
    endpoint = resolve("qwen2-72b-svc", "fabric", **fabric)
    body = {"model": endpoint.model, "messages": [{"role": "user", "content": "hello"}]}
    with httpx.Client(auth=iam) as http:
        answer = http.post(endpoint.base_url, json=body).json()
    assert answer["object"] == "chat.completion"
    assert answer["choices"][0]["message"]["content"].endswith("hello")
    assert answer["usage"]["total_tokens"] > 0


def test_unknown_platform(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="unknown platform"):
        resolve("x", "openai", api_key="k")  # type: ignore[arg-type]
