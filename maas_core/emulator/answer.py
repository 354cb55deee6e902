"""What a deterministic model answers: the neutral ``Plan`` every platform framing renders.

Answer text rule (documented for the test writers):

* reasoning (thinking mode): ``"The user asks: <last user text>. Let me think step by step."``
  (Chinese when the user text is not ASCII);
* content: ``"Echo: <last user text>"`` (``"回答：<text>"`` for non-ASCII text), so the answer
  always contains the word a simple prompt asked for;
* retrieved context (RAG): text between two lines of dashes in any message, as LlamaIndex's
  templates frame it -> ``"From the context: <the context sentence sharing most words with the
  question>"`` (the question: the text after ``Query:``, else the last user text), so an answer
  shows that the retrieved text reached the model;
* after tool results: ``"Based on the tool results: <r1>; <r2>."``, unless a tool the user named
  has not been called yet in this tool loop (one call per turn without ``parallel_tool_calls``,
  PROTOCOLS A.3 / 2026 A.6): then that tool is called next;
* ``response_format`` ``json_schema`` -> JSON valid for the schema; ``json_object`` -> the object
  the prompt describes: a JSON schema in the prompt (its ``properties``), else a JSON example
  (its keys), else the quoted names of a prompt that speaks of keys or fields, else
  ``{"answer": "<text>"}``;
* tools offered (``tool_choice`` not ``none``, last message not a tool result) -> tool calls;
* ``n`` > 1 -> n choices (the same deterministic answer); ``logprobs`` -> a log probability per
  content piece (``top_logprobs`` alternatives each).

Text is cut into small pieces (one "token" each: a word with its leading space, or two CJK
characters); ``forced_tokens`` (header ``X-Emulator-Tokens``) repeats the answer pieces to exactly
N; ``max_tokens`` truncates (finish ``length``); ``stop`` strings cut the content.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from maas_core.emulator.models import ModelSpec
from maas_core.emulator.schema_values import topic_word, value_for

_PIECE = re.compile(r"\s*[!-~]+|\s*[^\s!-~]{1,2}|\s+$")
_COUNT = re.compile(r"[A-Za-z0-9_]+|[^\sA-Za-z0-9_]")


@dataclass
class ChatInput:
    """A chat request after platform parsing (messages normalised to dicts with ``text``)."""

    model: ModelSpec
    messages: list[dict[str, Any]]
    thinking: bool = False
    tools: list[dict[str, Any]] = field(default_factory=list)  # function objects: name, parameters
    tool_choice: Any = None
    parallel_tool_calls: bool = False
    response_format: dict[str, Any] | None = None
    thinking_budget: int | None = None
    max_tokens: int | None = None
    max_tokens_counts_reasoning: bool = False  # MaaS D.2: max_tokens includes reasoning
    stop: list[str] = field(default_factory=list)
    forced_tokens: int | None = None
    tool_id_prefix: str = "call_"
    cached: bool = False
    think_open: bool = True  # quirk think_tags=no_open drops the opening tag (PROTOCOLS F5b)
    n: int = 1
    logprobs: int | None = None  # None: not asked; else the number of top_logprobs per token


@dataclass
class ToolCallPlan:
    index: int
    id: str
    name: str
    arguments: str

    def fragments(self) -> list[str]:
        """Arguments cut in 2-3 pieces, as streaming servers do (PROTOCOLS A.6, B.4)."""
        args = self.arguments
        if len(args) < 6:
            return [args[:1], args[1:]]
        third = len(args) // 3
        return [args[:third], args[third : 2 * third], args[2 * third :]]


@dataclass
class Plan:
    reasoning: list[str]
    content: list[str]
    tool_calls: list[ToolCallPlan]
    finish_reason: str
    input_tokens: int
    cached_tokens: int

    @property
    def reasoning_tokens(self) -> int:
        return len(self.reasoning)

    @property
    def output_tokens(self) -> int:
        frags = sum(len(call.fragments()) for call in self.tool_calls)
        return len(self.reasoning) + len(self.content) + frags

    @property
    def text(self) -> str:
        return "".join(self.content)


def pieces(text: str) -> list[str]:
    """Split ``text`` into token-like pieces whose concatenation is ``text``."""
    return _PIECE.findall(text)


def count_tokens(text: str) -> int:
    return len(_COUNT.findall(text))


def last_user_text(messages: list[dict[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            return str(message.get("text") or "")
    return ""


def is_ascii(text: str) -> bool:
    return all(ord(ch) < 128 for ch in text)


def make_plan(req: ChatInput) -> Plan:
    user = last_user_text(req.messages) or "hello"
    reasoning = pieces(_reasoning_text(user)) if req.thinking else []
    calls = _tool_calls(req, user)
    content = [] if calls else _content_pieces(req, user)
    if req.thinking and req.model.think_tags:
        content, reasoning = _think_tagged(reasoning, content, req.think_open), []
    return _limit(req, reasoning, content, calls)


def _reasoning_text(user: str) -> str:
    if is_ascii(user):
        return f"The user asks: {' '.join(user.split()[:40])}. Let me think step by step."
    return f"用户问：{user[:80]}。让我一步一步地思考。"


def _answer_text(req: ChatInput, user: str) -> str:
    last = req.messages[-1] if req.messages else {}
    if last.get("role") == "tool":
        results = [str(m.get("text", "")) for m in _trailing_tool_messages(req.messages)]
        return f"Based on the tool results: {'; '.join(results)}."
    grounded = _context_answer(req.messages, user)
    if grounded:
        return grounded
    return f"Echo: {user}" if is_ascii(user) else f"回答：{user}"


_CONTEXT = re.compile(r"^-{5,}\s*$\n(.*?)\n^-{5,}\s*$", re.MULTILINE | re.DOTALL)
_QUERY = re.compile(r"Query:\s*(.*?)\s*(?:\nAnswer:|$)", re.DOTALL)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_WORDS = re.compile(r"[a-z0-9]{3,}")
_COMMON = frozenset((
    "the", "and", "for", "are", "with", "what", "which", "does", "this", "that", "from", "how",
    "why", "when", "who", "you", "your", "its", "into", "can",
))


def _context_answer(messages: list[dict[str, Any]], user: str) -> str | None:
    """RAG: the retrieved sentence that shares most words with the question, if any does."""
    contexts = [c for m in messages for c in _CONTEXT.findall(str(m.get("text") or ""))]
    if not contexts:
        return None
    query = _QUERY.search(user)
    question = _content_words(query.group(1) if query else user)
    sentences = [s.strip() for c in contexts for s in _SENTENCE.findall(c) if s.strip()]
    scored = [(len(question & _content_words(s)), -i, s) for i, s in enumerate(sentences)]
    best = max(scored, default=(0, 0, ""))
    return f"From the context: {best[2]}" if best[0] > 0 else None


def _content_words(text: str) -> set[str]:
    return {w for w in _WORDS.findall(text.lower()) if w not in _COMMON}


def _trailing_tool_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    tail: list[dict[str, Any]] = []
    for message in reversed(messages):
        if message.get("role") != "tool":
            break
        tail.insert(0, message)
    return tail


_QUOTED = re.compile(r"""['"`](\w+)['"`]""")
_SPEAKS_OF_KEYS = re.compile(r"\b(keys?|fields?|properties|attributes)\b", re.IGNORECASE)


def _json_object(req: ChatInput, user: str) -> Any:
    """JSON mode: the object the prompt describes (schema, example or named keys), else
    ``{"answer": ...}``: a stand-in for a model that follows the prompt's format."""
    prompt = "\n".join(str(m.get("text") or "") for m in req.messages)
    for found in _embedded_objects(prompt):
        if isinstance(found.get("properties"), dict):
            return value_for(found, user)
        if found:
            return {key: _like(value, key, user) for key, value in found.items()}
    keys = list(dict.fromkeys(_QUOTED.findall(prompt))) if _SPEAKS_OF_KEYS.search(prompt) else []
    if keys:
        return {key: f"{key} about {topic_word(user)}" for key in keys}
    return {"answer": _answer_text(req, user)}


def _embedded_objects(text: str) -> list[dict[str, Any]]:
    """Every JSON object written in ``text`` (outermost ones), in order."""
    decoder, found, index = json.JSONDecoder(), [], text.find("{")
    while index != -1:
        try:
            value, end = decoder.raw_decode(text, index)
        except ValueError:
            index = text.find("{", index + 1)
            continue
        if isinstance(value, dict):
            found.append(value)
        index = text.find("{", end)
    return found


def _like(example: Any, key: str, user: str) -> Any:
    """A value of the example's type for ``key``."""
    if isinstance(example, bool):
        return True
    if isinstance(example, (int, float)):
        return example
    if isinstance(example, list):
        return example[:1]
    if isinstance(example, dict):
        return {k: _like(v, k, user) for k, v in example.items()}
    return f"{key} about {topic_word(user)}"


def _content_pieces(req: ChatInput, user: str) -> list[str]:
    fmt = (req.response_format or {}).get("type")
    if fmt == "json_schema":
        spec = (req.response_format or {}).get("json_schema") or {}
        text = json.dumps(value_for(spec.get("schema") or {}, user), ensure_ascii=False)
        return [text[i : i + 8] for i in range(0, len(text), 8)]
    if fmt == "json_object":
        text = json.dumps(_json_object(req, user), ensure_ascii=False)
        return [text[i : i + 8] for i in range(0, len(text), 8)]
    base = pieces(_answer_text(req, user))
    if req.forced_tokens is not None:
        return [base[i % len(base)] for i in range(req.forced_tokens)]
    return base


def _think_tagged(reasoning: list[str], content: list[str], think_open: bool) -> list[str]:
    # vLLM without a reasoning parser streams the tags as ordinary tokens (PROTOCOLS F5b); when
    # the chat template already opened "<think>" in the prompt, the output starts inside it.
    opening = ["<think>", "\n"] if think_open else []
    return [*opening, *reasoning, "\n", "</think>", "\n\n", *content]


def _chosen_tools(req: ChatInput, user: str) -> list[dict[str, Any]]:
    choice = req.tool_choice
    if not req.tools or choice == "none" or not req.messages:
        return []
    named = [t for t in req.tools if t.get("name") and str(t["name"]).lower() in user.lower()]
    if req.messages[-1].get("role") == "tool":
        # One call per turn without parallel_tool_calls: the next named tool not yet called.
        called = _called_since_user(req.messages)
        named = [t for t in named if t["name"] not in called]
        return named if req.parallel_tool_calls else named[:1]
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name")
        return [t for t in req.tools if t.get("name") == name][:1] or req.tools[:1]
    chosen = named or req.tools[:1]
    return chosen if req.parallel_tool_calls else chosen[:1]


def _called_since_user(messages: list[dict[str, Any]]) -> set[str]:
    """Names of the tools called by assistant messages after the last user message."""
    called: set[str] = set()
    for message in reversed(messages):
        if message.get("role") == "user":
            break
        for call in message.get("tool_calls") or []:
            if isinstance(call, dict):
                called.add(str((call.get("function") or {}).get("name")))
    return called


def _tool_calls(req: ChatInput, user: str) -> list[ToolCallPlan]:
    calls = []
    for index, tool in enumerate(_chosen_tools(req, user)):
        args = value_for(tool.get("parameters") or {"type": "object"}, user)
        if not isinstance(args, dict):
            args = {}
        call_id = (
            req.tool_id_prefix + uuid.uuid4().hex[: 22 if req.tool_id_prefix == "call_" else 32]
        )
        calls.append(
            ToolCallPlan(index, call_id, str(tool["name"]), json.dumps(args, ensure_ascii=False))
        )
    return calls


def _limit(
    req: ChatInput, reasoning: list[str], content: list[str], calls: list[ToolCallPlan]
) -> Plan:
    finish = "tool_calls" if calls else "stop"
    if req.thinking_budget is not None:
        reasoning = reasoning[: req.thinking_budget]  # capped reasoning, PROTOCOLS F2b
    content, stopped = _apply_stop(content, req.stop)
    if req.max_tokens is not None:
        budget = req.max_tokens
        if req.max_tokens_counts_reasoning:
            reasoning = reasoning[:budget]
            budget = max(budget - len(reasoning), 0)
        if len(content) > budget and not stopped:
            content, finish = content[:budget], "length"
    input_tokens = max(1, sum(count_tokens(_message_text(m)) for m in req.messages))
    cached = input_tokens // 2 if req.cached else 0
    return Plan(reasoning, content, calls, finish, input_tokens, cached)


def _apply_stop(content: list[str], stops: list[str]) -> tuple[list[str], bool]:
    text = "".join(content)
    cuts = [text.find(s) for s in stops if s and s in text]
    if not cuts:
        return content, False
    return pieces(text[: min(cuts)]), True


def _message_text(message: dict[str, Any]) -> str:
    calls = message.get("tool_calls") or []
    args = " ".join(str((c.get("function") or {}).get("arguments", "")) for c in calls)
    return f"{message.get('text') or ''} {args}"


def logprob_content(content: list[str], top: int) -> list[dict[str, Any]]:
    """OpenAI's ``logprobs.content`` for the answer pieces (DashScope uses the same shape,
    PROTOCOLS A.3 ``logprobs`` / ``top_logprobs``): deterministic, never for reasoning."""
    entries = []
    for position, token in enumerate(content):
        logprob = -round(0.05 * (position % 7 + 1), 4)
        alternatives = [{"token": token, "logprob": logprob, "bytes": list(token.encode())}]
        alternatives += [
            {"token": f"{token}{k}", "logprob": logprob - k, "bytes": list(f"{token}{k}".encode())}
            for k in range(1, top)
        ]
        entries.append({"token": token, "logprob": logprob, "bytes": list(token.encode()),
                        "top_logprobs": alternatives[:top]})
    return entries


def requested_logprobs(fields: dict[str, Any]) -> int | None:
    """``None`` unless ``logprobs`` is true; then how many alternatives (``top_logprobs``)."""
    if fields.get("logprobs") is not True:
        return None
    top = fields.get("top_logprobs")
    return top if isinstance(top, int) and not isinstance(top, bool) else 0


def requested_n(fields: dict[str, Any]) -> int:
    n = fields.get("n")
    return n if isinstance(n, int) and not isinstance(n, bool) and n > 1 else 1
