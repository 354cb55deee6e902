"""The OpenAI / vLLM wire: Huawei MaaS, DashScope compatible mode, any vLLM server.

Input flow: ``ChatRequest`` -> ``build_body`` (messages, sampling, tools, thinking switch of the
platform, fields the platform accepts). Output flow: chunk or response JSON -> ``parse_chunk`` /
``parse_result`` -> ``ChatDelta`` (one helper reads a streamed ``delta`` and a full ``message``).

Quirks read here (PROTOCOLS.md B.3, B.4, E.1, E.2, E.4, F5): ``reasoning_content`` (old vLLM,
DashScope, MaaS) and ``reasoning`` (vLLM >= 0.16) — both may come with the same text and are never
appended twice; reasoning and content in one delta; content and ``finish_reason`` in one chunk;
missing keys and ``null`` alike; empty tool-call fragments; error objects inside a 200 stream.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import error_from_payload
from ..profiles import ModelProfile
from ..providers import Platform
from ..types import ChatDelta, ChatRequest, ChatResult, Choice
from . import common

__all__ = ["build_body", "map_usage", "model_of", "parse_chunk", "parse_result", "usage_of"]


def build_body(
    request: ChatRequest, platform: Platform, profile: ModelProfile, base_url: str
) -> dict[str, Any]:
    thinking = profile.thinking_on(request.enable_thinking)
    common.check_thinking_rules(request, platform, profile, thinking)
    passback = list(common.with_passback(request, profile, thinking))
    body: dict[str, Any] = {
        "model": request.model,
        "messages": [common.wire_message(m, keep) for m, keep in passback],
    }
    body.update(common.sampling(request))
    body.update(common.tool_and_format_fields(request, platform, profile, thinking))
    body.update(_thinking_fields(request, platform, base_url, profile))
    if platform.thinking_style == "top_level":  # DashScope compatible mode (A.9.7)
        body.update(_dashscope_controls(request, profile, any(k for _, k in passback)))
    if request.stream:
        body["stream"] = True
        if platform.accepted_fields is None or "stream_options" in platform.accepted_fields:
            body["stream_options"] = {"include_usage": request.include_usage}
    common.check_accepted(body, platform)
    if request.extra_body:
        common.deep_merge(body, request.extra_body)
    return body


def _thinking_fields(
    request: ChatRequest, platform: Platform, base_url: str, profile: ModelProfile
) -> dict[str, Any]:
    on = request.enable_thinking
    if on is None and request.thinking_budget is None:
        return {}
    if platform.thinking_style == "top_level":  # DashScope compatible mode (B.2)
        fields: dict[str, Any] = {} if on is None else {"enable_thinking": on}
        if request.thinking_budget is not None:
            fields["thinking_budget"] = request.thinking_budget
        return fields
    if request.thinking_budget is not None:
        common.unsupported(platform, "thinking_budget", "it has no thinking budget")
    if on is None:
        return {}
    if platform.name == "maas" and base_url.rstrip("/").endswith("/v2"):  # D.2 V2 switch
        return {"thinking": {"type": "enabled" if on else "disabled"}}
    keys = (
        ("thinking", "enable_thinking")
        if profile.thinking_key == "both"
        else (profile.thinking_key,)
    )
    return {"chat_template_kwargs": dict.fromkeys(keys, on)}


def _dashscope_controls(
    request: ChatRequest, profile: ModelProfile, kept_reasoning: bool
) -> dict[str, Any]:
    """``reasoning_effort`` / ``preserve_thinking`` as top-level fields (A.9.4, A.9.7)."""
    fields: dict[str, Any] = {}
    if request.reasoning_effort is not None:
        fields["reasoning_effort"] = request.reasoning_effort
    preserve = common.preserve_thinking(request, profile, kept_reasoning)
    if preserve is not None:
        fields["preserve_thinking"] = preserve
    return fields


def parse_chunk(data: Mapping[str, Any], provider: str | None = None) -> ChatDelta:
    """One ``chat.completion.chunk`` (or an error object sent inside the stream).

    Usage and model are read apart (``usage_of``, ``model_of``): the stream needs them once.
    """
    if "error" in data or data.get("object") == "error":
        raise error_from_payload(data, provider=provider, in_stream=True)
    choices = data.get("choices")
    if not choices:
        return _NO_CHOICE
    choice = choices[0]  # n > 1 is never streamed (the client refuses it)
    delta = _delta_of(choice.get("delta") or _EMPTY, choice.get("finish_reason"), data.get("id"))
    logprobs = choice.get("logprobs")
    return delta._replace(logprobs=common.logprob_entries(logprobs)) if logprobs else delta


def usage_of(data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    usage: Mapping[str, Any] | None = data.get("usage")
    return usage


def model_of(data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(model, request id) of a chunk."""
    return data.get("model"), data.get("request_id")


map_usage = common.openai_usage


def parse_result(data: Mapping[str, Any], provider: str | None = None) -> ChatResult:
    """A non-streaming ``chat.completion``; every choice goes through the delta reader."""
    if "error" in data or data.get("object") == "error" or "choices" not in data:
        raise error_from_payload(data, status=200, provider=provider)
    usage = data.get("usage")
    choices = tuple(
        common.choice_from_delta(
            _delta_of(c.get("message") or _EMPTY, c.get("finish_reason")), c.get("logprobs"))
        for c in sorted(data["choices"], key=lambda c: c.get("index", 0))
    )
    return ChatResult(
        choices=choices or (Choice(common.EMPTY_ASSISTANT, None),),
        usage=common.openai_usage(usage) if usage else None,
        model=data.get("model"),
        id=data.get("id"),
    )


_EMPTY: Mapping[str, Any] = {}
_NO_CHOICE = ChatDelta()


def _delta_of(msg: Mapping[str, Any], finish_reason: Any, chunk_id: str | None = None) -> ChatDelta:
    """A streamed ``delta`` or a whole ``message``: the same fields, the same reader."""
    content = msg.get("content")
    if content.__class__ is not str:
        content = common.text_of(content)
    # Both names may carry the same text (vLLM 0.11.1-0.15): take one, never both (E.1).
    reasoning = msg.get("reasoning_content") or msg.get("reasoning") or ""
    raw_calls = msg.get("tool_calls")
    return ChatDelta(
        content,
        reasoning if reasoning.__class__ is str else "",
        tuple(common.tool_fragments(raw_calls)) if raw_calls else (),
        None,
        finish_reason or None,
        None,
        chunk_id,
    )
