"""Neutral, frozen types shared by the dialects, the accumulator and both framework adapters.

Input flow:  adapter -> ``ChatRequest`` (``Message``s, ``ToolSpec``s) -> dialect -> wire body.
Output flow: wire -> dialect -> ``ChatDelta``s -> ``StreamAccumulator`` -> ``ChatResult``.

Nothing here knows a platform or a framework.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

Role = Literal["system", "user", "assistant", "tool"]
ReasoningPassback = Literal["auto", "always", "never"]
"""What to do with the reasoning of earlier assistant turns when sending history back.

``"auto"``: send it for the assistant turns of the current tool loop when the model's profile
says the platform needs it (e.g. DeepSeek-V3.2 thinking with tools), strip it otherwise.
``"always"``: send every assistant turn's reasoning. ``"never"``: strip it everywhere.
"""


@dataclass(frozen=True, slots=True)
class TextPart:
    text: str


@dataclass(frozen=True, slots=True)
class ImagePart:
    """An image given by an ``http(s)://`` URL or a ``data:image/...;base64,`` URL."""

    url: str
    detail: str | None = None


ContentPart = TextPart | ImagePart


@dataclass(frozen=True, slots=True)
class ToolCall:
    id: str
    name: str
    arguments: str
    """The arguments as the model produced them: JSON text, possibly invalid."""

    def parsed_arguments(self) -> dict[str, Any]:
        """The arguments as a dict; ``{}`` for empty text. Raises ``ValueError`` if not JSON."""
        if not self.arguments.strip():
            return {}
        value = json.loads(self.arguments)
        if not isinstance(value, dict):
            raise ValueError(f"tool call {self.name!r} arguments are not a JSON object")
        return value


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    content: str | tuple[ContentPart, ...] = ""
    reasoning: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None

    @property
    def text(self) -> str:
        """The text of the message, image parts left out."""
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text for p in self.content if isinstance(p, TextPart))

    @property
    def has_images(self) -> bool:
        return not isinstance(self.content, str) and any(
            isinstance(p, ImagePart) for p in self.content
        )


@dataclass(frozen=True, slots=True)
class ToolSpec:
    name: str
    description: str = ""
    parameters: Mapping[str, Any] = field(
        default_factory=lambda: {"type": "object", "properties": {}}
    )
    strict: bool | None = None


@dataclass(frozen=True, slots=True)
class ForcedTool:
    """``tool_choice`` naming one tool."""

    name: str


ToolChoice = Literal["auto", "none", "required"] | ForcedTool


@dataclass(frozen=True, slots=True)
class ResponseFormat:
    type: Literal["json_object", "json_schema"]
    schema: Mapping[str, Any] | None = None
    name: str = "response"
    strict: bool | None = None


@dataclass(frozen=True, slots=True)
class ChatRequest:
    model: str
    messages: tuple[Message, ...]
    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    top_k: int | None = None
    stop: tuple[str, ...] | None = None
    n: int | None = None
    seed: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    tools: tuple[ToolSpec, ...] = ()
    tool_choice: ToolChoice | None = None
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormat | None = None
    enable_thinking: bool | None = None
    thinking_budget: int | None = None
    reasoning_effort: str | None = None
    """DashScope deepseek-v4: ``low`` / ``medium`` / ``high`` / ``xhigh`` (PROTOCOLS-2026 A.9.4)."""
    preserve_thinking: bool | None = None
    """DashScope: read earlier turns' reasoning back (``None``: as ``reasoning_passback`` says)."""
    reasoning_passback: ReasoningPassback = "auto"
    stream: bool = False
    include_usage: bool = True
    extra_body: Mapping[str, Any] | None = None
    """Merged into the wire body last, verbatim: the caller owns what it sends here."""
    extra_headers: Mapping[str, str] | None = None
    logprobs: bool | None = None
    """Ask for the log probability of each answer token (``Choice.logprobs``; streamed: on each
    delta, ``ChatDelta.logprobs``)."""
    top_logprobs: int | None = None
    """How many most likely alternatives per token, with ``logprobs`` (0-5 on DashScope)."""


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    reasoning_tokens: int | None = None
    cached_tokens: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)
    """The platform's usage object, verbatim."""


class ToolCallDelta(NamedTuple):
    """A fragment of a tool call; fragments are merged by ``index``.

    A named tuple (immutable like the dataclasses here, and three times cheaper to build):
    streams build one per event.
    """

    index: int  # type: ignore[assignment]  # the wire's name; shadows tuple.index on purpose
    id: str | None = None
    name: str | None = None
    arguments: str = ""


class ChatDelta(NamedTuple):
    """One step of a streamed answer (a named tuple: one is built per streamed event).

    In the stream a client hands out, ``usage``, ``finish_reason``, ``model`` and ``request_id``
    are set on the last delta only, exactly once, whatever the wire did.
    """

    content: str = ""
    reasoning: str = ""
    tool_calls: tuple[ToolCallDelta, ...] = ()
    usage: Usage | None = None
    finish_reason: str | None = None
    model: str | None = None
    id: str | None = None
    request_id: str | None = None
    logprobs: tuple[Mapping[str, Any], ...] = ()
    """Log probabilities of this delta's content tokens (``logprobs.content`` entries), when
    ``logprobs`` was asked for."""


@dataclass(frozen=True, slots=True)
class Choice:
    message: Message
    finish_reason: str | None = None
    logprobs: Mapping[str, Any] | None = None
    """The platform's ``logprobs`` object (``{"content": [{token, logprob, bytes,
    top_logprobs}]}``), verbatim, when ``logprobs`` was asked for."""


@dataclass(frozen=True, slots=True)
class ChatResult:
    choices: tuple[Choice, ...]
    usage: Usage | None = None
    model: str | None = None
    id: str | None = None
    request_id: str | None = None

    @property
    def message(self) -> Message:
        return self.choices[0].message

    @property
    def finish_reason(self) -> str | None:
        return self.choices[0].finish_reason


# ---- embeddings and rerank (PROTOCOLS-2026 E) ---------------------------------------------------
# Input flow:  adapter -> ``EmbeddingRequest`` / ``RerankRequest`` -> embedding client (batches by
# the model's limits) -> dialect -> wire body.
# Output flow: wire -> dialect -> one ``EmbeddingResult`` / ``RerankResult`` per batch -> merged.

TextType = Literal["query", "document"]
"""What a text is for: DashScope's native ``text_type`` (E.1); other wires ignore it."""


@dataclass(frozen=True, slots=True)
class EmbeddingRequest:
    model: str
    texts: tuple[str, ...]
    text_type: TextType | None = None
    dimensions: int | None = None
    """Output dimension where the model lets you choose (``dimension`` natively, E.1)."""
    instruct: str | None = None
    """A task instruction for the query side (DashScope native only)."""
    extra_body: Mapping[str, Any] | None = None
    extra_headers: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class EmbeddingResult:
    vectors: list[list[float]]
    """One vector per input text, in input order."""
    usage: Usage
    model: str | None = None
    request_ids: tuple[str, ...] = ()
    """One per request sent (several when the input was split into batches)."""


@dataclass(frozen=True, slots=True)
class RerankRequest:
    model: str
    query: str
    documents: tuple[str, ...]
    top_n: int | None = None
    """How many of the best documents to return; ``None``: all of them."""
    instruct: str | None = None
    return_documents: bool = False
    extra_body: Mapping[str, Any] | None = None
    extra_headers: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class RerankHit:
    index: int
    """Position of the document in ``RerankRequest.documents``."""
    relevance_score: float
    document: str | None = None


@dataclass(frozen=True, slots=True)
class RerankResult:
    hits: tuple[RerankHit, ...]
    """Best first."""
    usage: Usage
    model: str | None = None
    request_ids: tuple[str, ...] = ()
