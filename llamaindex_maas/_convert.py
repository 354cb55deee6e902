"""LlamaIndex types <-> maas_core's neutral types. Pure functions, no I/O.

Input flow:  ``ChatMessage`` (TextBlock, ImageBlock, ThinkingBlock, ToolCallBlock) -> ``Message``;
``BaseTool`` / OpenAI tool dicts -> ``ToolSpec``; ``tool_choice`` in any LlamaIndex spelling ->
``ToolChoice``.
Output flow: ``ChatResult`` -> ``ChatMessage`` with a ``ThinkingBlock`` first, then the text,
then one ``ToolCallBlock`` per call; ``Usage`` -> ``additional_kwargs`` and ``raw["usage"]``.
Streams go through ``MessageBuilder``, which keeps one message and appends to its blocks.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from llama_index.core.base.llms.types import (
    CachePoint,
    ChatMessage,
    ChatResponse,
    CompletionResponse,
    ImageBlock,
    LogProb,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)
from llama_index.core.llms.utils import parse_partial_json

from maas_core import (
    ChatDelta,
    ChatResult,
    ContentPart,
    ForcedTool,
    ImagePart,
    Message,
    ResponseFormat,
    TextPart,
    ToolCall,
    ToolCallDelta,
    ToolChoice,
    ToolSpec,
    Usage,
)

__all__ = [
    "ChatStream",
    "MessageBuilder",
    "chat_response",
    "completion_response",
    "partial_tool_kwargs",
    "raw_of",
    "to_chat_message",
    "to_core_messages",
    "to_response_format",
    "to_tool_choice",
    "to_tool_spec",
    "tool_kwargs",
    "usage_kwargs",
]

_ROLES: dict[str, str] = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "assistant": "assistant",
    "model": "assistant",
    "chatbot": "assistant",
    "tool": "tool",
    "function": "tool",
}


# -- input ---------------------------------------------------------------------------------


def to_core_messages(messages: Iterable[ChatMessage]) -> tuple[Message, ...]:
    """The core's messages for LlamaIndex chat history."""
    return tuple(to_core_message(m) for m in messages)


def to_core_message(message: ChatMessage) -> Message:
    """One ``ChatMessage``: text and image blocks become content, a ``ThinkingBlock`` the
    reasoning (sent back only as the ``reasoning_passback`` policy says), ``ToolCallBlock``s the
    tool calls; a tool result's id comes from ``additional_kwargs["tool_call_id"]``."""
    role = _ROLES.get(_role_value(message.role))
    if role is None:
        raise ValueError(f"unsupported message role {message.role!r}")
    parts, reasoning, calls = _split_blocks(message.blocks)
    extra = message.additional_kwargs
    reasoning = reasoning or extra.get("reasoning_content") or None
    calls = calls or tuple(_legacy_tool_call(c) for c in extra.get("tool_calls") or ())
    return Message(
        role=role,  # type: ignore[arg-type]
        content=_content(parts),
        reasoning=reasoning if role == "assistant" else None,
        tool_calls=calls if role == "assistant" else (),
        tool_call_id=extra.get("tool_call_id") if role == "tool" else None,
        name=extra.get("name"),
    )


def _role_value(role: MessageRole | str) -> str:
    return role.value if isinstance(role, MessageRole) else str(role)


def _split_blocks(
    blocks: Sequence[Any],
) -> tuple[list[ContentPart], str | None, tuple[ToolCall, ...]]:
    parts: list[ContentPart] = []
    thinking: list[str] = []
    calls: list[ToolCall] = []
    for block in blocks:
        if isinstance(block, TextBlock):
            parts.append(TextPart(block.text))
        elif isinstance(block, ImageBlock):
            parts.append(_image_part(block))
        elif isinstance(block, ThinkingBlock):
            thinking.append(block.content or "")
        elif isinstance(block, ToolCallBlock):
            calls.append(_block_tool_call(block, len(calls)))
        elif not isinstance(block, CachePoint):
            raise ValueError(f"{type(block).__name__} is not supported by this integration")
    return parts, "".join(thinking) or None, tuple(calls)


def _content(parts: list[ContentPart]) -> str | tuple[ContentPart, ...]:
    if all(isinstance(p, TextPart) for p in parts):
        return "".join(p.text for p in parts if isinstance(p, TextPart))
    return tuple(parts)


def _image_part(block: ImageBlock) -> ImagePart:
    if block.url is not None and block.image is None and block.path is None:
        return ImagePart(str(block.url), block.detail)
    return ImagePart(block.inline_url(), block.detail)


def _block_tool_call(block: ToolCallBlock, position: int) -> ToolCall:
    return ToolCall(
        id=block.tool_call_id or f"call_{position}",
        name=block.tool_name,
        arguments=_arguments_text(block.tool_kwargs),
    )


def _legacy_tool_call(call: Any) -> ToolCall:
    """An OpenAI-style tool call (dict or SDK object) kept in ``additional_kwargs``."""
    data = call if isinstance(call, Mapping) else call.model_dump()
    function = data.get("function") or {}
    return ToolCall(
        id=str(data.get("id") or ""),
        name=str(function.get("name") or ""),
        arguments=_arguments_text(function.get("arguments")),
    )


def _arguments_text(arguments: Any) -> str:
    if isinstance(arguments, str):
        return arguments
    return json.dumps(arguments or {}, ensure_ascii=False)


def to_tool_spec(tool: Any, strict: bool | None = None) -> ToolSpec:
    """A ``ToolSpec`` from a LlamaIndex ``BaseTool``, an OpenAI tool dict or a ``ToolSpec``."""
    if isinstance(tool, ToolSpec):
        return tool
    if isinstance(tool, Mapping):
        function = tool.get("function", tool)
        return ToolSpec(
            name=function["name"],
            description=function.get("description", ""),
            parameters=function.get("parameters") or {"type": "object", "properties": {}},
            strict=function.get("strict", strict),
        )
    metadata = tool.metadata
    return ToolSpec(
        name=metadata.get_name(),
        description=metadata.description,
        parameters=metadata.get_parameters_dict(),
        strict=strict,
    )


def to_tool_choice(choice: Any) -> ToolChoice | None:
    """``"auto"``, ``"none"``, ``"required"``, a tool name, ``{"function": {"name": ...}}``."""
    if choice is None or isinstance(choice, ForcedTool):
        return choice
    if isinstance(choice, Mapping):
        function = choice.get("function") or {}
        name = function.get("name") or choice.get("name")
        if not name:
            raise ValueError(f"tool_choice {choice!r} names no function")
        return ForcedTool(str(name))
    if choice in ("auto", "none", "required"):
        return choice  # type: ignore[no-any-return]
    if choice == "any":  # Anthropic's spelling, used by some LlamaIndex callers
        return "required"
    return ForcedTool(str(choice))


def to_response_format(value: Any) -> ResponseFormat | None:
    """A ``ResponseFormat`` from one, from an OpenAI ``response_format`` dict, or a pydantic
    model class (JSON schema)."""
    if value is None or isinstance(value, ResponseFormat):
        return value
    if isinstance(value, type) and hasattr(value, "model_json_schema"):
        return ResponseFormat("json_schema", value.model_json_schema(), _schema_name(value))
    if isinstance(value, Mapping):
        if value.get("type") == "json_object":
            return ResponseFormat("json_object")
        spec = value.get("json_schema") or {}
        return ResponseFormat(
            "json_schema", spec.get("schema"), spec.get("name", "response"), spec.get("strict")
        )
    raise TypeError(f"unsupported response_format {value!r}")


def _schema_name(cls: type) -> str:
    return "".join(c if c.isalnum() or c in "_-" else "_" for c in cls.__name__)[:64]


# -- output --------------------------------------------------------------------------------


def usage_kwargs(usage: Usage | None) -> dict[str, Any]:
    """``prompt_tokens``, ``completion_tokens``, ``total_tokens`` (+ reasoning, cached)."""
    if usage is None:
        return {}
    counts: dict[str, Any] = {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
    }
    if usage.reasoning_tokens is not None:
        counts["reasoning_tokens"] = usage.reasoning_tokens
    if usage.cached_tokens is not None:
        counts["cached_tokens"] = usage.cached_tokens
    return counts


def raw_of(
    *,
    usage: Usage | None,
    model: str | None,
    id: str | None,
    request_id: str | None,
    finish_reason: str | None,
) -> dict[str, Any]:
    """``ChatResponse.raw``: ids, finish reason and the platform's usage under ``"usage"``
    (where ``TokenCountingHandler`` looks for it)."""
    raw: dict[str, Any] = {
        "id": id,
        "model": model,
        "request_id": request_id,
        "finish_reason": finish_reason,
    }
    if usage is not None:
        raw["usage"] = dict(usage.raw) or usage_kwargs(usage)
    return raw


def to_chat_message(message: Message, usage: Usage | None = None) -> ChatMessage:
    """An assistant ``ChatMessage``: ``ThinkingBlock`` first, then text, then tool calls."""
    blocks: list[Any] = []
    if message.reasoning:
        blocks.append(_thinking_block(message.reasoning, usage))
    blocks.append(TextBlock(text=message.text))
    blocks.extend(
        ToolCallBlock(tool_call_id=c.id, tool_name=c.name, tool_kwargs=tool_kwargs(c.arguments))
        for c in message.tool_calls
    )
    return _assistant(blocks)


def _assistant(blocks: list[Any]) -> ChatMessage:
    # The blocks are built (and validated) here: skip validating them a second time.
    return ChatMessage.model_construct(role=MessageRole.ASSISTANT, blocks=blocks)


def _thinking_block(content: str, usage: Usage | None) -> ThinkingBlock:
    tokens = usage.reasoning_tokens if usage is not None else None
    return ThinkingBlock(content=content, num_tokens=tokens or None)


def tool_kwargs(arguments: str) -> dict[str, Any] | str:
    """Arguments as a dict when they are a JSON object, else the text as the model wrote it."""
    try:
        value = json.loads(arguments) if arguments.strip() else {}
    except ValueError:
        return arguments
    return value if isinstance(value, dict) else arguments


def partial_tool_kwargs(value: dict[str, Any] | str) -> dict[str, Any]:
    """Tool arguments that may still be arriving: partial JSON is completed, junk gives ``{}``."""
    if isinstance(value, dict):
        return value
    try:
        parsed = parse_partial_json(value) if value.strip() else {}
    except (ValueError, TypeError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def chat_response(result: ChatResult) -> ChatResponse:
    """A non-streamed answer as a ``ChatResponse``."""
    return ChatResponse.model_construct(
        message=to_chat_message(result.message, result.usage),
        raw=raw_of(
            usage=result.usage,
            model=result.model,
            id=result.id,
            request_id=result.request_id,
            finish_reason=result.finish_reason,
        ),
        additional_kwargs=usage_kwargs(result.usage),
        logprobs=to_logprobs(result.choices[0].logprobs),
    )


def to_logprobs(logprobs: Mapping[str, Any] | None) -> list[list[LogProb]] | None:
    """The platform's ``logprobs.content`` as LlamaIndex's ``ChatResponse.logprobs``: per token,
    its most likely alternatives (the token itself when no alternatives were asked for), as
    llama-index's OpenAI integration reads them."""
    if not logprobs:
        return None
    tokens = []
    for entry in logprobs.get("content") or []:
        options = entry.get("top_logprobs") or [entry]
        tokens.append([LogProb(token=o.get("token", ""), logprob=o.get("logprob", 0.0),
                               bytes=o.get("bytes") or []) for o in options])
    return tokens


class MessageBuilder:
    """The message of a stream so far, in O(1) amortised work per delta.

    One ``ChatMessage`` is kept for the whole stream and its blocks are appended to in place:
    each chunk carries the whole message so far without re-joining the text. The strings grow
    with ``+=`` on a sole reference, which CPython extends in place; a caller that keeps a
    chunk's ``message.content`` keeps its own copy (the next append then copies once).
    """

    __slots__ = ("_text", "_thinking", "_tools", "message")

    def __init__(self) -> None:
        self._text = TextBlock(text="")
        self._thinking: ThinkingBlock | None = None
        self._tools: list[ToolCallBlock] = []
        self.message = _assistant([self._text])

    def feed(self, delta: ChatDelta) -> None:
        """Append a delta's reasoning, text and tool-call fragments."""
        if delta.reasoning:
            self._add_reasoning(delta.reasoning)
        if delta.content:
            _append(self._text.__dict__, "text", delta.content)
        for fragment in delta.tool_calls:
            self._add_tool_fragment(fragment)

    def finish(self, usage: Usage | None) -> ChatMessage:
        """Complete the message: parsed tool arguments, reasoning token count."""
        for block in self._tools:
            if isinstance(block.tool_kwargs, str):
                block.tool_kwargs = tool_kwargs(block.tool_kwargs)
        if self._thinking is not None and usage is not None and usage.reasoning_tokens:
            self._thinking.num_tokens = usage.reasoning_tokens
        return self.message

    @property
    def reasoning(self) -> str:
        return (self._thinking.content or "") if self._thinking is not None else ""

    @property
    def text(self) -> str:
        return self._text.text

    def _add_reasoning(self, reasoning: str) -> None:
        if self._thinking is None:
            self._thinking = ThinkingBlock(content="")
            self.message.blocks.insert(0, self._thinking)
        _append(self._thinking.__dict__, "content", reasoning)

    def _add_tool_fragment(self, fragment: ToolCallDelta) -> None:
        while fragment.index >= len(self._tools):  # the core numbers calls 0, 1, 2, ...
            block = ToolCallBlock(tool_call_id=None, tool_name="", tool_kwargs="")
            self._tools.append(block)
            self.message.blocks.append(block)
        block = self._tools[fragment.index]
        if fragment.id:
            block.tool_call_id = fragment.id
        if fragment.name:
            _append(block.__dict__, "tool_name", fragment.name)
        if fragment.arguments:
            _append(block.__dict__, "tool_kwargs", fragment.arguments)


def _append(fields: dict[str, Any], key: str, piece: str) -> None:
    """``fields[key] += piece`` without a second reference, so CPython grows it in place.

    Writing the pydantic field through ``__dict__`` skips nothing: these block models do not
    validate on assignment. This keeps streaming linear in the length of the answer.
    """
    text = fields[key]
    fields[key] = None  # drop the dict's reference (the key keeps its place)
    text += piece
    fields[key] = text


def completion_response(result: ChatResult) -> CompletionResponse:
    """A non-streamed answer as a ``CompletionResponse`` (reasoning in
    ``additional_kwargs["reasoning_content"]``)."""
    message = result.message
    extra = usage_kwargs(result.usage)
    if message.reasoning:
        extra["reasoning_content"] = message.reasoning
    if message.tool_calls:
        extra["tool_calls"] = [dataclasses.asdict(c) for c in message.tool_calls]
    return CompletionResponse(
        text=message.text,
        raw=raw_of(
            usage=result.usage,
            model=result.model,
            id=result.id,
            request_id=result.request_id,
            finish_reason=result.finish_reason,
        ),
        additional_kwargs=extra,
    )


class ChatStream:
    """Turns the core's deltas into LlamaIndex chunks; shared by the sync and async drivers.

    The core hands out deltas with content, reasoning or tool-call fragments, then exactly one
    closing delta (no content) with usage, finish reason, model and request id. Every delta
    gives one chunk: reasoning-only ones included.
    """

    __slots__ = ("builder",)

    def __init__(self) -> None:
        self.builder = MessageBuilder()

    def chunk(self, delta: ChatDelta) -> ChatResponse:
        """The ``ChatResponse`` for one delta."""
        if _is_closing(delta):
            return self._last_chunk(delta)
        self.builder.feed(delta)
        return ChatResponse.model_construct(
            message=self.builder.message,
            delta=delta.content,
            additional_kwargs=_thinking(delta),
            logprobs=to_logprobs({"content": delta.logprobs}) if delta.logprobs else None,
        )

    def completion(self, delta: ChatDelta) -> CompletionResponse:
        """The ``CompletionResponse`` for one delta (``text`` is the text so far)."""
        if _is_closing(delta):
            last = self._last_chunk(delta)
            extra = dict(last.additional_kwargs)
            if self.builder.reasoning:
                extra["reasoning_content"] = self.builder.reasoning
            return CompletionResponse(
                text=self.builder.text, delta="", raw=last.raw, additional_kwargs=extra
            )
        self.builder.feed(delta)
        return CompletionResponse.model_construct(
            text=self.builder.text,
            delta=delta.content,
            additional_kwargs=_thinking(delta),
        )

    def _last_chunk(self, delta: ChatDelta) -> ChatResponse:
        self.builder.feed(delta)
        message = self.builder.finish(delta.usage)
        raw = raw_of(
            usage=delta.usage,
            model=delta.model,
            id=delta.id,
            request_id=delta.request_id,
            finish_reason=delta.finish_reason,
        )
        extra = usage_kwargs(delta.usage)
        return ChatResponse(message=message, delta="", raw=raw, additional_kwargs=extra)


def _is_closing(delta: ChatDelta) -> bool:
    return (
        delta.usage is not None
        or delta.finish_reason is not None
        or not (delta.content or delta.reasoning or delta.tool_calls)
    )


def _thinking(delta: ChatDelta) -> dict[str, Any]:
    """``{"thinking_delta": text}`` on chunks that carry reasoning; no key on answer chunks, so
    ``chunk.additional_kwargs.get("thinking_delta", "")`` is always a string."""
    return {"thinking_delta": delta.reasoning} if delta.reasoning else {}
