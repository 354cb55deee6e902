"""Fixtures for the LlamaIndex adapter: LLM factories bound to the session emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from llamaindex_maas import DashScope, MaaS, MaaSBaseLLM
from maas_core.emulator import Emulator, Quirks

# (id, class, protocol, model, extra kwargs, reasons)
CONFIGS: list[tuple[str, str, str | None, str, dict[str, Any], bool]] = [
    ("maas-r1", "maas", None, "DeepSeek-R1", {}, True),
    ("maas-v3", "maas", None, "DeepSeek-V3", {}, False),
    ("native-think", "dashscope", "native", "qwen-plus", {"enable_thinking": True}, True),
    ("native-plain", "dashscope", "native", "qwen-max", {}, False),
    ("compat-think", "dashscope", "compatible", "qwen-plus", {"enable_thinking": True}, True),
    ("compat-plain", "dashscope", "compatible", "qwen-max", {}, False),
]

Factory = Callable[..., MaaSBaseLLM]


@pytest.fixture(autouse=True)
def _reset_quirks(emulator: Emulator) -> Any:
    yield
    emulator.config.quirks = Quirks()
    emulator.clear_faults()


def build(emu: Emulator, kind: str, model: str, protocol: str | None = None, **kw: Any) -> Any:
    """An LLM of ``kind`` (``maas`` / ``dashscope``) talking to ``emu``."""
    kw.setdefault("api_key", emu.api_key)
    kw.setdefault("max_retries", 2)
    kw.setdefault("timeout", 10)
    if kind == "maas":
        kw.setdefault("api_base", emu.maas_base_url)
        return MaaS(model=model, **kw)
    protocol = protocol or "native"
    base = emu.dashscope_base_url if protocol == "native" else emu.dashscope_compatible_base_url
    kw.setdefault("api_base", base)
    return DashScope(model=model, protocol=protocol, **kw)


@pytest.fixture
async def opened() -> AsyncIterator[list[MaaSBaseLLM]]:
    """LLMs a test created; their connections are closed at the end of the test."""
    llms: list[MaaSBaseLLM] = []
    yield llms
    for llm in llms:
        llm.close()
        await llm.aclose()


@pytest.fixture
def make(emu: Emulator, opened: list[MaaSBaseLLM]) -> Factory:
    """``make(kind, model, protocol=None, **kwargs)``."""

    def factory(kind: str, model: str, protocol: str | None = None, **kw: Any) -> MaaSBaseLLM:
        llm: MaaSBaseLLM = build(emu, kind, model, protocol, **kw)
        opened.append(llm)
        return llm

    return factory


@pytest.fixture(params=CONFIGS, ids=[c[0] for c in CONFIGS])
def config(request: pytest.FixtureRequest, make: Factory) -> tuple[MaaSBaseLLM, bool]:
    """(llm, reasons) for each class / protocol, with and without reasoning."""
    _, kind, protocol, model, extra, reasons = request.param
    return make(kind, model, protocol, **extra), reasons
