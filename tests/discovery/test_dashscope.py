"""DashScope deployments: create, get, wait, scale, update, delete; typed errors (PROTOCOLS C)."""

from __future__ import annotations

import pytest

from maas_core.discovery import (
    AsyncDashScopeDeployments,
    DashScopeDeployments,
    DeploymentError,
    DeploymentStatus,
    DeploymentTimeoutError,
)
from maas_core.emulator import Emulator
from maas_core.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    UnsupportedParameterError,
)

pytestmark = pytest.mark.emulator


def test_lifecycle(emu: Emulator) -> None:
    with DashScopeDeployments(api_key=emu.api_key, base_url=emu.dashscope_base_url) as ds:
        created = ds.create_deployment("qwen-plus", capacity=2, suffix="t1")
        assert created.status is DeploymentStatus.PENDING
        assert created.deployed_model == "qwen-plus-t1"
        seen: list[str | None] = []
        ready = ds.wait_until_running("qwen-plus-t1", timeout=5, interval=0.01,
                                      on_status=lambda d: seen.append(d.status_text))
        assert ready.running and seen == ["PENDING", "RUNNING"]
        assert ds.scale_deployment("qwen-plus-t1", capacity=4).capacity == 4
        scale = next(r for r in emu.requests if r.path.endswith("/scale"))
        assert scale.method == "PUT" and scale.json == {"deployed_model": "qwen-plus-t1",
                                                        "capacity": 4}
        updated = ds.update_deployment("qwen-plus-t1", rpm_limit=100, tpm_limit=2000)
        assert (updated.rpm_limit, updated.tpm_limit) == (100, 2000)
        with pytest.raises(ConflictError) as conflict:
            ds.create_deployment("qwen-plus", capacity=1, suffix="t1")
        assert "already exists" in str(conflict.value) and conflict.value.request_id
        assert ds.delete_deployment("qwen-plus-t1").status is DeploymentStatus.DELETING
        with pytest.raises(NotFoundError) as missing:
            ds.get_deployment("qwen-plus-t1")
        assert missing.value.code == "NotFound"
        assert "Model: qwen-plus-t1 not found!" in str(missing.value)


def test_failed_timeout_and_local_checks(emu: Emulator) -> None:
    with DashScopeDeployments(api_key=emu.api_key, base_url=emu.dashscope_base_url) as ds:
        ds.create_deployment("qwen-turbo", capacity=1, suffix="fail-1")
        with pytest.raises(DeploymentError) as failed:
            ds.wait_until_running("qwen-turbo-fail-1", timeout=5, interval=0.01)
        assert failed.value.status == "FAILED"
        ds.create_deployment("emulator-stuck", capacity=1, suffix="slow")
        with pytest.raises(DeploymentTimeoutError) as slow:
            ds.wait_until_running("emulator-stuck-slow", timeout=0.1, interval=0.02)
        assert slow.value.status == "PENDING"
        with pytest.raises(NotFoundError, match="not found"):
            ds.create_deployment("no-such-model", capacity=1)
        emu.requests.clear()
        for bad in ({"capacity": 1000}, {"capacity": -1}, {}):
            with pytest.raises(UnsupportedParameterError):
                ds.create_deployment("qwen-plus", **bad)
        with pytest.raises(UnsupportedParameterError):
            ds.list_deployments(page_size=201)
        with pytest.raises(UnsupportedParameterError):
            ds.update_deployment("qwen-turbo-fail-1")
        assert emu.requests == []


def test_bad_key_is_an_auth_error(emu: Emulator) -> None:
    with DashScopeDeployments(api_key="sk-wrong-key", base_url=emu.dashscope_base_url) as ds, \
            pytest.raises(AuthenticationError) as info:
        ds.list_deployments()
    assert info.value.code == "InvalidApiKey" and "sk-wrong-key" not in str(info.value)


async def test_async_lifecycle(emu: Emulator) -> None:
    async with AsyncDashScopeDeployments(api_key=emu.api_key,
                                         base_url=emu.dashscope_base_url) as ds:
        await ds.create_deployment("qwen-max", ptu_capacity={"input_tpm": 10000,
                                                             "output_tpm": 1000}, suffix="a1")
        ready = await ds.wait_until_running("qwen-max-a1", timeout=5, interval=0.01)
        assert ready.running and ready.ptu_capacity and ready.ptu_capacity.input_tpm == 10000
        assert (await ds.get_deployment("qwen-max-a1")).plan == "ptu"
        assert (await ds.delete_deployment("qwen-max-a1")).status_text == "DELETING"
        assert ds.generation_base_url("compatible") == emu.dashscope_compatible_base_url
