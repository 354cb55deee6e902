"""OpenAI-framed responses in two dialects: MaaS / vLLM (``maas``) and DashScope compat.

Shapes follow PROTOCOLS D.3 (MaaS non-stream, synthesized stream), E.2 (vLLM chunks, tool deltas),
B.3 / B.4 and fixtures F4a-F4c (compatible mode), F5 (usage on the finish chunk). Each chunk is
assembled from pre-serialised head and tail strings; only the delta and usage are dumped per event.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

from maas_core.emulator.answer import Plan, logprob_content
from maas_core.emulator.config import Quirks
from maas_core.emulator.streaming import Step, ToolFrag, dumps

DONE = b"data: [DONE]\n\n"


class OpenAIFramer:
    """Renders one response (stream or not) for ``style`` ``maas`` or ``compat``."""

    def __init__(
        self,
        style: str,
        model: str,
        plan: Plan,
        *,
        thinking: bool,
        quirks: Quirks,
        usage_mode: str,
        usage_details: bool,
        n: int = 1,
        logprobs: int | None = None,
    ) -> None:
        self.style, self.model, self.plan, self.thinking = style, model, plan, thinking
        self.n, self.logprobs = n, logprobs
        self.quirks, self.usage_mode, self.details = quirks, usage_mode, usage_details
        self.id = f"chat-{uuid.uuid4().hex}" if style == "maas" else f"chatcmpl-{uuid.uuid4()}"
        self.created = int(time.time())
        self.fields = _reasoning_fields(quirks.reasoning_field)
        self._head, self._tail = self._templates()

    # ---- streaming -------------------------------------------------------------------------
    def events(self, steps: list[Step]) -> Iterator[bytes]:
        yield self._chunk(self._role_delta(), None, self._usage(0, 0) if self._every else None)
        for step in steps:
            usage = None
            if self._every or (step.finish and self.usage_mode == "finish"):
                usage = self._usage(step.tokens, step.reasoning_tokens)
            yield self._chunk(self._delta(step), step.finish, usage, self._step_logprobs(step))
        if self.usage_mode == "final":
            usage = self._usage(self.plan.output_tokens, self.plan.reasoning_tokens)
            yield self._head_raw('"choices":[]', usage)
        if not self.quirks.drop_done:
            yield DONE

    @property
    def _every(self) -> bool:
        return self.usage_mode == "every"

    def _templates(self) -> tuple[str, str]:
        if self.style == "maas":
            head = (
                f'data: {{"id":"{self.id}","object":"chat.completion.chunk",'
                f'"created":{self.created},"model":{dumps(self.model)},'
            )
            return head, "}\n\n"
        tail = (
            f',"object":"chat.completion.chunk","created":{self.created},'
            f'"system_fingerprint":null,"model":{dumps(self.model)},"id":"{self.id}"}}\n\n'
        )
        return "data: {", tail

    def _head_raw(self, choices: str, usage: dict[str, Any] | None) -> bytes:
        if self.style == "maas":
            usage_part = "" if usage is None else f',"usage":{dumps(usage)}'
            return f"{self._head}{choices}{usage_part}{self._tail}".encode()
        return f'{self._head}{choices},"usage":{dumps(usage)}{self._tail}'.encode()

    def _chunk(self, delta: dict[str, Any], finish: str | None, usage: dict | None,
               logprobs: str = "null") -> bytes:
        fin = "null" if finish is None else f'"{finish}"'
        stop = ',"stop_reason":null' if finish and self.style == "maas" else ""
        choice = (f'{{"index":0,"delta":{dumps(delta)},"logprobs":{logprobs},'
                  f'"finish_reason":{fin}{stop}}}')
        return self._head_raw(f'"choices":[{choice}]', usage)

    def _step_logprobs(self, step: Step) -> str:
        """The chunk's ``logprobs`` (JSON): its content piece's entry, when asked for."""
        if self.logprobs is None or not step.content:
            return "null"
        entry = logprob_content([step.content], self.logprobs)[0]
        return dumps({"content": [entry]})

    def _role_delta(self) -> dict[str, Any]:
        if self.style == "compat" and self.thinking:
            return {"content": None, "role": "assistant", **dict.fromkeys(self.fields, "")}
        return {"role": "assistant", "content": ""}

    def _delta(self, step: Step) -> dict[str, Any]:
        compat_thinking = self.style == "compat" and self.thinking
        delta: dict[str, Any] = {}
        if step.reasoning is not None:
            delta["content"] = step.content if step.content is not None else None
            delta.update(dict.fromkeys(self.fields, step.reasoning))
            if self.style == "maas" and step.content is None:
                del delta["content"]
        elif step.content is not None:
            delta["content"] = step.content
            if compat_thinking:
                delta.update(dict.fromkeys(self.fields))
        elif step.finish in ("stop", "length"):
            delta["content"] = ""
            if compat_thinking:
                delta.update(dict.fromkeys(self.fields))
        if step.tools:
            if self.style == "compat" and step.tools[0].first:
                delta["content"] = None
            delta["tool_calls"] = [self._tool_delta(t) for t in step.tools]
        return delta

    def _tool_delta(self, frag: ToolFrag) -> dict[str, Any]:
        if frag.first:
            function = {"name": frag.name, "arguments": frag.arguments}
            return {"index": frag.index, "id": frag.id, "type": "function", "function": function}
        out: dict[str, Any] = {"index": frag.index, "function": {"arguments": frag.arguments}}
        repeat = self.quirks.repeat_tool_ids
        if repeat == "fresh":
            prefix = "chatcmpl-tool-" if self.style == "maas" else "call_"
            out.update(id=prefix + uuid.uuid4().hex[:22], type="function")
        elif repeat == "same":
            out.update(id=frag.id, type="function")
        elif self.style == "compat":
            out.update(id="", type="function")  # B.4: continuation id is ""
        return out

    def _usage(self, output: int, reasoning: int) -> dict[str, Any]:
        p = self.plan
        if self.style == "maas":
            usage: dict[str, Any] = {
                "prompt_tokens": p.input_tokens,
                "total_tokens": p.input_tokens + output,
                "completion_tokens": output,
            }
            if self.details:
                usage["prompt_tokens_details"] = {"cached_tokens": p.cached_tokens}
                usage["completion_tokens_details"] = {"reasoning_tokens": reasoning}
            return usage
        usage = {
            "prompt_tokens": p.input_tokens,
            "completion_tokens": output,
            "total_tokens": p.input_tokens + output,
        }
        if self.thinking:
            usage["completion_tokens_details"] = {"reasoning_tokens": reasoning}
        usage["prompt_tokens_details"] = {"cached_tokens": p.cached_tokens}
        return usage

    # ---- non-streaming ---------------------------------------------------------------------
    def completion(self) -> dict[str, Any]:
        p = self.plan
        # n choices: the answer counted once per choice, as vLLM and OpenAI count completions.
        usage = self._usage(p.output_tokens * self.n, p.reasoning_tokens * self.n)
        logprobs = (None if self.logprobs is None
                    else {"content": logprob_content(p.content, self.logprobs)})
        if self.style == "maas":
            choices: list[dict[str, Any]] = [{
                "index": i,
                "message": self._message(),
                "logprobs": logprobs,
                "finish_reason": p.finish_reason,
                "stop_reason": None,
            } for i in range(self.n)]
            return {
                "id": self.id,
                "object": "chat.completion",
                "created": self.created,
                "model": self.model,
                "choices": choices,
                "usage": usage,
                "prompt_logprobs": None,
            }
        choices = [{
            "message": self._message(),
            "finish_reason": p.finish_reason,
            "index": i,
            "logprobs": logprobs,
        } for i in range(self.n)]
        return {
            "choices": choices,
            "object": "chat.completion",
            "usage": usage,
            "created": self.created,
            "system_fingerprint": None,
            "model": self.model,
            "id": self.id,
        }

    def _message(self) -> dict[str, Any]:
        p = self.plan
        reasoning = "".join(p.reasoning) if self.thinking and p.reasoning else None
        calls = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in p.tool_calls
        ]
        if self.style == "maas":
            message: dict[str, Any] = {
                "role": "assistant",
                **dict.fromkeys(self.fields, reasoning),
                "content": p.text if not calls else None,
                "tool_calls": calls,
            }
            return message
        message = {"role": "assistant", "content": p.text}
        if self.thinking:
            message.update(dict.fromkeys(self.fields, reasoning or ""))
        if calls:
            message["tool_calls"] = [{**c, "index": i} for i, c in enumerate(calls)]
        return message


def _reasoning_fields(name: str | None) -> tuple[str, ...]:
    if name == "both":
        return ("reasoning", "reasoning_content")
    return (name or "reasoning_content",)
