"""Local stand-in for Huawei Cloud MaaS and Alibaba DashScope, for tests, notebooks and demos.

The emulator is a real HTTP server (Starlette + uvicorn) that speaks the wire protocols described in
PROTOCOLS.md: MaaS / vLLM OpenAI framing, DashScope native SSE and DashScope compatible mode, with
deterministic models, quirk switches and injectable faults. It never imports the client code of
``maas_core``: it is an independent judge of it.

Example::

    from maas_core.emulator import start_emulator

    with start_emulator() as emu:
        httpx.post(emu.maas_base_url + "/chat/completions", headers={...}, json={...})
"""

from __future__ import annotations

from maas_core._extras import require

require("starlette", extra="emulator", needed_by="maas_core.emulator")
require("uvicorn", extra="emulator", needed_by="maas_core.emulator")

from maas_core.emulator.app import create_app
from maas_core.emulator.config import EMULATOR_API_KEY, EmulatorConfig, Quirks
from maas_core.emulator.server import Emulator, start_emulator
from maas_core.emulator.state import RecordedRequest

__all__ = [
    "EMULATOR_API_KEY",
    "Emulator",
    "EmulatorConfig",
    "Quirks",
    "RecordedRequest",
    "create_app",
    "start_emulator",
]
