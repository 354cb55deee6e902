"""``StreamAccumulator``: feed wire ``ChatDelta``s, read a clean stream and a result.

What it normalises (PROTOCOLS.md A.5, A.6, B.4, E.2, F5):

* tool-call fragments are merged by the wire's ``index``; an id repeated on every fragment (or a
  fresh id on every fragment, old vLLM) is kept once; several calls in one chunk are all kept; a
  second call reusing index 0 with its own id and name gets its own slot;
* usage is kept, never summed: cumulative-on-every-chunk, on-the-finish-chunk and
  final-``choices: []`` placements all end as one ``Usage``;
* the deltas handed out carry content, reasoning and tool-call fragments only; ``finish()`` returns
  the one closing delta with ``usage``, ``finish_reason``, ``model`` and ``request_id``.

No I/O: the non-streaming path feeds the whole message as one delta.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .types import ChatDelta, ChatResult, Choice, Message, ToolCall, ToolCallDelta, Usage

__all__ = ["StreamAccumulator"]


class _ToolSlot:
    __slots__ = ("arguments", "id", "name", "wire_index")

    def __init__(self, wire_index: int) -> None:
        self.wire_index = wire_index
        self.id = ""
        self.name = ""
        self.arguments: list[str] = []

    def starts_new_call(self, fragment: ToolCallDelta) -> bool:
        """A fragment with its own id *and* a name, after a complete call, is another call."""
        if not (fragment.id and fragment.name and self.id and fragment.id != self.id):
            return False
        try:
            json.loads("".join(self.arguments))
        except ValueError:
            return False
        return True


class StreamAccumulator:
    def __init__(self) -> None:
        self._content: list[str] = []
        self._reasoning: list[str] = []
        self._slots: list[_ToolSlot] = []
        self._by_wire: dict[int, int] = {}
        self._logprobs: list[Mapping[str, Any]] = []
        self.usage: Usage | None = None
        self.finish_reason: str | None = None
        self.model: str | None = None
        self.id: str | None = None
        self.request_id: str | None = None

    def feed(self, delta: ChatDelta) -> ChatDelta | None:
        """Record ``delta``; return what to hand out now (``None`` if nothing)."""
        content, reasoning, fragments, usage, finish, model, delta_id, request_id, logprobs = delta
        if delta_id and not self.id:
            self.id = delta_id
        if content:
            self._content.append(content)
        if reasoning:
            self._reasoning.append(reasoning)
        if logprobs:
            self._logprobs.extend(logprobs)
        if not (fragments or finish or usage or model or request_id):
            # The common case, a text piece: hand it out as it is (no copy per event).
            return delta if content or reasoning else None
        self._record(usage, finish, model, request_id)
        tools = tuple(self._merge(f) for f in fragments) if fragments else ()
        if not (content or reasoning or tools):
            return None
        return ChatDelta(content, reasoning, tools, None, None, None, self.id, None, logprobs)

    def _record(
        self, usage: Usage | None, finish: str | None, model: str | None, request_id: str | None
    ) -> None:
        if usage is not None:
            self.usage = usage
        if finish:
            self.finish_reason = finish
        if model and not self.model:
            self.model = model
        if request_id and not self.request_id:
            self.request_id = request_id

    def finish(self) -> ChatDelta:
        """The closing delta: usage, finish reason, model and request id, exactly once."""
        return ChatDelta(
            usage=self.usage,
            finish_reason=self.finish_reason,
            model=self.model,
            id=self.id,
            request_id=self.request_id,
        )

    @property
    def content(self) -> str:
        return "".join(self._content)

    def message(self) -> Message:
        reasoning = "".join(self._reasoning)
        calls = tuple(
            ToolCall(id=s.id, name=s.name, arguments="".join(s.arguments)) for s in self._slots
        )
        return Message(
            role="assistant", content=self.content, reasoning=reasoning or None, tool_calls=calls
        )

    def result(self) -> ChatResult:
        return ChatResult(
            choices=(Choice(self.message(), self.finish_reason,
                            {"content": self._logprobs} if self._logprobs else None),),
            usage=self.usage,
            model=self.model,
            id=self.id,
            request_id=self.request_id,
        )

    def _merge(self, fragment: ToolCallDelta) -> ToolCallDelta:
        known = self._by_wire.get(fragment.index)
        slot = self._slots[known] if known is not None else None
        position = known if known is not None else len(self._slots)
        if slot is None or slot.starts_new_call(fragment):
            position = len(self._slots)
            slot = _ToolSlot(fragment.index)
            self._slots.append(slot)
            self._by_wire[fragment.index] = position
        new_id = fragment.id if fragment.id and not slot.id else None
        if new_id:
            slot.id = new_id
        new_name = fragment.name if fragment.name and fragment.name != slot.name else None
        if new_name:
            slot.name += new_name
        if fragment.arguments:
            slot.arguments.append(fragment.arguments)
        return ToolCallDelta(index=position, id=new_id, name=new_name, arguments=fragment.arguments)
