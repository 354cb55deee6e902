"""Emulator configuration: API key, quirk switches, "My Services" mapping, queued faults.

``EmulatorConfig`` is live and mutable: tests flip quirks or queue faults between two requests.
A request may override quirks for itself with the header
``X-Emulator-Quirks: key=value;key=value`` (see ``Quirks.override``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

EMULATOR_API_KEY = "sk-emulator"

DEFAULT_SERVICE_MODEL = "DeepSeek-R1-Distill-Qwen-1.5B"

# Allowed values per quirk; None means "the platform's own default" (PROTOCOLS G.5).
_CHOICES: dict[str, tuple[str, ...]] = {
    "reasoning_field": ("reasoning_content", "reasoning", "both"),
    "usage": ("none", "final", "finish", "every"),
    "repeat_tool_ids": ("fresh", "same"),
    "think_tags": ("full", "no_open"),
    "error_shape": ("vllm_flat", "openai_nested", "modelarts", "apig"),
}
_FLAGS = ("content_with_finish", "reasoning_with_content", "drop_done", "usage_details")
_TRUE = ("1", "true", "yes", "on")


@dataclass
class Quirks:
    """Wire variations a client must survive (PROTOCOLS E.1, E.2, E.4, F5, G.5).

    * ``reasoning_field``: name of the reasoning delta/message field in OpenAI framing
      (``reasoning_content`` default; ``reasoning`` = vLLM >= 0.16; ``both`` = vLLM 0.11.1-0.15).
    * ``usage``: usage placement in OpenAI framing: ``none`` | ``final`` (a ``choices:[]`` chunk) |
      ``finish`` (on the finish chunk, DeepSeek F5) | ``every`` (cumulative on every chunk,
      MaaS D.2).
      Default: MaaS ``every`` unless ``include_usage`` is false; compatible mode ``final`` only
      when ``stream_options.include_usage`` is true.
    * ``repeat_tool_ids``: ``fresh`` = a new ``chatcmpl-tool-<uuid>`` on every fragment (old vLLM),
      ``same`` = the first id repeated on every fragment.
    * ``content_with_finish``: the last content piece and ``finish_reason`` in one chunk.
    * ``reasoning_with_content``: one delta carries the last reasoning and the first content piece.
    * ``think_tags``: ``full`` or ``no_open`` (``<think>`` dropped, as vLLM without a reasoning
      parser does when the chat template opens the tag, PROTOCOLS F5b).
    * ``error_shape``: force one MaaS error body shape (PROTOCOLS D.4 / E.4).
    * ``drop_done``: no ``data: [DONE]`` terminator.
    * ``usage_details``: MaaS usage also reports reasoning / cached token details.
    """

    reasoning_field: str | None = None
    usage: str | None = None
    repeat_tool_ids: str | None = None
    content_with_finish: bool = False
    reasoning_with_content: bool = False
    think_tags: str = "full"
    error_shape: str | None = None
    drop_done: bool = False
    usage_details: bool = False

    def override(self, header: str) -> Quirks:
        """A copy with ``key=value;key=value`` applied; ValueError on unknown keys or values."""
        changes: dict[str, Any] = {}
        for item in filter(None, (part.strip() for part in header.split(";"))):
            key, _, value = (s.strip() for s in item.partition("="))
            changes[key] = _parse_value(key, value)
        return dataclasses.replace(self, **changes)


def _parse_value(key: str, value: str) -> Any:
    if key in _FLAGS:
        return value.lower() in _TRUE if value else True
    if key == "repeat_tool_ids" and value.lower() in (*_TRUE, ""):
        return "fresh"
    if key in _CHOICES:
        if value in ("", "default"):
            return None if key != "think_tags" else "full"
        if value not in _CHOICES[key]:
            raise ValueError(f"quirk {key}={value!r}: expected one of {_CHOICES[key]}")
        return value
    raise ValueError(f"unknown quirk {key!r}")


@dataclass
class EmulatorConfig:
    """Live configuration of one emulator instance.

    * ``api_key``: the key accepted by every inference API (``Authorization: Bearer <key>``).
    * ``quirks``: instance-wide quirk switches (``Quirks``).
    * ``services``: MaaS "My Services" id -> served model name; unknown ids serve
      ``default_service_model`` (a ``<think>``-in-content deployment).
    * ``faults``: queued fault specs (same JSON as the ``X-Emulator-Fault`` header); each applies
      to the next ``times`` (default 1) matching chat requests.
    """

    api_key: str = EMULATOR_API_KEY
    quirks: Quirks = field(default_factory=Quirks)
    services: dict[str, str] = field(default_factory=dict)
    default_service_model: str = DEFAULT_SERVICE_MODEL
    faults: list[dict[str, Any]] = field(default_factory=list)
    # Server-side write batching for long streams (bytes per socket write); small enough that a
    # streaming client still sees events arrive progressively.
    flush_bytes: int = 16384
