"""Request builders and stream parsers for the emulator's own tests (raw HTTP, no client code)."""

from __future__ import annotations

import json
from typing import Any

NATIVE_PATH = "/api/v1/services/aigc/text-generation/generation"
MM_PATH = "/api/v1/services/aigc/multimodal-generation/generation"
COMPAT_PATH = "/compatible-mode/v1/chat/completions"
MAAS_PATH = "/v1/chat/completions"


def native_body(model: str, text: str = "Say hello", **parameters: Any) -> dict[str, Any]:
    return {
        "model": model,
        "input": {"messages": [{"role": "user", "content": text}]},
        "parameters": {"result_format": "message", **parameters},
    }


def chat_body(model: str, text: str = "Say hello", **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": text}], **extra}


SSE_ON = {"X-DashScope-SSE": "enable"}


def native_events(text: str) -> list[dict[str, Any]]:
    """Native SSE events as dicts with id, event, status, data (parsed JSON)."""
    events = []
    for block in filter(None, text.split("\n\n")):
        fields: dict[str, Any] = {}
        for line in block.split("\n"):
            if line.startswith(":HTTP_STATUS/"):
                fields["status"] = int(line.split("/")[1])
            else:
                key, _, value = line.partition(":")
                fields[key] = value
        fields["data"] = json.loads(fields["data"])
        events.append(fields)
    return events


def openai_chunks(text: str) -> list[Any]:
    """``data:`` payloads of an OpenAI-framed stream (``"[DONE]"`` kept as a string)."""
    out: list[Any] = []
    for block in filter(None, text.split("\n\n")):
        assert block.startswith("data: "), block
        payload = block[len("data: ") :]
        out.append(payload if payload == "[DONE]" else json.loads(payload))
    return out


WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_current_weather",
        "description": "Weather of a city.",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string"}, "days": {"type": "integer"}},
            "required": ["location"],
        },
    },
}
TIME_TOOL = {
    "type": "function",
    "function": {"name": "get_current_time", "description": "Now.", "parameters": {}},
}
