"""Fixtures for the emulator's own tests: one emulator per module, reset between tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from maas_core.emulator import Emulator, Quirks, start_emulator


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with start_emulator() as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def _reset(emu: Emulator) -> Iterator[None]:
    yield
    emu.config.quirks = Quirks()
    emu.clear_faults()
    emu.requests.clear()


@pytest.fixture
def client(emu: Emulator) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {emu.api_key}"}
    with httpx.Client(base_url=emu.url, headers=headers, timeout=10) as c:
        yield c
