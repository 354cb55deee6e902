"""Shared fixtures: one emulator per test session, real HTTP over loopback."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import pytest

from maas_core.emulator import Emulator, start_emulator

# llama-index's VectorStoreIndex imports its LangChain bridge, which imports langchain-community
# when that is installed (the benchmark extra); its sunset notice would fail every test that
# builds an index under filterwarnings=error. Importing the bridge once here, quietly, keeps the
# suite independent of which extras are installed.
with warnings.catch_warnings(), contextlib.suppress(ImportError):
    warnings.simplefilter("ignore", DeprecationWarning)
    import llama_index.core.bridge.langchain  # noqa: F401


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    with start_emulator() as emu:
        yield emu


@pytest.fixture
def emu(emulator: Emulator) -> Iterator[Emulator]:
    """The session emulator with a clean fault queue and request log for this test."""
    emulator.clear_faults()
    emulator.requests.clear()
    yield emulator
    emulator.clear_faults()
