"""LangChain messages <-> maas_core's neutral types. Pure functions, no I/O.

Input flow: ``BaseMessage`` -> ``Message`` (text and image parts, tool calls, tool results, the
reasoning of earlier assistant turns for the passback policy); OpenAI-format tools and
``tool_choice`` -> ``ToolSpec`` / ``ToolChoice``; ``response_format`` -> ``ResponseFormat``.

Output flow: ``ChatResult`` -> ``ChatGeneration``s; each streamed ``ChatDelta`` ->
``ChatGenerationChunk`` (``ChunkBuilder``): reasoning in ``additional_kwargs["reasoning_content"]``
(so ``content_blocks`` starts with a ``reasoning`` block), ``model_provider`` on every chunk, usage,
``model_name`` and ``finish_reason`` on the last chunk only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolCallChunk,
    ToolMessage,
)
from langchain_core.messages.ai import InputTokenDetails, OutputTokenDetails, UsageMetadata
from langchain_core.messages.tool import invalid_tool_call, tool_call, tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk

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
    ToolChoice,
    ToolSpec,
    Usage,
)

__all__ = [
    "ChunkBuilder",
    "to_core_messages",
    "to_core_response_format",
    "to_core_tool_choice",
    "to_core_tools",
    "to_generations",
    "to_usage_metadata",
]

_ROLES = {"human": "user", "user": "user", "ai": "assistant", "assistant": "assistant",
          "system": "system", "developer": "system", "tool": "tool"}


# ---------------------------------------------------------------- input: messages


def to_core_messages(messages: Sequence[BaseMessage]) -> tuple[Message, ...]:
    return tuple(_to_core_message(m) for m in messages)


def _to_core_message(message: BaseMessage) -> Message:
    if isinstance(message, AIMessage):
        return _assistant(message)
    if isinstance(message, ToolMessage):
        return Message(role="tool", content=_text(message.content),
                       tool_call_id=message.tool_call_id)
    if isinstance(message, SystemMessage):
        return Message(role="system", content=_text(message.content))
    if isinstance(message, HumanMessage):
        return Message(role="user", content=_parts(message.content), name=message.name)
    if isinstance(message, ChatMessage) and message.role in _ROLES:
        role: Any = _ROLES[message.role]
        return Message(role=role, content=_parts(message.content), name=message.name)
    raise ValueError(f"cannot send a {type(message).__name__} to the model")


def _assistant(message: AIMessage) -> Message:
    calls = [ToolCall(id=c["id"] or "", name=c["name"], arguments=json.dumps(c["args"],
                                                                            ensure_ascii=False))
             for c in message.tool_calls]
    calls += [ToolCall(id=c["id"] or "", name=c["name"] or "", arguments=c["args"] or "")
              for c in message.invalid_tool_calls]
    return Message(role="assistant", content=_text(message.content),
                   reasoning=reasoning_of(message), tool_calls=tuple(calls), name=message.name)


def reasoning_of(message: AIMessage) -> str | None:
    """The reasoning of an earlier answer: ``additional_kwargs`` or ``reasoning`` blocks."""
    text = message.additional_kwargs.get("reasoning_content")
    if isinstance(text, str) and text:
        return text
    if isinstance(message.content, list):
        parts = [b.get("reasoning") or "" for b in message.content
                 if isinstance(b, dict) and b.get("type") == "reasoning"]
        return "".join(parts) or None
    return None


def _text(content: str | list[str | dict[Any, Any]]) -> str:
    if isinstance(content, str):
        return content
    return "".join(p.text for p in _content_parts(content, keep_images=False)
                   if isinstance(p, TextPart))


def _parts(content: str | list[str | dict[Any, Any]]) -> str | tuple[ContentPart, ...]:
    """Text, or text and image parts when the content holds an image."""
    if isinstance(content, str):
        return content
    parts = _content_parts(content, keep_images=True)
    if any(isinstance(p, ImagePart) for p in parts):
        return tuple(parts)
    return "".join(p.text for p in parts if isinstance(p, TextPart))


def _content_parts(content: list[str | dict[Any, Any]], *, keep_images: bool) -> list[ContentPart]:
    parts: list[ContentPart] = []
    for block in content:
        if isinstance(block, str):
            parts.append(TextPart(block))
            continue
        kind = block.get("type")
        if kind == "text":
            parts.append(TextPart(block.get("text") or ""))
        elif kind in ("image_url", "image"):
            if keep_images:
                parts.append(_image(block))
        elif kind not in _SKIPPED_BLOCKS:
            raise ValueError(f"content blocks of type {kind!r} are not supported; "
                             "send text and images")
    return parts


# Blocks that carry no input for the model (reasoning is sent via ``Message.reasoning``).
_SKIPPED_BLOCKS = frozenset({"reasoning", "thinking", "tool_call", "tool_call_chunk",
                             "invalid_tool_call", "tool_use"})


def _image(block: Mapping[str, Any]) -> ImagePart:
    """OpenAI ``image_url``, LangChain v1 ``image`` (url / base64) and v0 ``source_type`` blocks."""
    if block["type"] == "image_url":
        image = block["image_url"]
        if isinstance(image, str):
            return ImagePart(image)
        return ImagePart(image["url"], image.get("detail"))
    data = block.get("base64") or (block.get("data") if block.get("source_type") == "base64"
                                   else None)
    if data:
        mime = block.get("mime_type") or "image/png"
        return ImagePart(f"data:{mime};base64,{data}")
    url = block.get("url") or (block.get("data") if block.get("source_type") == "url" else None)
    if not url:
        raise ValueError("an image block needs a url or base64 data (file ids are not supported)")
    return ImagePart(str(url))


# ---------------------------------------------------------------- input: tools and formats


def to_core_tools(tools: Sequence[Mapping[str, Any]]) -> tuple[ToolSpec, ...]:
    """OpenAI-format tools (what ``bind_tools`` stores) as ``ToolSpec``s."""
    specs = []
    for tool in tools:
        function = tool["function"]
        specs.append(ToolSpec(
            name=function["name"],
            description=function.get("description") or "",
            parameters=function.get("parameters") or {"type": "object", "properties": {}},
            strict=function.get("strict"),
        ))
    return tuple(specs)


def to_core_tool_choice(choice: Any) -> ToolChoice | None:
    """``"auto"``, ``"none"``, ``"required"`` or ``{"type": "function", "function": {...}}``."""
    if choice is None or choice in ("auto", "none", "required"):
        return choice  # type: ignore[no-any-return]
    if isinstance(choice, Mapping):
        name = (choice.get("function") or {}).get("name") or choice.get("name")
        if name:
            return ForcedTool(str(name))
    raise ValueError(f"unsupported tool_choice {choice!r}")


def to_core_response_format(value: Any) -> ResponseFormat | None:
    """An OpenAI ``response_format`` dict as a ``ResponseFormat``."""
    if value is None or isinstance(value, ResponseFormat):
        return value
    if value.get("type") == "json_object":
        return ResponseFormat(type="json_object")
    if value.get("type") == "json_schema":
        spec = value["json_schema"]
        return ResponseFormat(type="json_schema", schema=spec.get("schema"),
                              name=spec.get("name") or "response", strict=spec.get("strict"))
    raise ValueError(f"unsupported response_format {value!r}")


# ---------------------------------------------------------------- output: whole answers


def to_usage_metadata(usage: Usage) -> UsageMetadata:
    metadata = UsageMetadata(input_tokens=usage.input_tokens, output_tokens=usage.output_tokens,
                             total_tokens=usage.total_tokens)
    if usage.cached_tokens is not None:
        metadata["input_token_details"] = InputTokenDetails(cache_read=usage.cached_tokens)
    if usage.reasoning_tokens is not None:
        metadata["output_token_details"] = OutputTokenDetails(reasoning=usage.reasoning_tokens)
    return metadata


def to_generations(result: ChatResult, provider: str, model: str) -> list[ChatGeneration]:
    usage = to_usage_metadata(result.usage) if result.usage is not None else None
    generations = []
    for choice in result.choices:
        metadata = _final_metadata(provider, result.model or model, choice.finish_reason,
                                   result.request_id)
        info: dict[str, Any] = {"finish_reason": choice.finish_reason}
        if choice.logprobs is not None:  # as langchain-openai places them
            metadata["logprobs"] = info["logprobs"] = dict(choice.logprobs)
        message = _ai_message(choice.message, metadata, usage, result.id)
        generations.append(ChatGeneration(message=message, generation_info=info))
    return generations


def _final_metadata(provider: str, model: str, finish_reason: str | None,
                    request_id: str | None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"model_provider": provider, "model_name": model,
                                "finish_reason": finish_reason}
    if request_id:
        metadata["request_id"] = request_id
    return metadata


def _ai_message(message: Message, metadata: dict[str, Any], usage: UsageMetadata | None,
                message_id: str | None) -> AIMessage:
    calls, invalid = [], []
    for call in message.tool_calls:
        try:
            calls.append(tool_call(name=call.name, args=call.parsed_arguments(), id=call.id))
        except ValueError as error:
            invalid.append(invalid_tool_call(name=call.name, args=call.arguments, id=call.id,
                                             error=str(error)))
    kwargs = {"reasoning_content": message.reasoning} if message.reasoning else {}
    return AIMessage(content=message.text, additional_kwargs=kwargs, tool_calls=calls,
                     invalid_tool_calls=invalid, usage_metadata=usage,
                     response_metadata=metadata, id=message_id)


# ---------------------------------------------------------------- output: streams

# A stream hands out one chunk per token, so building them is the adapter's hot path. Chunks
# that carry only text / reasoning have nothing for LangChain's validators to compute (no tool
# calls to parse, no legacy fields to migrate), so they are assembled the way pydantic's
# ``model_construct`` does, without its per-field loop: about 2.5 us instead of 11 us. The field
# sets are checked against the installed classes at import; any mismatch (a new LangChain field)
# falls back to the validating constructors.
_new = object.__new__
_set = object.__setattr__
_MESSAGE_SET = frozenset({"content", "additional_kwargs", "response_metadata", "id"})
_GENERATION_SET = frozenset({"message", "text"})
_FAST = set(AIMessageChunk.model_fields) == {
    "content", "additional_kwargs", "response_metadata", "type", "name", "id", "tool_calls",
    "invalid_tool_calls", "usage_metadata", "tool_call_chunks", "chunk_position",
} and set(ChatGenerationChunk.model_fields) == {"text", "generation_info", "type", "message"}


def fast_chunk(content: Any, additional_kwargs: dict[str, Any],
               response_metadata: dict[str, Any], message_id: str | None) -> AIMessageChunk:
    """An ``AIMessageChunk`` without tool calls, equal to the validated one."""
    if not _FAST:
        return AIMessageChunk(content=content, additional_kwargs=additional_kwargs,
                              response_metadata=response_metadata, id=message_id)
    message = _new(AIMessageChunk)
    _set(message, "__dict__", {
        "content": content, "additional_kwargs": additional_kwargs,
        "response_metadata": response_metadata, "type": "AIMessageChunk", "name": None,
        "id": message_id, "tool_calls": [], "invalid_tool_calls": [], "usage_metadata": None,
        "tool_call_chunks": [], "chunk_position": None})
    _set(message, "__pydantic_fields_set__", set(_MESSAGE_SET))
    _set(message, "__pydantic_extra__", {})  # BaseMessage allows extra fields
    _set(message, "__pydantic_private__", None)
    return message


def fast_generation(message: AIMessageChunk, text: str) -> ChatGenerationChunk:
    """``ChatGenerationChunk(message=message)`` for a message whose text is ``text``."""
    if not _FAST:
        return ChatGenerationChunk(message=message)
    generation = _new(ChatGenerationChunk)
    _set(generation, "__dict__", {"text": text, "generation_info": None,
                                  "type": "ChatGenerationChunk", "message": message})
    _set(generation, "__pydantic_fields_set__", set(_GENERATION_SET))
    _set(generation, "__pydantic_extra__", None)
    _set(generation, "__pydantic_private__", None)
    return generation



class ChunkBuilder:
    """Builds the ``ChatGenerationChunk`` of each delta of one stream.

    With ``output_version="v1"`` the content is a list of standard blocks carrying explicit
    ``index`` values: reasoning, text and each tool call get their own, so that merging the
    chunks never glues a tool call onto the reasoning before it.
    """

    __slots__ = ("_blocks", "_kind", "_model", "_provider", "_tool_blocks", "_v1")

    def __init__(self, provider: str, model: str, *, v1: bool = False) -> None:
        self._provider = provider
        self._model = model
        self._v1 = v1
        self._kind = ""
        self._blocks = -1
        self._tool_blocks: dict[int, int] = {}

    def chunk(self, delta: ChatDelta) -> ChatGenerationChunk:
        """The chunk of one delta; maas_core's closing delta (no text) is the last chunk."""
        if not (delta.content or delta.reasoning or delta.tool_calls):
            return self._last(delta)
        kwargs = {"reasoning_content": delta.reasoning} if delta.reasoning else {}
        metadata = self._metadata()
        if delta.logprobs:  # concatenated when LangChain merges the chunks
            metadata["logprobs"] = {"content": list(delta.logprobs)}
        if not delta.tool_calls:  # the hot path: text or reasoning only
            content: Any = self._v1_blocks(delta, []) if self._v1 else delta.content
            message = fast_chunk(content, kwargs, metadata, delta.id)
            return fast_generation(message, delta.content)
        tool_chunks = [
            tool_call_chunk(name=t.name, args=t.arguments, id=t.id, index=t.index)
            for t in delta.tool_calls
        ]
        content = self._v1_blocks(delta, tool_chunks) if self._v1 else delta.content
        message = AIMessageChunk(
            content=content, additional_kwargs=kwargs, tool_call_chunks=tool_chunks,
            response_metadata=metadata, id=delta.id)
        return ChatGenerationChunk(message=message)

    def _metadata(self) -> dict[str, Any]:
        if self._v1:
            return {"model_provider": self._provider, "output_version": "v1"}
        return {"model_provider": self._provider}

    def _last(self, delta: ChatDelta) -> ChatGenerationChunk:
        metadata = {**self._metadata(), **_final_metadata(
            self._provider, delta.model or self._model, delta.finish_reason, delta.request_id)}
        usage = to_usage_metadata(delta.usage) if delta.usage is not None else None
        message = AIMessageChunk(content=[] if self._v1 else "", response_metadata=metadata,
                                 usage_metadata=usage, id=delta.id, chunk_position="last")
        return ChatGenerationChunk(message=message,
                                   generation_info={"finish_reason": delta.finish_reason})

    def _index(self, kind: str) -> int:
        if kind != self._kind:
            self._kind = kind
            self._blocks += 1
        return self._blocks

    def _v1_blocks(self, delta: ChatDelta, tool_chunks: list[ToolCallChunk]
                   ) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = []
        if delta.reasoning:
            blocks.append({"type": "reasoning", "reasoning": delta.reasoning,
                           "index": self._index("reasoning")})
        if delta.content:
            blocks.append({"type": "text", "text": delta.content, "index": self._index("text")})
        for chunk in tool_chunks:
            tool = chunk["index"] or 0
            position = self._tool_blocks.get(tool)
            if position is None:
                position = self._tool_blocks[tool] = self._index(f"tool{tool}")
            blocks.append({**chunk, "index": position})
        return blocks
