"""Deterministic model registry: which names exist on which platform and what they can do.

Names are matched case-sensitively per platform, like the real platforms (PROTOCOLS D.1:
``DeepSeek-R1`` vs ``deepseek-r1-250528``). Capability classes mirror PROTOCOLS A.3 / D.2:

* ``always``  - always reasons (``DeepSeek-R1``, ``deepseek-r1``, ``qwq-plus``, thinking-2507);
* ``switchable`` - a thinking switch with a per-model default;
* ``never``   - no reasoning;
* ``think_tags`` - reasoning inline in ``content`` as ``<think>...</think>`` (vLLM without a
  reasoning parser, PROTOCOLS F5b).

The 2026 families (PROTOCOLS-2026 A.9.1, D.7.2) are here with their native endpoint, thinking
default, thinking-only / stream-only rules and extra thinking controls. Where the documents say
"unverified" the emulator takes one reading and says which: ``kimi-k2.6`` lives on
text-generation (clients that guess multimodal must repair), ``kimi-k2.5`` on multimodal.
Tests may add a model for a scenario with ``extra_model`` (e.g. a future ``qwen3.9-plus``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

MAAS = "maas"
DASHSCOPE = "dashscope"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    reasoning: str = "never"  # always | switchable | never
    thinking_default: bool = False
    # MaaS V1 switch key in chat_template_kwargs (D.2): DeepSeek "thinking", Qwen3
    # "enable_thinking".
    maas_thinking_key: str | None = None
    think_tags: bool = False
    vision: bool = False
    tools: bool = True
    json_schema: bool = True
    stream_only: bool = False  # any non-stream call -> 400 (QwQ, Qwen3 open-source thinking)
    thinking_stream_only: bool = False  # non-stream + thinking -> 400 (A.3)
    thinking_only: bool = False  # enable_thinking=false -> 400 (A.3)
    reasoning_passback: bool = False  # tool loop must send reasoning_content back (DeepSeek V3.2)
    message_format_default: bool = False  # native result_format default "message" (A.3)
    incremental_default: bool = False  # native incremental_output default true (A.3)
    max_output: int = 8192
    max_thinking_budget: int = 38912
    context_window: int = 131072
    native_endpoint: str = "text"  # DashScope native: "text" | "multimodal" (2026 A.9.1)
    reasoning_efforts: tuple[str, ...] = ()  # accepted reasoning_effort levels (A.9.4)
    preserve_thinking: bool = False  # accepts preserve_thinking (A.9.4)
    json_with_thinking: bool = False  # structured output while thinking (glm-4.5, A.9.5)

    def thinking(self, requested: bool | None) -> bool:
        """Effective thinking mode for a request that asked for ``requested`` (None = default)."""
        if self.reasoning == "always" or self.think_tags:
            return True
        if self.reasoning == "never":
            return False
        return self.thinking_default if requested is None else requested


_R = "always"
_S = "switchable"

_MAAS_MODELS = [
    ModelSpec("DeepSeek-R1", reasoning=_R, context_window=65536),
    ModelSpec("deepseek-r1-250528", reasoning=_R),
    ModelSpec("DeepSeek-V3", context_window=65536),
    ModelSpec(
        "qwen3-32b", reasoning=_S, thinking_default=True, maas_thinking_key="enable_thinking"
    ),
    ModelSpec("deepseek-v3.1", reasoning=_S, maas_thinking_key="thinking"),
    ModelSpec("deepseek-v3.2", reasoning=_S, maas_thinking_key="thinking", reasoning_passback=True),
    ModelSpec("qwen2.5-vl-72b", vision=True, context_window=32768),
    # PROTOCOLS-2026 D.7.2 / D.7.3 (V2 ``thinking: {"type"}``; glm-5.3 cannot switch it off).
    ModelSpec("glm-5.3", reasoning=_R, thinking_only=True, max_output=131072,
              context_window=1_000_000),
    ModelSpec("glm-5.2", reasoning=_S, thinking_default=True, maas_thinking_key="thinking",
              max_output=131072, context_window=1_000_000),
    ModelSpec("glm-5.1", reasoning=_S, thinking_default=True, maas_thinking_key="thinking",
              max_output=131072, context_window=202752),
    ModelSpec("deepseek-v4-pro", reasoning=_S, thinking_default=True,
              maas_thinking_key="thinking", reasoning_passback=True, max_output=393216,
              context_window=1_000_000),
    ModelSpec("deepseek-v4-flash", reasoning=_S, thinking_default=True,
              maas_thinking_key="thinking", reasoning_passback=True, max_output=393216,
              context_window=1_000_000),
    ModelSpec("deepseek-v4.1-flash", reasoning=_S, thinking_default=True,
              maas_thinking_key="thinking", reasoning_passback=True, max_output=393216,
              context_window=1_000_000),
    # Dify's MaaS list (D.7.2); thinking.type switch, default not documented: off here.
    ModelSpec("kimi-k2.6", reasoning=_S, maas_thinking_key="thinking", context_window=262144),
]

# Self-deployed "My Services" models (vLLM without reasoning parser); served via /v1/infers/{id}.
_SERVICE_MODELS = [
    ModelSpec("DeepSeek-R1-Distill-Qwen-1.5B", think_tags=True, context_window=20096),
]

_MSG: dict[str, Any] = {"message_format_default": True, "incremental_default": True}
_MM: dict[str, Any] = {"native_endpoint": "multimodal"}
_EFFORTS = ("low", "medium", "high", "xhigh")


def _qwen_2026(name: str, *, vision: bool = True, **changes: Any) -> ModelSpec:
    """A Qwen3.5+ model (PROTOCOLS-2026 A.9.1): multimodal endpoint, hybrid thinking ON,
    non-stream thinking allowed (A.9.4), json only with thinking off (A.9.5)."""
    spec = ModelSpec(
        name,
        reasoning=_S,
        thinking_default=True,
        vision=vision,
        json_schema=True,
        max_output=65536,
        max_thinking_budget=81920,
        context_window=1_000_000,
        **_MM,
    )
    return replace(spec, **changes)


_PRESERVE: dict[str, Any] = {"preserve_thinking": True}
_QWEN_2026 = [
    _qwen_2026("qwen3.8-max", vision=False, max_output=131072, max_thinking_budget=262144,
               **_PRESERVE),
    _qwen_2026("qwen3.8-flash", **_PRESERVE),
    _qwen_2026("qwen3.7-max", vision=False, **_PRESERVE),
    _qwen_2026("qwen3.7-max-preview", vision=False, reasoning=_R, thinking_only=True,
               **_PRESERVE),
    _qwen_2026("qwen3.7-plus", **_PRESERVE),
    _qwen_2026("qwen3.7-flash", **_PRESERVE),
    _qwen_2026("qwen3.6-max-preview", vision=False, **_PRESERVE),
    _qwen_2026("qwen3.6-plus", **_PRESERVE),
    _qwen_2026("qwen3.6-flash"),
    _qwen_2026("qwen3.5-plus"),
    _qwen_2026("qwen3.5-flash"),
    _qwen_2026("qwen3.5-397b-a17b", context_window=262144),
    _qwen_2026("qwen3.5-omni-plus", stream_only=True, **_MSG),  # Omni streams only (A.3)
]

_DASHSCOPE_MODELS = [
    ModelSpec("deepseek-r1", reasoning=_R, json_schema=False),
    ModelSpec(
        "qwen3-235b-a22b-thinking-2507",
        reasoning=_R,
        thinking_only=True,
        stream_only=True,
        json_schema=False,
        **_MSG,
    ),
    ModelSpec(
        "qwq-plus", reasoning=_R, thinking_only=True, stream_only=True, json_schema=False, **_MSG
    ),
    ModelSpec("deepseek-v3.1", reasoning=_S, json_schema=False),
    ModelSpec("deepseek-v3.2", reasoning=_S, reasoning_passback=True, json_schema=False),
    ModelSpec("qwen-plus", reasoning=_S, max_thinking_budget=38912),
    ModelSpec("qwen3-max", reasoning=_S, **_MSG),
    ModelSpec("qwen-flash", reasoning=_S),
    ModelSpec(
        "qwen3-32b",
        reasoning=_S,
        thinking_default=True,
        thinking_stream_only=True,
        json_schema=False,
        **_MSG,
    ),
    ModelSpec("qwen-turbo"),
    ModelSpec("qwen-max"),
    ModelSpec("qwen-vl-plus", vision=True, tools=False, json_schema=False, **_MM),
    ModelSpec("qwen3-vl-plus", reasoning=_S, vision=True, json_schema=False, **_MSG, **_MM),
    ModelSpec("qwen3-coder-plus", max_output=65536, context_window=262144),
    *_QWEN_2026,
    ModelSpec("deepseek-v4-pro", reasoning=_S, reasoning_passback=True,
              reasoning_efforts=_EFFORTS, json_schema=False, max_output=65536),
    ModelSpec("deepseek-v4-flash", reasoning=_S, reasoning_passback=True,
              reasoning_efforts=_EFFORTS, json_schema=False, max_output=65536),
    # Kimi on Model Studio: hybrid OFF; endpoint unverified (module docstring).
    ModelSpec("kimi-k2.6", reasoning=_S, preserve_thinking=True, max_output=32768),
    ModelSpec("kimi-k2.5", reasoning=_S, vision=True, max_output=32768, **_MM),
    ModelSpec("kimi/kimi-k2.6", reasoning=_S, thinking_default=True, preserve_thinking=True,
              max_output=32768, **_MM),
    ModelSpec("kimi-k2-thinking", reasoning=_R, thinking_only=True, json_with_thinking=True,
              max_output=32768),
    # GLM: hybrid ON on text-generation [INFER A.9.1]; MiniMax thinking-only.
    ModelSpec("glm-5.2", reasoning=_S, thinking_default=True, max_output=131072),
    ModelSpec("glm-5.1", reasoning=_S, thinking_default=True, max_output=131072),
    ModelSpec("glm-5", reasoning=_S, thinking_default=True, max_output=131072),
    ModelSpec("glm-4.7", reasoning=_S, thinking_default=True, max_output=131072),
    ModelSpec("glm-4.5", reasoning=_S, thinking_default=True, json_with_thinking=True),
    ModelSpec("MiniMax-M2.5", reasoning=_R, thinking_only=True, json_schema=False,
              max_output=131072),
]

_REGISTRY: dict[str, dict[str, ModelSpec]] = {
    MAAS: {m.name: m for m in _MAAS_MODELS},
    DASHSCOPE: {m.name: m for m in _DASHSCOPE_MODELS},
}
_SERVICES = {m.name: m for m in [*_SERVICE_MODELS, *_MAAS_MODELS]}


def lookup(platform: str, name: str) -> ModelSpec | None:
    """The model ``name`` on ``platform`` (``maas`` or ``dashscope``), case-sensitive."""
    return _REGISTRY[platform].get(name)


def dashscope_model(name: str, deployed: dict[str, str]) -> ModelSpec | None:
    """A DashScope model by name, or a RUNNING deployment of one (under its deployed name)."""
    spec = lookup(DASHSCOPE, name)
    if spec is None and name in deployed:
        base = lookup(DASHSCOPE, deployed[name])
        return replace(base, name=name) if base is not None else None
    return spec


def service_model(name: str) -> ModelSpec:
    """The model a "My Services" deployment serves; unknown names behave like plain vLLM models."""
    return _SERVICES.get(name) or replace(_SERVICE_MODELS[0], name=name, think_tags=False)


def names(platform: str) -> list[str]:
    return list(_REGISTRY[platform])


@contextmanager
def extra_model(platform: str, spec: ModelSpec) -> Iterator[ModelSpec]:
    """Serve ``spec`` on ``platform`` for the duration of a test scenario."""
    previous = _REGISTRY[platform].get(spec.name)
    _REGISTRY[platform][spec.name] = spec
    try:
        yield spec
    finally:
        if previous is None:
            _REGISTRY[platform].pop(spec.name, None)
        else:
            _REGISTRY[platform][spec.name] = previous
