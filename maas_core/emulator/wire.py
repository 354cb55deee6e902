"""Request-side helpers shared by the platforms: message normalisation and tool extraction."""

from __future__ import annotations

from typing import Any


def part_text(part: Any) -> str:
    """Text of one content part: OpenAI ``{"type":"text","text"}`` or native ``{"text"}``."""
    if isinstance(part, str):
        return part
    if isinstance(part, dict) and isinstance(part.get("text"), str):
        return str(part["text"])
    return ""


def is_image_part(part: Any) -> bool:
    if not isinstance(part, dict):
        return False
    return part.get("type") in ("image_url", "image", "video_url") or "image" in part


def normalise(message: Any) -> dict[str, Any]:
    """A message dict with ``text``, ``has_list``, ``has_image`` added (original keys kept)."""
    message = message if isinstance(message, dict) else {"role": None, "content": message}
    content = message.get("content")
    parts = content if isinstance(content, list) else None
    text = "".join(part_text(p) for p in parts) if parts is not None else str(content or "")
    return {
        **message,
        "text": text,
        "has_list": parts is not None,
        "has_image": bool(parts) and any(is_image_part(p) for p in parts or []),
    }


def normalise_all(messages: Any) -> list[dict[str, Any]]:
    return [normalise(m) for m in messages] if isinstance(messages, list) else []


def functions(tools: Any) -> list[dict[str, Any]]:
    """The ``function`` objects of OpenAI-style tool definitions."""
    if not isinstance(tools, list):
        return []
    found = []
    for tool in tools:
        if isinstance(tool, dict) and isinstance(tool.get("function"), dict):
            found.append(tool["function"])
    return found


def missing_passback(messages: list[dict[str, Any]]) -> int | None:
    """Index of an assistant tool-call message of the current tool loop without reasoning.

    DeepSeek V3.2 in thinking mode needs ``reasoning_content`` passed back for assistant messages
    with ``tool_calls`` after the last user message (the DeepSeek API answers 400 otherwise).
    """
    last_user = max((i for i, m in enumerate(messages) if m.get("role") == "user"), default=-1)
    for i, message in enumerate(messages[last_user + 1 :], start=last_user + 1):
        is_call = message.get("role") == "assistant" and message.get("tool_calls")
        if is_call and not message.get("reasoning_content"):
            return i
    return None


def passback_message(index: int) -> str:
    return f"Missing `reasoning_content` field in the assistant message at message index {index}."


def forced_tool(tool_choice: Any) -> bool:
    """True when ``tool_choice`` forces a call (a named function or ``required``)."""
    return isinstance(tool_choice, dict) or tool_choice == "required"
