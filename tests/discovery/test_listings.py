"""Every listing pages to the end and returns typed records (sync and async)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from maas_core.auth import IAMTokenAuth
from maas_core.discovery import (
    AsyncDashScopeDeployments,
    AsyncFabricClient,
    AsyncMaaSModels,
    AsyncModelArtsServices,
    DashScopeDeployment,
    DashScopeDeployments,
    DeploymentStatus,
    FabricClient,
    FabricInstance,
    FabricInstanceStatus,
    FabricModel,
    InferServerInfo,
    MaaSModels,
    ModelArtsServices,
    ServedModel,
)
from maas_core.emulator import Emulator
from maas_core.emulator.management import ManagementConfig

from .helpers import call

pytestmark = pytest.mark.emulator

MAAS = (MaaSModels, AsyncMaaSModels)
SERVICES = (ModelArtsServices, AsyncModelArtsServices)
FABRIC = (FabricClient, AsyncFabricClient)
DEPLOYMENTS = (DashScopeDeployments, AsyncDashScopeDeployments)


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def queries(emu: Emulator, fragment: str) -> list[dict[str, list[str]]]:
    return [parse_qs(r.query) for r in emu.requests if r.path.endswith(fragment)]


def fabric_kwargs(emu: Emulator, mcfg: ManagementConfig, iam: IAMTokenAuth) -> dict[str, Any]:
    return {"workspace_id": mcfg.fabric_workspace, "base_url": emu.fabric_url,
            "ep_url": emu.fabric_ep_url, "auth": iam}


async def test_maas_models(emu: Emulator, mode: str) -> None:
    models = await call(mode, MAAS, {"api_key": emu.api_key, "base_url": emu.maas_base_url},
                        "list_models")
    assert all(isinstance(m, ServedModel) for m in models)
    assert "DeepSeek-R1" in [m.id for m in models]
    service = await call(mode, MAAS, {"api_key": emu.api_key, "base_url": emu.maas_base_url},
                         "list_models", emu.maas_service_base_url("any-id"))
    assert service[0].id == "DeepSeek-R1-Distill-Qwen-1.5B" and service[0].max_model_len


async def test_maas_models_follow_has_more(mode: str) -> None:
    """The OpenAI list convention (``has_more`` + ``after``), should a server page /models."""
    pages = {None: (["a", "b"], True), "b": (["c", "d"], True), "d": (["e"], False)}
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("after")
        seen.append(after)
        names, more = pages[after]
        return httpx.Response(200, json={"object": "list", "has_more": more,
                                         "data": [{"id": n, "object": "model"} for n in names]})

    transport = httpx.MockTransport(handler)
    client: Any = (httpx.Client(transport=transport) if mode == "sync"
                   else httpx.AsyncClient(transport=transport))
    kwargs = {"api_key": "k", "base_url": "http://maas.test/v1", "http_client": client}
    models = await call(mode, MAAS, kwargs, "list_models")
    assert [m.id for m in models] == ["a", "b", "c", "d", "e"]
    assert seen == [None, "b", "d"]


async def test_modelarts_services_all_pages(emu: Emulator, mcfg: ManagementConfig,
                                            iam: IAMTokenAuth, mode: str) -> None:
    kwargs = {"project_id": mcfg.project_id, "base_url": emu.modelarts_url, "auth": iam,
              "page_size": 10, "workspace_id": "0"}
    services = await call(mode, SERVICES, kwargs, "list_services")
    assert len(services) == 26 and len({s.id for s in services}) == 26
    assert all(isinstance(s, InferServerInfo) for s in services)
    sent = queries(emu, "/ap-southeast-1")
    assert [q["offset"] for q in sent] == [["0"], ["10"], ["20"]]  # item offsets
    assert all(q["limit"] == ["10"] and q["workspace_id"] == ["0"] for q in sent)
    first = services[0]  # seed 000 Table 4: every field, numbers read as the documented strings
    assert first.version_count == "1" and first.create_at == "1760538261106"
    assert first.auth_type == "NONE" and first.deploy_type and first.update_at
    request = next(r for r in emu.requests if "/maas/services/" in r.path)
    assert request.headers["content-type"] == "application/json"


async def test_fabric_models_all_pages(emu: Emulator, mcfg: ManagementConfig,
                                       iam: IAMTokenAuth, mode: str) -> None:
    models = await call(mode, FABRIC, fabric_kwargs(emu, mcfg, iam), "list_models", page_size=7)
    assert len(models) == 25 and all(isinstance(m, FabricModel) for m in models)
    assert [q["offset"] for q in queries(emu, "/models")] == [["0"], ["7"], ["14"], ["21"]]
    qwen = next(m for m in models if m.name == "Qwen-2-72B-Instruct")
    assert qwen.current_version and qwen.current_version.config
    assert qwen.current_version.config.llm_model_config
    assert qwen.create_user and qwen.create_user.domain_name == "emulator-domain"


async def test_fabric_instances_all_pages(emu: Emulator, mcfg: ManagementConfig,
                                          iam: IAMTokenAuth, mode: str) -> None:
    instances = await call(mode, FABRIC, fabric_kwargs(emu, mcfg, iam), "list_instances",
                           page_size=4)
    assert len(instances) == 15 and all(isinstance(i, FabricInstance) for i in instances)
    assert len(queries(emu, "/services/instances")) == 4
    running = next(i for i in instances if i.name == "qwen2-72b-svc")
    assert running.status is FabricInstanceStatus.RUNNING and running.running
    assert running.source and running.source.version_id


async def test_dashscope_deployments_all_pages(emu: Emulator, mode: str) -> None:
    kwargs = {"api_key": emu.api_key, "base_url": emu.dashscope_base_url, "workspace": "llm-ws"}
    found = await call(mode, DEPLOYMENTS, kwargs, "list_deployments", page_size=5)
    assert len(found) == 14 and all(isinstance(d, DashScopeDeployment) for d in found)
    assert [q["page_no"] for q in queries(emu, "/deployments")] == [["1"], ["2"], ["3"]]
    assert {d.status for d in found} == {DeploymentStatus.RUNNING, DeploymentStatus.STOPPED,
                                         DeploymentStatus.FAILED}
    sent = next(r for r in emu.requests if r.path.endswith("/deployments"))
    assert sent.headers["x-dashscope-workspace"] == "llm-ws"


def test_unknown_status_strings_are_kept() -> None:
    record = DashScopeDeployment.model_validate({"deployed_model": "x", "status": "WARMING"})
    assert record.status == "WARMING" and record.status_text == "WARMING" and not record.running
    known = DashScopeDeployment.model_validate({"deployed_model": "x", "status": "RUNNING"})
    assert known.status is DeploymentStatus.RUNNING and known.running
    extra = FabricInstance.model_validate({"id": "i", "status": "HIBERNATING", "new_field": 1})
    assert extra.status_text == "HIBERNATING" and extra.model_extra == {"new_field": 1}
