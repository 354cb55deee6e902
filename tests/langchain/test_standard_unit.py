"""langchain-tests' ``ChatModelUnitTests`` for ChatMaaS and both ChatDashScope protocols.

No request is sent: the base URLs point at a closed loopback port.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_tests.unit_tests import ChatModelUnitTests
from syrupy.assertion import SnapshotAssertion

from langchain_maas import ChatDashScope, ChatMaaS

from ._capabilities import Capabilities

_NOWHERE = "http://127.0.0.1:9"


class _Serdes(Capabilities, ChatModelUnitTests):
    # The suite calls BaseChatModel.dict() (deprecated in langchain-core 1.4.2) and the beta
    # load(); both warnings are the suite's own, so the failure left is the one named below.
    @pytest.mark.filterwarnings("ignore:The method `BaseChatModel.dict`:DeprecationWarning")
    @pytest.mark.filterwarnings("ignore:The function `load` is in beta")
    @pytest.mark.xfail(raises=ValueError, reason=(
        "langchain-core 1.7's load(allowed_objects='all') admits only the classes in its own "
        "SERIALIZABLE_MAPPING, which no third-party package is in; the same round trip with "
        "additional_import_mappings passes in test_unit.py::test_serialization_round_trip"))
    def test_serdes(self, model: BaseChatModel, snapshot: SnapshotAssertion) -> None:
        super().test_serdes(model, snapshot)


class TestChatMaaSUnit(_Serdes):
    @property
    def chat_model_class(self) -> type[ChatMaaS]:
        return ChatMaaS

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "DeepSeek-V3", "api_key": "sk-unit", "base_url": _NOWHERE + "/v1"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        env = {"MAAS_API_KEY": "sk-from-env", "MAAS_BASE_URL": _NOWHERE + "/v1"}
        return env, {"model": "DeepSeek-V3"}, {"api_key": "sk-from-env"}


class TestChatDashScopeNativeUnit(_Serdes):
    @property
    def chat_model_class(self) -> type[ChatDashScope]:
        return ChatDashScope

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "qwen-plus", "api_key": "sk-unit", "base_url": _NOWHERE + "/api/v1"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        env = {"DASHSCOPE_API_KEY": "sk-from-env", "DASHSCOPE_BASE_URL": _NOWHERE + "/api/v1"}
        return env, {"model": "qwen-plus"}, {"api_key": "sk-from-env", "protocol": "native"}


class TestChatDashScopeCompatibleUnit(TestChatDashScopeNativeUnit):
    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "qwen-plus", "api_key": "sk-unit", "protocol": "compatible",
                "base_url": _NOWHERE + "/compatible-mode/v1"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        env = {"DASHSCOPE_API_KEY": "sk-from-env"}
        return env, {"model": "qwen-plus", "protocol": "compatible"}, {
            "api_key": "sk-from-env", "protocol": "compatible"}
