"""The session emulator, reachable from the standard suites' ``chat_model_params`` properties.

Those properties cannot take fixtures, so ``conftest.py`` publishes the session emulator here
(``share``) before any model fixture runs; ``current()`` reads it.
"""

from __future__ import annotations

import base64
import zlib
from typing import Any

from maas_core.emulator import Emulator

_current: list[Emulator] = []

# The image the standard suite downloads from GitHub, replaced by a local 1x1 PNG: the suite's
# own download would need the internet, and the emulator never looks at pixels anyway.
SUITE_IMAGE_URL = (
    "https://raw.githubusercontent.com/langchain-ai/docs/4d11d08b6b0e210bd456943f7a22febbd168b543"
    "/src/images/agentic-rag-output.png"
)


def share(emulator: Emulator) -> None:
    _current[:] = [emulator]


def current() -> Emulator:
    if not _current:
        raise RuntimeError("the session emulator is not started (tests/langchain/conftest.py)")
    return _current[0]


def png_1x1() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(
        b"IEND", b"")


def png_data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(png_1x1()).decode()


def params(platform: str, model: str, **extra: Any) -> dict[str, Any]:
    """Constructor arguments pointing a chat model at the session emulator."""
    emu = current()
    urls = {"maas": emu.maas_base_url, "native": emu.dashscope_base_url,
            "compatible": emu.dashscope_compatible_base_url}
    kwargs: dict[str, Any] = {"model": model, "api_key": emu.api_key, "base_url": urls[platform]}
    if platform != "maas":
        kwargs["protocol"] = platform
    return {**kwargs, **extra}
