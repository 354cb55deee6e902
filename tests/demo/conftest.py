"""Fixtures for the ``maas-demo`` tests: a clean environment (no keys, no colour switches)."""

from __future__ import annotations

import pytest

ENV_VARS = (
    "MAAS_API_KEY", "MAAS_BASE_URL", "DASHSCOPE_API_KEY", "DASHSCOPE_BASE_URL",
    "DASHSCOPE_COMPATIBLE_BASE_URL", "DASHSCOPE_HTTP_BASE_URL", "DASHSCOPE_WORKSPACE_ID",
    "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_PROJECT_ID",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HUAWEICLOUD_SDK_IAM_ENDPOINT", "HUAWEICLOUD_TOKEN",
    "HUAWEICLOUD_IAM_USERNAME", "HUAWEICLOUD_IAM_PASSWORD", "HUAWEICLOUD_IAM_DOMAIN",
    "HUAWEICLOUD_REGION", "HUAWEICLOUD_MODELARTS_ENDPOINT", "NO_COLOR",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
