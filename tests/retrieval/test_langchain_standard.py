"""langchain-tests' ``EmbeddingsUnitTests`` and ``EmbeddingsIntegrationTests`` for
``MaaSEmbeddings`` and ``DashScopeEmbeddings`` (native and compatible), over HTTP to the emulator."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from langchain_maas import DashScopeEmbeddings, MaaSEmbeddings
from maas_core.emulator import Emulator

from .conftest import class_kwargs

_current: list[Emulator] = []


@pytest.fixture(autouse=True)
def _share(emulator: Emulator) -> None:
    # ``embedding_model_params`` is a property and cannot take fixtures.
    _current[:] = [emulator]


class _Setup:
    setup = "maas"

    @property
    def embeddings_class(self) -> type[MaaSEmbeddings] | type[DashScopeEmbeddings]:
        return MaaSEmbeddings if self.setup == "maas" else DashScopeEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return class_kwargs(_current[0], self.setup)


class TestMaaSEmbeddingsUnit(_Setup, EmbeddingsUnitTests):
    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return ({"MAAS_API_KEY": "sk-env", "MAAS_BASE_URL": "http://127.0.0.1:9/v1"}, {},
                {"api_key": "sk-env", "model": "bge-m3"})


class TestDashScopeEmbeddingsUnit(_Setup, EmbeddingsUnitTests):
    setup = "native"

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return ({"DASHSCOPE_API_KEY": "sk-env"}, {"model": "text-embedding-v3"},
                {"api_key": "sk-env", "model": "text-embedding-v3", "protocol": "native"})


class TestMaaSEmbeddingsIntegration(_Setup, EmbeddingsIntegrationTests):
    pass


class TestDashScopeNativeEmbeddingsIntegration(_Setup, EmbeddingsIntegrationTests):
    setup = "native"


class TestDashScopeCompatibleEmbeddingsIntegration(_Setup, EmbeddingsIntegrationTests):
    setup = "compatible"
