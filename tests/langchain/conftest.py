"""LangChain adapter tests: the session emulator (from ``tests/conftest.py``) shared with the
standard suites, and small model factories."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from langchain_maas import ChatDashScope, ChatMaaS
from maas_core.emulator import Emulator

from . import _emu


@pytest.fixture(scope="session")
def shared_emulator(emulator: Emulator) -> Emulator:
    _emu.share(emulator)
    return emulator


@pytest.fixture
def make_model(emu: Emulator) -> Callable[..., ChatMaaS | ChatDashScope]:
    """``make_model("maas" | "native" | "compatible", model, **kwargs)`` against the emulator."""
    _emu.share(emu)

    def make(platform: str, model: str, **kwargs: Any) -> ChatMaaS | ChatDashScope:
        params = _emu.params(platform, model, **kwargs)
        return ChatMaaS(**params) if platform == "maas" else ChatDashScope(**params)

    return make
