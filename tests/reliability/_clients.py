"""Clients of the session emulator (or a loopback server) for the reliability tests."""

from __future__ import annotations

import json
from typing import Any

from maas_core import AsyncChatClient, ChatClient, ChatRequest, Message
from maas_core.emulator import Emulator

HELLO = (Message("user", "hello there"),)

BASES = {
    "maas": "maas_base_url",
    "dashscope": "dashscope_base_url",
    "dashscope-compatible": "dashscope_compatible_base_url",
}


def client(emu: Emulator, platform: str = "maas", *, cls: Any = ChatClient, **kw: Any) -> Any:
    return cls(platform, api_key=emu.api_key, base_url=getattr(emu, BASES[platform]), **kw)


def request(model: str = "DeepSeek-V3", fault: dict[str, Any] | None = None, **kw: Any) -> Any:
    headers = {"X-Emulator-Fault": json.dumps(fault)} if fault else None
    return ChatRequest(model=model, messages=HELLO, extra_headers=headers, **kw)


async def call(chat: Any, mode: str, req: ChatRequest) -> str:
    """The answer's text through ``mode``: chat / stream (sync) or achat / astream (async)."""
    if mode == "chat":
        return str(chat.chat(req).message.content)
    if mode == "stream":
        return "".join(d.content for d in chat.stream(req))
    if mode == "achat":
        return str((await chat.chat(req)).message.content)
    return "".join([d.content async for d in chat.stream(req)])


def make(emu: Emulator, mode: str, platform: str = "maas", **kw: Any) -> Any:
    cls = AsyncChatClient if mode.startswith("a") else ChatClient
    return client(emu, platform, cls=cls, **kw)


def chat_calls(emu: Emulator) -> int:
    return sum(1 for r in emu.requests if "chat" in r.path or "generation" in r.path)
