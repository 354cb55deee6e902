"""Fixtures for discovery tests: one emulator per module, clean environment, ready credentials."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from maas_core.auth import IAMTokenAuth
from maas_core.emulator import Emulator, start_emulator
from maas_core.emulator.management import ManagementConfig

ENV_VARS = (
    "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_PROJECT_ID",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HUAWEICLOUD_SDK_IAM_ENDPOINT", "HUAWEICLOUD_TOKEN",
    "HUAWEICLOUD_IAM_USERNAME", "HUAWEICLOUD_IAM_PASSWORD", "HUAWEICLOUD_IAM_DOMAIN",
    "HUAWEICLOUD_REGION", "HUAWEICLOUD_MODELARTS_ENDPOINT", "HUAWEICLOUD_FABRIC_ENDPOINT",
    "HUAWEICLOUD_FABRIC_EP_ENDPOINT", "HUAWEICLOUD_FABRIC_WORKSPACE_ID", "MAAS_API_KEY",
    "MAAS_BASE_URL", "DASHSCOPE_API_KEY", "DASHSCOPE_WORKSPACE_ID", "DASHSCOPE_BASE_URL",
    "DASHSCOPE_HTTP_BASE_URL",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with start_emulator() as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def _reset(emu: Emulator) -> Iterator[None]:
    emu.requests.clear()
    yield
    emu.management.config = ManagementConfig()


@pytest.fixture
def mcfg(emu: Emulator) -> ManagementConfig:
    return emu.management.config


@pytest.fixture
def iam(emu: Emulator, mcfg: ManagementConfig) -> IAMTokenAuth:
    return IAMTokenAuth(username=mcfg.username, password=mcfg.password, domain=mcfg.domain,
                        project_id=mcfg.project_id, iam_url=emu.iam_url)


@pytest.fixture
def huawei_env(emu: Emulator, mcfg: ManagementConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    """IAM password credentials in the environment, as a user would set them."""
    monkeypatch.setenv("HUAWEICLOUD_IAM_USERNAME", mcfg.username)
    monkeypatch.setenv("HUAWEICLOUD_IAM_PASSWORD", mcfg.password)
    monkeypatch.setenv("HUAWEICLOUD_IAM_DOMAIN", mcfg.domain)
    monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", mcfg.project_id)
    monkeypatch.setenv("HUAWEICLOUD_SDK_IAM_ENDPOINT", emu.iam_url)


@pytest.fixture
def where(emu: Emulator, mcfg: ManagementConfig) -> dict[str, Any]:
    """Keyword arguments pointing ``resolve`` at the emulator (credentials separate)."""
    return {
        "project_id": mcfg.project_id, "modelarts_url": emu.modelarts_url,
        "infer_url": emu.infer_url, "fabric_url": emu.fabric_url,
        "fabric_ep_url": emu.fabric_ep_url,
    }


def paths(emu: Emulator, fragment: str) -> list[tuple[str, str]]:
    """(method, path?query) of recorded requests whose path contains ``fragment``."""
    return [(r.method, f"{r.path}?{r.query}") for r in emu.requests if fragment in r.path]


@pytest.fixture(autouse=True)
def _forget_catalogues() -> Iterator[None]:
    """Listings record catalogue facts in the process-wide profiles: none leak between tests."""
    from maas_core.profiles import forget_catalogue

    yield
    forget_catalogue()
