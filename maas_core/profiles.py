"""Per-model capability facts (PROTOCOLS.md A.3, B.2, D.1, D.2; PROTOCOLS-2026 A.9, D.7),
overridable, never raising.

A profile answers what a model accepts, so that requests are shaped before they are sent:
whether it reasons (always / switchable / never), how its thinking is switched on, whether it
can be forced to call a tool, which structured-output modes it has, whether it only streams,
which DashScope native endpoint serves it.

Profiles are layered, most specific last: the built-in family table (rules that generalise to
the next generation: a ``qwen3.9-plus`` or ``qwen4-plus`` is treated like the newest Qwen
generation) -> what the platform's catalogue said (``remember_catalogue``, from discovery) ->
facts learned in this process from a repaired rejection (``learn``, see ``maas_core.repairs``)
-> the caller's overrides. Unknown models get a permissive default: the platform stays the
judge of what it rejects.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "ModelProfile",
    "forget_catalogue",
    "forget_learned",
    "get_profile",
    "learn",
    "register_profile",
    "remember_catalogue",
]

Reasoning = Literal["always", "switchable", "never"]
ThinkingKey = Literal["enable_thinking", "thinking", "both"]
NativeEndpoint = Literal["text", "multimodal"]


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
    native_endpoint: NativeEndpoint = "text"
    """DashScope native API: ``text`` (text-generation) or ``multimodal`` (multimodal-generation,
    also for text-only calls of the Qwen3.5+ families, PROTOCOLS-2026 A.9.1)."""
    max_thinking_budget: int | None = None
    preserve_thinking: bool = False
    """DashScope ``preserve_thinking``: earlier turns' reasoning is read back (A.9.4)."""
    reasoning_effort: tuple[str, ...] = ()
    """Accepted ``reasoning_effort`` levels; empty: the parameter is not accepted (A.9.4)."""

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
# (A.3, PROTOCOLS-2026 A.9.5); open-source Qwen3 / QwQ only stream.
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
# json_schema is a Qwen feature on DashScope ("仅支持 qwen-plus 系列部分模型", A.9.5).
_DS_DEEPSEEK_HYBRID = _DS_HYBRID.replace(
    thinking_stream_only=False, reasoning_passback=True, json_schema=False
)
# 2026: commercial thinking also answers without streaming (PROTOCOLS-2026 A.9.4).
_DS_HYBRID_ON = _DS_HYBRID.replace(thinking_default=True, thinking_stream_only=False)
_DS_VL = _DS_PLAIN.replace(images=True, tools=False, native_endpoint="multimodal")

# The Qwen3.5+ generations (A.9.1): multimodal endpoint even for text, hybrid thinking ON.
_DS_QWEN_2026 = _DS_HYBRID_ON.replace(
    native_endpoint="multimodal", images=True, context_window=1_000_000, max_output=65536
)
# A.9.4: thinking-only snapshots of qwen3.7-max.
_QWEN_THINKING_ONLY = re.compile(r"-thinking|qwen3\.7-max-(preview|2026-05-17)")
_QWEN_GENERATION = re.compile(r"(?:^|/)qwen(\d+(?:\.\d+)?)(?=-|$)")
_QWEN_2026 = (3, 5)

_DEEPSEEK_EFFORT = ("low", "medium", "high", "xhigh")  # A.9.4, deepseek-v4 on DashScope

_DASHSCOPE: tuple[tuple[str, ModelProfile], ...] = (
    (r"qwq", _DS_ALWAYS.replace(stream_only=True, tools=True)),
    (r"qvq", _DS_ALWAYS.replace(stream_only=True, tools=False, images=True,
                                native_endpoint="multimodal")),
    (r"qwen3-vl", _DS_HYBRID.replace(images=True, native_endpoint="multimodal",
                                     json_schema=False)),
    (r"qwen-vl|qwen2\.5-vl|qwen2-vl", _DS_VL),
    (r"qwen-omni|qwen2\.5-omni", _DS_VL.replace(stream_only=True)),  # A.3: Omni streams only
    (r"qwen3-coder", _DS_PLAIN.replace(context_window=262144, max_output=65536)),
    (r"qwen3-[\w.]*-thinking", _DS_ALWAYS.replace(stream_only=True)),
    (r"qwen3-[\w.]*-instruct", _DS_PLAIN),
    (r"qwen3-\d", _DS_HYBRID.replace(stream_only=True, thinking_default=True)),
    (r"qwen3-max", _DS_HYBRID.replace(context_window=262144, max_output=65536)),
    (r"qwen-(plus|flash|turbo)", _DS_HYBRID),
    (r"qwen-(max|long)", _DS_PLAIN),
    (r"deepseek-r1", _DS_ALWAYS.replace(forced_tool_choice=False, tools=True)),
    # A.9.1 / A.9.4: deepseek-v4 (and later) on text-generation, thinking OFF, reasoning_effort.
    (r"deepseek-v(4|[5-9]|\d\d)", _DS_DEEPSEEK_HYBRID.replace(
        reasoning_effort=_DEEPSEEK_EFFORT, context_window=1_000_000, max_output=65536)),
    (r"deepseek-v3\.[12]", _DS_DEEPSEEK_HYBRID),
    (r"deepseek-v3", _DS_PLAIN.replace(context_window=65536)),
    # Kimi (A.9.1, A.9.4): endpoint unverified, tried multimodal first (repairs fall back);
    # thinking-only: -thinking, k2.7-code, kimi/kimi-k3; Moonshot-deployed ``kimi/`` ON.
    (r"kimi-k2-thinking", _DS_ALWAYS.replace(tools=True, json_with_thinking=True)),  # text-only
    (r"kimi-k2\.7-code|kimi/kimi-k[3-9]", _DS_ALWAYS.replace(
        tools=True, native_endpoint="multimodal", preserve_thinking=True)),
    (r"kimi/kimi-k2\.[5-9]", _DS_HYBRID_ON.replace(
        native_endpoint="multimodal", preserve_thinking=True, context_window=262144)),
    (r"kimi-k2\.[6-9]|kimi-k[3-9]", _DS_HYBRID.replace(
        thinking_stream_only=False, native_endpoint="multimodal", preserve_thinking=True,
        images=True, context_window=262144)),
    (r"kimi-k2\.5", _DS_HYBRID.replace(
        thinking_stream_only=False, native_endpoint="multimodal", images=True,
        context_window=262144)),
    (r"minimax", _DS_ALWAYS.replace(tools=True, context_window=204800, max_output=131072)),
    # GLM (A.9.1, A.9.5): thinking ON; glm-4.5 / -air keep structured output while thinking.
    (r"glm-4\.5", _DS_HYBRID_ON.replace(json_with_thinking=True)),
    (r"glm-(4\.[6-9]|[5-9])", _DS_HYBRID_ON.replace(context_window=202752, max_output=131072)),
)

# MaaS V1 is an older vLLM: function calling only on DeepSeek models (D.1), thinking via
# chat_template_kwargs (D.2), no JSON-schema guarantee beyond what vLLM guided decoding gives.
# V2 switches thinking with ``thinking: {"type"}`` (PROTOCOLS-2026 D.7.3).
_MAAS_V3 = ModelProfile(context_window=65536, max_output=8192, thinking_key="thinking")
_MAAS_HYBRID_DS = ModelProfile(
    reasoning="switchable",
    thinking_key="thinking",
    reasoning_passback=True,
    context_window=131072,
    max_output=16384,
)
_MAAS_GLM = ModelProfile(
    reasoning="switchable", thinking_default=True, context_window=1_000_000, max_output=131072
)
_MAAS: tuple[tuple[str, ModelProfile], ...] = (
    (r"deepseek-r1-distill", ModelProfile(reasoning="always", think_tags=True, tools=False)),
    (
        r"deepseek-r1",
        ModelProfile(
            reasoning="always", context_window=65536, max_output=16384, forced_tool_choice=False
        ),
    ),
    # D.7.2 / D.7.3: DeepSeek-V4 (and v4.1) think by default on MaaS; 1M context, 384K out.
    (r"deepseek-v(4|[5-9]|\d\d)", _MAAS_HYBRID_DS.replace(
        thinking_default=True, context_window=1_000_000, max_output=393216)),
    (r"deepseek-v3\.[12]", _MAAS_HYBRID_DS),
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
    (r"glm-5\.3", _MAAS_GLM.replace(reasoning="always")),  # D.7.2: cannot be switched off
    (r"glm-5\.1", _MAAS_GLM.replace(context_window=202752)),
    (r"glm-([5-9])", _MAAS_GLM),
    (r"kimi-k2\.[5-9]|kimi-k[3-9]", ModelProfile(reasoning="switchable", context_window=262144)),
)

_TABLES: dict[str, tuple[tuple[str, ModelProfile], ...]] = {
    "maas": _MAAS,
    "dashscope": _DASHSCOPE,
}
_OVERRIDES: dict[tuple[str, str], ModelProfile] = {}
_CATALOGUE: dict[tuple[str, str], dict[str, Any]] = {}
_LEARNED: dict[tuple[str, str], dict[str, Any]] = {}


def register_profile(platform: str, model: str, profile: ModelProfile) -> None:
    """Declare the profile of a model this table does not know (or correct one)."""
    _OVERRIDES[(platform, model.lower())] = profile


def remember_catalogue(platform: str, model: str, facts: Mapping[str, Any]) -> None:
    """Record what the platform's model catalogue says about ``model`` (profile field values)."""
    _CATALOGUE[(platform, model.lower())] = dict(facts)


def learn(platform: str, model: str, **facts: Any) -> None:
    """Remember, for this process, a fact learned from a repaired rejection."""
    _LEARNED.setdefault((platform, model.lower()), {}).update(facts)


def learned(platform: str, model: str) -> dict[str, Any]:
    """The facts learned in this process about ``model`` (empty when none)."""
    return dict(_LEARNED.get((platform, model.lower()), {}))


def forget_learned() -> None:
    """Forget every learned fact (tests; a long-lived process after a platform change)."""
    _LEARNED.clear()


def forget_catalogue() -> None:
    """Forget what catalogues said (tests; before reading a catalogue again)."""
    _CATALOGUE.clear()


def get_profile(
    platform: str, model: str, overrides: Mapping[str, Any] | None = None
) -> ModelProfile:
    """The profile of ``model`` on ``platform`` (``"maas"``, ``"dashscope"``, ...).

    Matching is case-insensitive on the family name; then the catalogue's facts, the facts
    learned in this process and ``overrides`` (single fields) are applied, in that order.
    """
    name = model.lower()
    profile = _OVERRIDES.get((platform, name)) or _lookup(platform, name)
    for layer in (_CATALOGUE.get((platform, name)), _LEARNED.get((platform, name)), overrides):
        if layer:
            profile = profile.replace(**layer)
    return profile


def _lookup(platform: str, name: str) -> ModelProfile:
    if platform == "dashscope":
        qwen = _qwen_2026(name)
        if qwen is not None:
            return qwen
    for pattern, profile in _TABLES.get(platform, ()):
        if re.search(pattern, name):
            return profile
    return _DEFAULT


def _qwen_2026(name: str) -> ModelProfile | None:
    """Qwen3.5 and every later generation (``qwen3.9-plus``, ``qwen4-max``): A.9.1 rules."""
    match = _QWEN_GENERATION.search(name)
    if match is None or "vl" in name.split("-"):
        return None
    generation = tuple(int(part) for part in match.group(1).split("."))
    if generation < _QWEN_2026:
        return None
    profile = _DS_QWEN_2026
    if _QWEN_THINKING_ONLY.search(name):
        profile = _DS_ALWAYS.replace(
            tools=True, native_endpoint="multimodal", context_window=1_000_000, max_output=65536
        )
    if "omni" in name:  # Qwen-Omni streams only (PROTOCOLS A.3)
        profile = profile.replace(stream_only=True)
    if "max" in name:  # text-only input (A.9.1: qwen3.8-max / qwen3.7-max catalogues)
        profile = profile.replace(images=False, max_output=131072)
    if generation >= (3, 8) and "max" in name:
        profile = profile.replace(max_thinking_budget=262144)
    # A.9.4 (Sep 2026): 3.7 and later, and the 3.6 plus / max models, take preserve_thinking.
    if generation >= (3, 7) or (("plus" in name or "max" in name) and generation >= (3, 6)):
        profile = profile.replace(preserve_thinking=True)
    if re.search(r"-\d+b(-|$)", name):  # open weights: 256K context
        profile = profile.replace(context_window=262144, preserve_thinking=False)
    return profile
