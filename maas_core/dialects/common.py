"""Pieces both dialects share: messages, sampling, tools, usage, reasoning passback."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, NoReturn

from ..accumulate import StreamAccumulator
from ..errors import UnsupportedParameterError
from ..profiles import ModelProfile
from ..providers import Platform
from ..types import (
    ChatDelta,
    ChatRequest,
    Choice,
    ForcedTool,
    ImagePart,
    Message,
    ResponseFormat,
    ToolCallDelta,
    ToolSpec,
    Usage,
)

EMPTY_ASSISTANT = Message(role="assistant")
_SAMPLING = (
    "temperature",
    "max_tokens",
    "top_p",
    "top_k",
    "n",
    "seed",
    "presence_penalty",
    "frequency_penalty",
    "logprobs",
    "top_logprobs",
)


def unsupported(platform: Platform, parameter: str, why: str) -> NoReturn:
    raise UnsupportedParameterError(f"{platform.label} does not accept {parameter}: {why}")


def sampling(request: ChatRequest) -> dict[str, Any]:
    fields = {k: getattr(request, k) for k in _SAMPLING if getattr(request, k) is not None}
    if request.stop:
        fields["stop"] = list(request.stop)
    return fields


def with_passback(
    request: ChatRequest, profile: ModelProfile, thinking: bool
) -> Iterator[tuple[Message, bool]]:
    """Each message with whether its reasoning goes back on the wire (``ReasoningPassback``).

    ``auto`` sends the current tool loop's reasoning where the platform needs it (DeepSeek-V3.2)
    or offers to read it (``preserve_thinking`` models, PROTOCOLS-2026 A.9.4); an explicit
    ``preserve_thinking=True`` sends every turn's reasoning.
    """
    policy = request.reasoning_passback
    every = policy == "always" or (request.preserve_thinking is True and policy != "never")
    reads_back = profile.reasoning_passback or (
        profile.preserve_thinking and request.preserve_thinking is not False
    )
    last_user = max((i for i, m in enumerate(request.messages) if m.role == "user"), default=-1)
    for i, message in enumerate(request.messages):
        if message.role != "assistant" or not message.reasoning or policy == "never":
            yield message, False
        elif every:
            yield message, True
        else:  # auto: only the current tool loop, only where the platform reads it
            loop = i > last_user and bool(message.tool_calls)
            yield message, reads_back and thinking and loop


def preserve_thinking(
    request: ChatRequest, profile: ModelProfile, kept_reasoning: bool
) -> bool | None:
    """The ``preserve_thinking`` value to send (``None``: leave it out)."""
    if not profile.preserve_thinking:
        return None  # never sent where it is not accepted
    if request.preserve_thinking is not None:
        return request.preserve_thinking
    return True if kept_reasoning else None


def check_thinking_rules(
    request: ChatRequest, platform: Platform, profile: ModelProfile, thinking: bool
) -> None:
    """Refuse, before sending, what the platform would refuse for this thinking mode
    (PROTOCOLS-2026 A.9.4, A.9.5, D.7.2), with the fix in the message."""
    model = request.model
    if request.enable_thinking is False and profile.reasoning == "always":
        unsupported(
            platform,
            f"enable_thinking=False for {model}",
            "the model always thinks; leave enable_thinking unset or pick a hybrid model",
        )
    fmt = request.response_format
    if fmt is not None and thinking and not profile.json_with_thinking:
        default = " (it thinks by default)" if request.enable_thinking is None else ""
        unsupported(
            platform,
            f"response_format {fmt.type} for {model} while thinking{default}",
            "JSON mode is refused while the model thinks; pass enable_thinking=False, "
            "or use function calling for structured output",
        )
    _check_thinking_controls(request, platform, profile)


def _check_thinking_controls(
    request: ChatRequest, platform: Platform, profile: ModelProfile
) -> None:
    effort = request.reasoning_effort
    if effort is not None and effort not in profile.reasoning_effort:
        levels = ", ".join(profile.reasoning_effort)
        unsupported(
            platform,
            f"reasoning_effort={effort!r} for {request.model}",
            f"use one of {levels}"
            if levels
            else "its profile lists no reasoning_effort levels (if the model takes them, set "
            "profile_overrides={'reasoning_effort': (...)})",
        )
    budget = request.thinking_budget
    limit = profile.max_thinking_budget
    if budget is not None and (budget <= 0 or (limit is not None and budget > limit)):
        unsupported(
            platform,
            f"thinking_budget={budget} for {request.model}",
            f"it must be a positive integer not greater than {limit}"
            if limit
            else "it must be a positive integer",
        )
    if request.preserve_thinking is True and not profile.preserve_thinking:
        unsupported(
            platform,
            f"preserve_thinking for {request.model}",
            "its profile says it does not read earlier reasoning back; leave "
            "preserve_thinking unset (or set profile_overrides={'preserve_thinking': True})",
        )


def wire_message(message: Message, keep_reasoning: bool) -> dict[str, Any]:
    """An OpenAI-style message (also the DashScope native text endpoint's shape)."""
    wire: dict[str, Any] = {"role": message.role, "content": _openai_content(message)}
    if message.name:
        wire["name"] = message.name
    if message.tool_calls:
        wire["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in message.tool_calls
        ]
    if message.tool_call_id is not None:
        wire["tool_call_id"] = message.tool_call_id
    if keep_reasoning:
        wire["reasoning_content"] = message.reasoning
    return wire


def _openai_content(message: Message) -> Any:
    if isinstance(message.content, str):
        return message.content
    parts: list[dict[str, Any]] = []
    for part in message.content:
        if isinstance(part, ImagePart):
            image: dict[str, Any] = {"url": part.url}
            if part.detail:
                image["detail"] = part.detail
            parts.append({"type": "image_url", "image_url": image})
        else:
            parts.append({"type": "text", "text": part.text})
    return parts


def wire_tool(tool: ToolSpec) -> dict[str, Any]:
    function: dict[str, Any] = {
        "name": tool.name,
        "description": tool.description,
        "parameters": dict(tool.parameters),
    }
    if tool.strict is not None:
        function["strict"] = tool.strict
    return {"type": "function", "function": function}


def tool_and_format_fields(
    request: ChatRequest, platform: Platform, profile: ModelProfile, thinking: bool
) -> dict[str, Any]:
    """``tools``, ``tool_choice``, ``parallel_tool_calls`` and ``response_format``: one shape
    in both dialects (native puts them under ``parameters``)."""
    fields: dict[str, Any] = {}
    if request.tools:
        fields["tools"] = [wire_tool(t) for t in request.tools]
        choice = tool_choice(request, platform, profile, thinking)
        if choice is not None:
            fields["tool_choice"] = choice
        if request.parallel_tool_calls is not None:
            fields["parallel_tool_calls"] = request.parallel_tool_calls
    if request.response_format is not None:
        fields["response_format"] = wire_response_format(request.response_format)
    return fields


def tool_choice(
    request: ChatRequest, platform: Platform, profile: ModelProfile, thinking: bool
) -> Any:
    """The wire ``tool_choice`` the platform and model accept, or a clear error."""
    choice = request.tool_choice
    if choice is None or choice in ("auto", "none"):
        return choice
    if not profile.forced_tool_choice:
        unsupported(
            platform,
            f"a forced tool_choice for {request.model}",
            "the model only takes 'auto' or 'none'",
        )
    if thinking and not profile.forced_tool_choice_with_thinking:
        unsupported(
            platform,
            f"a forced tool_choice for {request.model} while thinking",
            "thinking models take only 'auto' or 'none'; pass enable_thinking=False "
            "to force a tool",
        )
    if isinstance(choice, ForcedTool):
        return _named(choice.name)
    if not platform.native_tool_choice:
        return "required"
    if len(request.tools) == 1:  # no "required" here: naming the only tool means the same
        return _named(request.tools[0].name)
    unsupported(
        platform,
        'tool_choice="required" with several tools',
        "it can only force one named tool; name one or bind a single tool",
    )


def _named(name: str) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name}}


def wire_response_format(fmt: ResponseFormat) -> dict[str, Any]:
    if fmt.type == "json_object":
        return {"type": "json_object"}
    schema: dict[str, Any] = {"name": fmt.name, "schema": dict(fmt.schema or {})}
    if fmt.strict is not None:
        schema["strict"] = fmt.strict
    return {"type": "json_schema", "json_schema": schema}


def check_accepted(body: Mapping[str, Any], platform: Platform) -> None:
    if platform.accepted_fields is None:
        return
    extra = sorted(set(body) - platform.accepted_fields)
    if extra:
        unsupported(platform, ", ".join(extra), "it rejects unknown body fields with HTTP 400")


def deep_merge(target: dict[str, Any], extra: Mapping[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            deep_merge(target[key], value)
        else:
            target[key] = value


def openai_usage(raw: Mapping[str, Any]) -> Usage:
    """OpenAI / vLLM / DashScope-compatible / DeepSeek usage (B.3, E.2, F5)."""
    prompt = raw.get("prompt_tokens") or 0
    completion = raw.get("completion_tokens") or 0
    details = raw.get("completion_tokens_details") or {}
    prompt_details = raw.get("prompt_tokens_details") or {}
    cached = prompt_details.get("cached_tokens")
    if cached is None:
        cached = raw.get("prompt_cache_hit_tokens", raw.get("cached_tokens"))
    return Usage(
        input_tokens=prompt,
        output_tokens=completion,
        total_tokens=raw.get("total_tokens") or prompt + completion,
        reasoning_tokens=details.get("reasoning_tokens", raw.get("reasoning_tokens")),
        cached_tokens=cached,
        raw=raw,
    )


def text_of(content: Any) -> str:
    """Content as text: a string, ``null``, or a list of text parts (multimodal answers)."""
    if isinstance(content, str):
        return content
    if not content:
        return ""
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return str(content)


def arguments_text(arguments: Any) -> str:
    """Tool-call arguments as JSON text; some servers send an object instead of a string."""
    if arguments is None:
        return ""
    return arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)


def tool_fragments(raw: Any) -> list[ToolCallDelta]:
    """Tool-call fragments of a delta or message; the index falls back to the position."""
    fragments = []
    for position, call in enumerate(raw):
        function = call.get("function") or {}
        fragment = ToolCallDelta(
            index=call.get("index", position),
            id=call.get("id") or None,
            name=function.get("name") or None,
            arguments=arguments_text(function.get("arguments")),
        )
        if fragment.id or fragment.name or fragment.arguments:  # qwen-max empty fragment (B.4)
            fragments.append(fragment)
    return fragments


def logprob_entries(logprobs: Any) -> tuple[Mapping[str, Any], ...]:
    """The token entries of a streamed ``logprobs`` object (``{"content": [...]}``)."""
    content = logprobs.get("content") if isinstance(logprobs, Mapping) else None
    return tuple(e for e in content if isinstance(e, Mapping)) if content else ()


def choice_from_delta(delta: ChatDelta, logprobs: Any = None) -> Choice:
    """A whole message read as one delta: the same merging rules as a stream."""
    accumulator = StreamAccumulator()
    accumulator.feed(delta)
    kept = logprobs if isinstance(logprobs, Mapping) else None
    return Choice(accumulator.message(), delta.finish_reason, kept)
