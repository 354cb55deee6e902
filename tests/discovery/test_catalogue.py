"""Profiles from the platforms' own catalogues (PROTOCOLS-2026 A.9.8, D.7.1): the DashScope
model catalogue, MaaS ``/v2/models``, ``resolve`` of public DashScope models and the
``maas-models models`` columns, against the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from maas_core import get_profile
from maas_core.cli import main
from maas_core.discovery import (
    AsyncDashScopeModels,
    DashScopeModel,
    DashScopeModels,
    MaaSModels,
    NameNotFoundError,
    aresolve,
    catalogue_facts,
    resolve,
)
from maas_core.emulator import Emulator
from maas_core.profiles import forget_catalogue


@pytest.fixture(autouse=True)
def _no_catalogue() -> Iterator[None]:
    forget_catalogue()
    yield
    forget_catalogue()


def _ds(emu: Emulator) -> dict[str, Any]:
    return {"api_key": emu.api_key, "base_url": emu.dashscope_base_url}


def test_catalogue_is_read_to_the_last_page(emu: Emulator) -> None:
    with DashScopeModels(**_ds(emu)) as catalogue:
        models = catalogue.list_models(page_size=7)
    names = [m.model for m in models]
    assert len(names) == len(set(names)) and "qwen3.6-plus" in names and "glm-5.2" in names
    pages = [r for r in emu.requests if r.path == "/api/v1/models"]
    assert len(pages) == -(-len(names) // 7)
    assert [r.query for r in pages][:2] == ["page_no=1&page_size=7", "page_no=2&page_size=7"]


async def test_get_one_model_async(emu: Emulator) -> None:
    async with AsyncDashScopeModels(**_ds(emu)) as catalogue:
        model = await catalogue.get_model("qwen3.8-max")
        missing = await catalogue.get_model("qwen9-ultra")
    assert model is not None and model.model_info is not None
    assert model.model_info.context_window == 1_000_000
    assert "Reasoning" in model.capabilities and "function-calling" in model.features
    assert missing is None


def test_catalogue_facts_join_the_profile(emu: Emulator) -> None:
    before = get_profile("dashscope", "kimi-k2.5")
    with DashScopeModels(**_ds(emu)) as catalogue:
        catalogue.list_models()
    after = get_profile("dashscope", "kimi-k2.5")
    assert before.max_output != 32768 and after.max_output == 32768
    assert get_profile("dashscope", "qwen-vl-plus").tools is False
    # overrides still win over the catalogue
    assert get_profile("dashscope", "kimi-k2.5", {"max_output": 5}).max_output == 5


def test_catalogue_facts_mapping() -> None:
    record = DashScopeModel.model_validate({
        "model": "brand-new-2030",
        "capabilities": ["TG", "Reasoning"],
        "features": ["structured-outputs", "cache"],
        "inference_metadata": {"request_modality": ["Text", "Image"]},
        "model_info": {"context_window": 262144, "max_output_tokens": 32768,
                       "max_reasoning_tokens": 81920},
    })
    assert catalogue_facts(record) == {
        "context_window": 262144, "max_output": 32768, "max_thinking_budget": 81920,
        "reasoning": "switchable", "tools": False, "json_schema": True, "images": True,
    }
    bare = DashScopeModel.model_validate({"model": "x", "capabilities": ["TG"]})
    assert catalogue_facts(bare) == {}  # no features list: says nothing about tools


async def test_resolve_finds_public_models(emu: Emulator) -> None:
    endpoint = resolve("qwen3.7-plus", "dashscope", **_ds(emu))
    assert (endpoint.model, endpoint.source, endpoint.protocol) == (
        "qwen3.7-plus", "models", "native")
    assert endpoint.base_url == emu.dashscope_base_url
    assert endpoint.facts is not None and endpoint.facts["context_window"] == 1_000_000
    compat = await aresolve("GLM-5.2", "dashscope", protocol="compatible", **_ds(emu))
    assert compat.model == "glm-5.2" and compat.base_url == emu.dashscope_compatible_base_url


def test_deployments_still_come_first(emu: Emulator) -> None:
    deployed = resolve("qwen-plus", "dashscope", **_ds(emu))
    assert deployed.source == "deployment"
    with pytest.raises(NameNotFoundError, match="STOPPED"):  # not replaced by public qwen-max
        resolve("qwen-max", "dashscope", **_ds(emu))
    with pytest.raises(NameNotFoundError) as info:
        resolve("qwen3.6-plux", "dashscope", **_ds(emu))
    assert "qwen3.6-plus" in info.value.suggestions


def test_maas_v2_models(emu: Emulator) -> None:
    with MaaSModels(api_key=emu.api_key, base_url=emu.maas_v2_base_url) as maas:
        ids = [m.id for m in maas.list_models()]
    assert {"glm-5.3", "deepseek-v4-pro"} <= set(ids)


def test_cli_models_columns(emu: Emulator, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DASHSCOPE_API_KEY", emu.api_key)
    monkeypatch.setenv("MAAS_API_KEY", emu.api_key)
    assert main(["models", "--platform", "dashscope", "--base-url", emu.dashscope_base_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "CONTEXT_WINDOW", "MAX_OUTPUT", "REASONING",
                                "THINKING_DEFAULT", "TOOLS", "STRUCTURED_OUTPUT"]
    row = next(line.split() for line in lines if line.startswith("qwen3.8-max "))
    assert row == ["qwen3.8-max", "1000000", "131072", "switchable", "True", "True", "True"]
    assert main(["models", "--base-url", emu.maas_v2_base_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    row = next(line.split() for line in lines if line.startswith("glm-5.3 "))
    assert row == ["glm-5.3", "1000000", "131072", "always", "True", "True", "True"]
    assert all(len(line.split()) == 7 for line in lines[1:-1])  # no empty columns


def test_served_context_length_joins_the_profile(emu: Emulator) -> None:
    with MaaSModels(api_key=emu.api_key) as maas:
        base = maas.service_base_url("svc-r1-distill", emu.infer_url)
        served = maas.list_models(base)
    assert served[0].max_model_len == 20096
    assert get_profile("maas", served[0].id).context_window == 20096
