"""Shared fixtures: one emulator per test session, real HTTP over loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from maas_core.emulator import Emulator, start_emulator


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
