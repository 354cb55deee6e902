"""DashScope request validation shared by the native and compatible-mode routes.

Messages are the exact 400 texts of PROTOCOLS A.3 / A.7 and PROTOCOLS-2026 A.9.2-A.9.5; the
compatible mode renders the same errors in its nested shape (B.5).
"""

from __future__ import annotations

from typing import Any

from maas_core.emulator import wire
from maas_core.emulator.errors import PlatformError
from maas_core.emulator.models import ModelSpec

# PROTOCOLS-2026 A.9.2 (real body): full-width "！" and the 2026 "For details" suffix.
URL_ERROR = (
    "url error, please check url！ For details, see: "
    "https://help.aliyun.com/zh/model-studio/error-code#error-url"
)
_MODALS = frozenset({"text", "image", "video", "audio"})
_ROLES = '["user","assistant","system","function","plugin","tool"]'
_LAST_ROLES = '["user","function","tool"]'


def bad(message: str, code: str = "InvalidParameter") -> PlatformError:
    return PlatformError(400, code, message)


def check_messages(messages: list[dict[str, Any]], spec: ModelSpec) -> None:
    if not messages:
        raise bad('Either "prompt" or "messages" must exist and cannot both be none')
    if messages[-1].get("role") not in ("user", "function", "tool"):
        raise bad(f"Role must be in {_ROLES} and the role in last message must be in {_LAST_ROLES}")
    for i, message in enumerate(messages):
        if message.get("role") == "tool" and not _follows_tool_calls(messages, i):
            raise bad(
                'messages with role "tool" must be a response to a preceeding message with '
                '"tool_calls"'
            )
        if message.get("has_image") and not spec.vision:
            raise bad("input content must be a string.")


def _follows_tool_calls(messages: list[dict[str, Any]], i: int) -> bool:
    for previous in reversed(messages[:i]):
        if previous.get("role") == "tool":
            continue
        return previous.get("role") == "assistant" and bool(previous.get("tool_calls"))
    return False


def check_sampling(params: dict[str, Any], spec: ModelSpec) -> None:
    temperature, top_p = params.get("temperature"), params.get("top_p")
    if temperature is not None and not 0 <= temperature < 2:
        raise bad("Temperature should be in [0.0, 2.0)")
    if top_p is not None and not 0 < top_p <= 1:
        raise bad("Range of top_p should be (0.0, 1.0]")
    max_tokens = params.get("max_tokens")
    if max_tokens is not None and not 1 <= max_tokens <= spec.max_output:
        raise bad(f"Range of max_tokens should be [1, {spec.max_output}]")
    top_k = params.get("top_k")
    if top_k is not None and top_k < 0:
        raise bad("Parameter top_k be greater than or equal to 0")
    penalty = params.get("repetition_penalty")
    if penalty is not None and penalty <= 0:
        raise bad("Repetition_penalty should be greater than 0.0")


def resolve_thinking(params: dict[str, Any], spec: ModelSpec, stream: bool) -> bool:
    """Effective thinking mode, with the A.3 errors for impossible combinations."""
    requested = params.get("enable_thinking")
    if requested is True and spec.reasoning == "never":
        raise bad(
            f"The model {spec.name} does not support enable_thinking.",
            "InvalidParameter.NotSupportEnableThinking",
        )
    if requested is False and spec.thinking_only:
        raise bad("The value of the enable_thinking parameter is restricted to True.")
    thinking = spec.thinking(requested)
    if not stream and spec.stream_only:
        raise bad(
            "This model only support stream mode, please enable the stream parameter to access "
            "the model."
        )
    if not stream and thinking and spec.thinking_stream_only:
        raise bad("parameter.enable_thinking must be set to false for non-streaming calls")
    budget = params.get("thinking_budget")
    if budget is not None and (
        not isinstance(budget, int) or not 0 < budget <= spec.max_thinking_budget
    ):
        raise bad(
            "The thinking_budget parameter must be a positive integer and not greater than "
            f"{spec.max_thinking_budget}"
        )
    return thinking


def check_tools(params: dict[str, Any], spec: ModelSpec, thinking: bool) -> None:
    tools = wire.functions(params.get("tools"))
    if not tools:
        return
    if not spec.tools:
        raise bad("The tool call is not supported.")
    if any(t.get("name") == "search" for t in tools):
        raise bad("Tool names are not allowed to be [search]")
    if thinking and wire.forced_tool(params.get("tool_choice")):
        raise bad('tool_choice is one of the strings that should be ["none", "auto"]')


def check_multimodal_content(messages: list[dict[str, Any]]) -> None:
    """A.9.3: each content item is a one-modality object."""
    for message in messages:
        content = message.get("content")
        for item in content if isinstance(content, list) else ():
            if not isinstance(item, dict) or not set(item) <= _MODALS or len(item) != 1:
                raise bad("The item of content should be a message of a certain modal.")


def check_reasoning_effort(params: dict[str, Any], spec: ModelSpec) -> None:
    """A.9.4: ``reasoning_effort`` on deepseek-v4 only, one of its levels. [INFER] texts."""
    effort = params.get("reasoning_effort")
    if effort is None:
        return
    if not spec.reasoning_efforts:
        raise bad(f"The reasoning_effort parameter is not supported by model {spec.name}.")
    if effort not in spec.reasoning_efforts:
        levels = ", ".join(spec.reasoning_efforts)
        raise bad(f"The reasoning_effort parameter must be one of [{levels}].")


def check_response_format(
    params: dict[str, Any], messages: list[dict[str, Any]], spec: ModelSpec, thinking: bool
) -> None:
    kind = (params.get("response_format") or {}).get("type")
    if kind not in ("json_object", "json_schema"):
        return
    if thinking and not spec.json_with_thinking:
        raise bad("Json mode response is not supported when enable_thinking is true")
    if kind == "json_schema" and not spec.json_schema:
        raise bad(f"The json_schema response format is not supported by model {spec.name}.")
    if kind == "json_object" and not any("json" in m["text"].lower() for m in messages):
        raise bad(
            "'messages' must contain the word 'json' in some form, to use 'response_format' of "
            "type 'json_object'."
        )


def check_passback(messages: list[dict[str, Any]], spec: ModelSpec, thinking: bool) -> None:
    if spec.reasoning_passback and thinking:
        index = wire.missing_passback(messages)
        if index is not None:
            raise bad(wire.passback_message(index))


def check_request(
    params: dict[str, Any], spec: ModelSpec, messages: list[dict[str, Any]], stream: bool
) -> bool:
    """All shared DashScope checks; returns the effective thinking mode."""
    check_messages(messages, spec)
    check_sampling(params, spec)
    thinking = resolve_thinking(params, spec, stream)
    check_tools(params, spec, thinking)
    check_response_format(params, messages, spec, thinking)
    check_reasoning_effort(params, spec)
    check_passback(messages, spec, thinking)
    return thinking
