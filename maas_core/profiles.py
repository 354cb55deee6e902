"""Per-model capability facts (PROTOCOLS.md A.3, B.2, D.1, D.2), overridable, never raising.

A profile answers what a model accepts, so that requests are shaped before they are sent:
whether it reasons (always / switchable / never), how its thinking is switched on, whether it
can be forced to call a tool, which structured-output modes it has, whether it only streams.
Unknown models get a permissive default: the platform stays the judge of what it rejects.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["ModelProfile", "get_profile", "register_profile"]

Reasoning = Literal["always", "switchable", "never"]
ThinkingKey = Literal["enable_thinking", "thinking", "both"]


@dataclass(frozen=True, slots=True)
class ModelProfile:
    reasoning: Reasoning = "never"
    thinking_default: bool = False
    """For switchable models: whether thinking is on when the caller does not say."""
    thinking_key: ThinkingKey = "both"
    """Key in ``chat_template_kwargs``: DeepSeek ``thinking``, Qwen3 ``enable_thinking``."""
    thinking_budget: bool = False
    stream_only: bool = False
    """Non-streaming calls are rejected (QwQ, Qwen3 open-source): the client streams for you."""
    thinking_stream_only: bool = False
    """Thinking is rejected without streaming (Qwen3 commercial): the client streams for you."""
    think_tags: bool = False
    """Reasoning arrives inside ``content`` as ``<think>…</think>`` (no reasoning parser)."""
    tools: bool = True
    forced_tool_choice: bool = True
    forced_tool_choice_with_thinking: bool = True
    parallel_tool_calls: bool = True
    json_object: bool = True
    json_schema: bool = True
    json_with_thinking: bool = True
    images: bool = False
    reasoning_passback: bool = False
    """The platform needs the reasoning of the current tool loop sent back (DeepSeek-V3.2)."""
    context_window: int = 131072
    max_output: int = 8192

    def thinking_on(self, enable_thinking: bool | None) -> bool:
        """Whether a request with this ``enable_thinking`` setting will reason."""
        if self.reasoning == "always":
            return True
        if self.reasoning == "never":
            return bool(enable_thinking)
        return self.thinking_default if enable_thinking is None else enable_thinking

    def can_force_tool(self, enable_thinking: bool | None) -> bool:
        """Whether a ``tool_choice`` naming a tool (or ``required``) is accepted."""
        return self.forced_tool_choice and (
            self.forced_tool_choice_with_thinking or not self.thinking_on(enable_thinking)
        )

    def json_schema_usable(self, enable_thinking: bool | None) -> bool:
        """Whether ``response_format`` ``json_schema`` is accepted with this thinking setting."""
        return self.json_schema and (
            self.json_with_thinking or not self.thinking_on(enable_thinking)
        )

    def replace(self, **changes: Any) -> ModelProfile:
        return dataclasses.replace(self, **changes)


_DEFAULT = ModelProfile()

# DashScope: thinking models take only tool_choice auto/none and no JSON mode while thinking
# (A.3); Qwen3 commercial models think only when streaming; open-source Qwen3 / QwQ only stream.
_DS_HYBRID = ModelProfile(
    reasoning="switchable",
    thinking_key="enable_thinking",
    thinking_budget=True,
    thinking_stream_only=True,
    forced_tool_choice_with_thinking=False,
    json_with_thinking=False,
    parallel_tool_calls=True,
    context_window=131072,
    max_output=16384,
)
_DS_PLAIN = ModelProfile(context_window=131072, max_output=8192)
_DS_ALWAYS = ModelProfile(
    reasoning="always",
    thinking_key="enable_thinking",
    thinking_budget=True,
    forced_tool_choice=False,
    forced_tool_choice_with_thinking=False,
    json_object=False,
    json_schema=False,
    json_with_thinking=False,
    context_window=131072,
    max_output=16384,
)
_DS_DEEPSEEK_HYBRID = _DS_HYBRID.replace(thinking_stream_only=False, reasoning_passback=True)

_DASHSCOPE: tuple[tuple[str, ModelProfile], ...] = (
    (r"qwq", _DS_ALWAYS.replace(stream_only=True, tools=True)),
    (r"qvq", _DS_ALWAYS.replace(stream_only=True, tools=False, images=True)),
    (r"qwen3-vl", _DS_HYBRID.replace(images=True)),
    (r"qwen-vl|qwen2\.5-vl|qwen2-vl", _DS_PLAIN.replace(images=True, tools=False)),
    (r"qwen3-[\w.]*-thinking", _DS_ALWAYS.replace(stream_only=True)),
    (r"qwen3-[\w.]*-instruct", _DS_PLAIN),
    (r"qwen3-\d", _DS_HYBRID.replace(stream_only=True, thinking_default=True)),
    (r"qwen3-max", _DS_HYBRID.replace(context_window=262144, max_output=65536)),
    (r"qwen-(plus|flash|turbo)", _DS_HYBRID),
    (r"qwen-(max|long)", _DS_PLAIN),
    (r"deepseek-r1", _DS_ALWAYS.replace(forced_tool_choice=False, tools=True)),
    (r"deepseek-v3\.[12]", _DS_DEEPSEEK_HYBRID),
    (r"deepseek-v3", _DS_PLAIN.replace(context_window=65536)),
)

# MaaS V1 is an older vLLM: function calling only on DeepSeek models (D.1), thinking via
# chat_template_kwargs (D.2), no JSON-schema guarantee beyond what vLLM guided decoding gives.
_MAAS_V3 = ModelProfile(context_window=65536, max_output=8192, thinking_key="thinking")
_MAAS_HYBRID_DS = ModelProfile(
    reasoning="switchable",
    thinking_key="thinking",
    reasoning_passback=True,
    context_window=131072,
    max_output=16384,
)
_MAAS: tuple[tuple[str, ModelProfile], ...] = (
    (r"deepseek-r1-distill", ModelProfile(reasoning="always", think_tags=True, tools=False)),
    (
        r"deepseek-r1",
        ModelProfile(
            reasoning="always", context_window=65536, max_output=16384, forced_tool_choice=False
        ),
    ),
    (r"deepseek-v3\.[12]|deepseek-v4", _MAAS_HYBRID_DS),
    (r"deepseek-v3", _MAAS_V3),
    (r"qwen2\.5-vl|qwen-vl|qwen3-vl", ModelProfile(images=True, tools=False)),
    (r"qwen3-[\w.]*-thinking", ModelProfile(reasoning="always", tools=False)),
    (
        r"qwen3",
        ModelProfile(
            reasoning="switchable",
            thinking_default=True,
            thinking_key="enable_thinking",
            tools=False,
        ),
    ),
    (r"glm-5", ModelProfile(reasoning="switchable", thinking_default=True, context_window=200000)),
)

_TABLES: dict[str, tuple[tuple[str, ModelProfile], ...]] = {
    "maas": _MAAS,
    "dashscope": _DASHSCOPE,
}
_OVERRIDES: dict[tuple[str, str], ModelProfile] = {}


def register_profile(platform: str, model: str, profile: ModelProfile) -> None:
    """Declare the profile of a model this table does not know (or correct one)."""
    _OVERRIDES[(platform, model.lower())] = profile


def get_profile(
    platform: str, model: str, overrides: Mapping[str, Any] | None = None
) -> ModelProfile:
    """The profile of ``model`` on ``platform`` (``"maas"``, ``"dashscope"``, ...).

    Matching is case-insensitive on the family name; ``overrides`` replaces single fields.
    """
    name = model.lower()
    profile = _OVERRIDES.get((platform, name)) or _lookup(platform, name)
    return profile.replace(**overrides) if overrides else profile


def _lookup(platform: str, name: str) -> ModelProfile:
    for pattern, profile in _TABLES.get(platform, ()):
        if re.search(pattern, name):
            return profile
    return _DEFAULT
