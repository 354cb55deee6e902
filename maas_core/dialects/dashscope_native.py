"""The DashScope native wire (PROTOCOLS.md A): ``input`` / ``parameters`` body, own SSE framing.

Input flow: ``ChatRequest`` -> ``build_body``: always ``result_format: "message"`` (needed for
thinking and tools), ``incremental_output: true`` when streaming (thinking requires it, A.9);
images, and the models whose profile says so (Qwen3.5+, PROTOCOLS-2026 A.9.1), go to the
multimodal endpoint, where every message's content is a list of ``{"text"}`` / ``{"image"}``
objects, assistant history included (A.9.3); SSE is asked for by header, there is no ``stream``
field (A.3).
Output flow: ``event:result`` frames -> ``parse_event`` -> ``ChatDelta``: finish reasons arrive as
the *string* ``"null"`` until the end, usage is cumulative on every event, there is no ``[DONE]``
(the stream ends after the finishing event); ``event:error`` frames raise the typed error.
Multimodal answers carry ``content`` as a list (``[]`` on reasoning-only and tool-call events)
and usage with ``input_tokens_details`` / ``image_tokens`` / ``output_tokens_details.text_tokens``
(A.9.6): answer tokens are ``output_tokens - reasoning_tokens``, never ``text_tokens``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import error_from_payload
from ..profiles import ModelProfile
from ..providers import Platform
from ..types import ChatDelta, ChatRequest, ChatResult, Choice, ImagePart, Message, Usage
from . import common

__all__ = [
    "build_body",
    "chat_path",
    "map_usage",
    "model_of",
    "parse_event",
    "parse_result",
    "stream_headers",
    "usage_of",
]

STREAM_HEADERS = {"X-DashScope-SSE": "enable", "Accept": "text/event-stream"}


def stream_headers() -> dict[str, str]:
    return dict(STREAM_HEADERS)


def chat_path(request: ChatRequest, platform: Platform, profile: ModelProfile) -> str:
    """The native endpoint: multimodal for images and for the models that live there."""
    multimodal = profile.native_endpoint == "multimodal" or any(
        m.has_images for m in request.messages
    )
    return (
        platform.multimodal_path
        if multimodal and platform.multimodal_path
        else (platform.chat_path)
    )


def build_body(
    request: ChatRequest, platform: Platform, profile: ModelProfile, base_url: str
) -> dict[str, Any]:
    thinking = profile.thinking_on(request.enable_thinking)
    common.check_thinking_rules(request, platform, profile, thinking)
    multimodal = chat_path(request, platform, profile) == platform.multimodal_path
    passback = list(common.with_passback(request, profile, thinking))
    messages = [_native_message(m, keep, multimodal) for m, keep in passback]
    if request.frequency_penalty is not None:
        common.unsupported(
            platform, "frequency_penalty", "use presence_penalty or repetition_penalty (extra_body)"
        )
    parameters: dict[str, Any] = {"result_format": "message"}
    if request.stream:
        parameters["incremental_output"] = True
    parameters.update(common.sampling(request))
    parameters.pop("frequency_penalty", None)
    parameters.update(common.tool_and_format_fields(request, platform, profile, thinking))
    if request.enable_thinking is not None:
        parameters["enable_thinking"] = request.enable_thinking
    if request.thinking_budget is not None:
        parameters["thinking_budget"] = request.thinking_budget
    if request.reasoning_effort is not None:  # checked against the profile (A.9.4)
        parameters["reasoning_effort"] = request.reasoning_effort
    preserve = common.preserve_thinking(request, profile, any(keep for _, keep in passback))
    if preserve is not None:
        parameters["preserve_thinking"] = preserve
    if request.extra_body:  # DashScope-only knobs (enable_search, repetition_penalty, ...)
        common.deep_merge(parameters, request.extra_body)
    return {"model": request.model, "input": {"messages": messages}, "parameters": parameters}


def _native_message(message: Message, keep_reasoning: bool, multimodal: bool) -> dict[str, Any]:
    wire = common.wire_message(message, keep_reasoning)
    if multimodal:
        wire["content"] = _multimodal_content(message)
    elif not isinstance(message.content, str):
        wire["content"] = message.text  # the text endpoint takes strings only (A.3)
    return wire


def _multimodal_content(message: Message) -> list[dict[str, str]]:
    if isinstance(message.content, str):
        return [{"text": message.content}]
    return [
        {"image": p.url} if isinstance(p, ImagePart) else {"text": p.text} for p in message.content
    ]


def parse_event(event: str, data: Mapping[str, Any], provider: str | None = None) -> ChatDelta:
    """One SSE frame's JSON; ``event`` is the frame's ``event:`` field."""
    if event == "error" or ("code" in data and "output" not in data):
        raise error_from_payload(data, provider=provider, in_stream=True)
    output = data.get("output") or _EMPTY
    choices = output.get("choices")
    choice = (
        choices[0]
        if choices
        else {
            "message": {"content": output.get("text")},
            "finish_reason": output.get("finish_reason"),
        }
    )
    delta = _choice_delta(choice, data.get("request_id"))
    logprobs = choice.get("logprobs")
    return delta._replace(logprobs=common.logprob_entries(logprobs)) if logprobs else delta


def usage_of(data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    usage: Mapping[str, Any] | None = data.get("usage")
    return usage


def model_of(data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(model, request id) of an event; the native wire never names the model (A.4)."""
    return None, data.get("request_id")


def parse_result(data: Mapping[str, Any], provider: str | None = None) -> ChatResult:
    if "output" not in data:
        raise error_from_payload(data, status=200, provider=provider)
    output = data["output"] or {}
    raw_choices = output.get("choices") or [
        {"message": {"content": output.get("text")}, "finish_reason": output.get("finish_reason")}
    ]
    choices = tuple(
        common.choice_from_delta(_choice_delta(c), c.get("logprobs")) for c in raw_choices)
    usage = data.get("usage")
    return ChatResult(
        choices=choices or (Choice(common.EMPTY_ASSISTANT, None),),
        usage=native_usage(usage) if usage else None,
        id=data.get("request_id"),
        request_id=data.get("request_id"),
    )


_EMPTY: Mapping[str, Any] = {}


def _choice_delta(choice: Mapping[str, Any], request_id: str | None = None) -> ChatDelta:
    message = choice.get("message") or _EMPTY
    finish = choice.get("finish_reason")
    # The string "null" means "not finished yet" (A.5 rule 2).
    finish = None if finish in (None, "", "null") else finish
    content = message.get("content")
    if content.__class__ is not str:
        content = common.text_of(content)  # list of {"text"} parts (multimodal, A.8)
    reasoning = message.get("reasoning_content") or ""
    raw_calls = message.get("tool_calls")
    return ChatDelta(
        content,
        reasoning if reasoning.__class__ is str else "",
        tuple(common.tool_fragments(raw_calls)) if raw_calls else (),
        None,
        finish,
        None,
        request_id,
    )


def native_usage(raw: Mapping[str, Any]) -> Usage:
    """Native usage (A.4): cumulative on every event; cached tokens in two possible places."""
    prompt = raw.get("input_tokens") or 0
    output = raw.get("output_tokens") or 0
    details = raw.get("output_tokens_details") or {}
    cached = (raw.get("prompt_tokens_details") or {}).get("cached_tokens")
    return Usage(
        input_tokens=prompt,
        output_tokens=output,
        total_tokens=raw.get("total_tokens") or prompt + output,
        reasoning_tokens=details.get("reasoning_tokens"),
        cached_tokens=cached if cached is not None else raw.get("cached_tokens"),
        raw=raw,
    )


map_usage = native_usage
