"""Fabric: every seed-002 filter sent as documented, bad values refused locally; deploy + wait."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest

from maas_core.auth import IAMTokenAuth
from maas_core.discovery import (
    AsyncFabricClient,
    DeploymentError,
    DeploymentTimeoutError,
    FabricClient,
    FabricInstance,
)
from maas_core.emulator import Emulator
from maas_core.emulator.management import ManagementConfig
from maas_core.errors import ConflictError, NotFoundError, UnsupportedParameterError

pytestmark = pytest.mark.emulator

ENDPOINT = "b935d0ef-f4eb-4b95-aff1-9d33ae9f57b6"


@pytest.fixture
def fabric(emu: Emulator, mcfg: ManagementConfig, iam: IAMTokenAuth) -> Any:
    with FabricClient(mcfg.fabric_workspace, base_url=emu.fabric_url, ep_url=emu.fabric_ep_url,
                      auth=iam) as client:
        yield client


@pytest.fixture
async def afabric(emu: Emulator, mcfg: ManagementConfig, iam: IAMTokenAuth) -> Any:
    async with AsyncFabricClient(mcfg.fabric_workspace, base_url=emu.fabric_url,
                                 ep_url=emu.fabric_ep_url, auth=iam) as client:
        yield client


def model_queries(emu: Emulator) -> list[dict[str, list[str]]]:
    return [parse_qs(r.query) for r in emu.requests if r.path.endswith("/models")]


def test_every_filter_sent_as_documented(emu: Emulator, fabric: FabricClient) -> None:
    found = fabric.list_models(name="model-0", type="LLM_MODEL", visibility="PUBLIC",
                               sort_by="NAME", order_by="ASC", page_size=2)
    assert [m.name for m in found] == ["model-01", "model-03", "model-05", "model-07",
                                       "model-09"]
    first = model_queries(emu)[0]
    assert first == {"offset": ["0"], "limit": ["2"], "name": ["model-0"], "type": ["LLM_MODEL"],
                     "visibility": ["PUBLIC"], "sort_by": ["NAME"], "order_by": ["ASC"]}
    assert [q["offset"] for q in model_queries(emu)] == [["0"], ["2"], ["4"]]


def test_id_filter_and_default_order(emu: Emulator, fabric: FabricClient) -> None:
    everything = fabric.list_models()
    newest_first = [m.create_time for m in everything]
    assert newest_first == sorted(newest_first, reverse=True)  # CREATE_TIME, DESC by default
    target = everything[3]
    assert [m.id for m in fabric.list_models(id=target.id)] == [target.id]
    assert model_queries(emu)[-1]["id"] == [target.id]
    assert {m.visibility for m in fabric.list_models(visibility="PRIVATE")} == {"PRIVATE"}


@pytest.mark.parametrize(("bad", "field"), [
    ({"page_size": 0}, "limit"),
    ({"page_size": 101}, "limit"),
    ({"offset": -1}, "offset"),
    ({"offset": 1_000_000_001}, "offset"),
    ({"name": "has space"}, "name"),
    ({"name": "x" * 129}, "name"),
    ({"name": ""}, "name"),
    ({"id": "a" * 31}, "id"),
    ({"id": "a" * 37}, "id"),
    ({"id": "not_an_id_" * 4}, "id"),
    ({"type": ""}, "type"),
    ({"type": "t" * 129}, "type"),
    ({"visibility": "SECRET"}, "visibility"),
    ({"sort_by": "SIZE"}, "sort_by"),
    ({"order_by": "UP"}, "order_by"),
    ({"colour": "red"}, "colour"),
])
def test_out_of_range_filters_refused_before_sending(emu: Emulator, fabric: FabricClient,
                                                     bad: dict[str, Any], field: str) -> None:
    with pytest.raises(UnsupportedParameterError) as info:
        fabric.list_models(**bad)
    assert field in str(info.value) and "Fabric list models" in str(info.value)
    assert model_queries(emu) == []


async def test_filters_async(emu: Emulator, afabric: AsyncFabricClient) -> None:
    found = await afabric.list_models(name="glm", visibility="ALL")
    assert [m.name for m in found] == ["Glm-4-9B-Chat"]
    with pytest.raises(UnsupportedParameterError):
        await afabric.list_models(page_size=500)


# ---- deploy (seed 003) --------------------------------------------------------------------------
def _model_id(fabric: FabricClient) -> str:
    return fabric.list_models(name="LLama3-8b")[0].id


@pytest.mark.parametrize(("change", "field"), [
    ({"min": 2, "max": 1}, "min (2) must be <= max (1)"),
    ({"max": 1001}, "max"),
    ({"min": 0}, "min"),
    ({"name": ""}, "name"),
    ({"name": "bad/name"}, "name"),
    ({"endpoint_id": "not valid!"}, "endpoint_id"),
    ({"spec_code": ""}, "spec_code"),
    ({"model_id": ""}, "source.id"),
    ({"description": "a <b>"}, "description"),
])
def test_deploy_validated_before_sending(emu: Emulator, fabric: FabricClient,
                                         change: dict[str, Any], field: str) -> None:
    fields = {"model_id": "0b5633ba2b904511ad514346f4d23d4b", "name": "svc-1",
              "endpoint_id": ENDPOINT, "spec_code": "mu.llama3.8b", "min": 1, "max": 2, **change}
    with pytest.raises(UnsupportedParameterError) as info:
        fabric.deploy(**fields)
    assert field in str(info.value)
    assert not [r for r in emu.requests if r.path.endswith("/instances")]


def test_deploy_and_wait_running(emu: Emulator, fabric: FabricClient) -> None:
    model_id = _model_id(fabric)
    instance_id = fabric.deploy(model_id=model_id, name="llama-svc", endpoint_id=ENDPOINT,
                                spec_code="mu.llama3.8b", min=1, max=3, description="demo")
    body = next(r for r in emu.requests if r.path.endswith("/instances")).json
    assert body == {"source": {"id": model_id}, "name": "llama-svc", "endpoint_id": ENDPOINT,
                    "description": "demo", "config": {"model_instance_config": {
                        "resource": {"min": 1, "max": 3, "spec_code": "mu.llama3.8b"}}}}
    seen: list[str | None] = []
    done = fabric.wait_until_running(instance_id, timeout=10, interval=0.01,
                                     on_status=lambda i: seen.append(i.status_text))
    assert isinstance(done, FabricInstance) and done.running
    assert seen == ["PENDING", "RUNNING"]
    with pytest.raises(ConflictError):
        fabric.deploy(model_id=model_id, name="llama-svc", endpoint_id=ENDPOINT,
                      spec_code="mu.llama3.8b")
    fabric.delete_instance(instance_id)
    with pytest.raises(NotFoundError) as info:
        fabric.get_instance(instance_id)
    assert info.value.code == "common.01000001"


def test_deploy_failed(fabric: FabricClient) -> None:
    instance_id = fabric.deploy(model_id=_model_id(fabric), name="fail-svc",
                                endpoint_id=ENDPOINT, spec_code="mu.llama3.8b")
    with pytest.raises(DeploymentError) as info:
        fabric.wait_until_running(instance_id, timeout=10, interval=0.01)
    assert info.value.status == "FAILED" and "FAILED" in str(info.value)
    assert not isinstance(info.value, DeploymentTimeoutError)


def test_deploy_timeout_reports_last_status(fabric: FabricClient) -> None:
    instance_id = fabric.deploy(model_id=_model_id(fabric), name="slow-svc",
                                endpoint_id=ENDPOINT, spec_code="emulator-stuck")
    with pytest.raises(DeploymentTimeoutError) as info:
        fabric.wait_until_running(instance_id, timeout=0.2, interval=0.05)
    assert info.value.status == "PENDING" and "last status PENDING" in str(info.value)
    assert isinstance(info.value, TimeoutError)


async def test_deploy_async(afabric: AsyncFabricClient) -> None:
    model_id = (await afabric.list_models(name="LLama3-8b"))[0].id
    ok = await afabric.deploy(model_id=model_id, name="async-svc", endpoint_id=ENDPOINT,
                              spec_code="mu.llama3.8b")
    seen: list[str | None] = []
    done = await afabric.wait_until_running(ok, timeout=10, interval=0.01,
                                            on_status=lambda i: seen.append(i.status_text))
    assert done.running and seen[-1] == "RUNNING"
    failing = await afabric.deploy(model_id=model_id, name="fail-async", endpoint_id=ENDPOINT,
                                   spec_code="mu.llama3.8b")
    with pytest.raises(DeploymentError, match="FAILED"):
        await afabric.wait_until_running(failing, timeout=10, interval=0.01)
    stuck = await afabric.deploy(model_id=model_id, name="stuck-async", endpoint_id=ENDPOINT,
                                 spec_code="emulator-stuck")
    with pytest.raises(DeploymentTimeoutError):
        await afabric.wait_until_running(stuck, timeout=0.1, interval=0.02)
