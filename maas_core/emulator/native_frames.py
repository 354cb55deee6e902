"""DashScope native response bodies and SSE events (PROTOCOLS A.4-A.6, fixtures F1a-F3a).

Exact event framing: ``id:<n>\\nevent:result\\n:HTTP_STATUS/200\\ndata:<compact json>\\n\\n``,
ids from 1, the string ``"null"`` while generating, cumulative usage and ``request_id`` on every
event, no terminator. ``incremental=False`` sends the text so far in every event (A.5 rule 7).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from maas_core.emulator.answer import Plan, logprob_content
from maas_core.emulator.streaming import Step, ToolFrag, dumps


class NativeFramer:
    def __init__(
        self,
        plan: Plan,
        request_id: str,
        *,
        thinking: bool,
        message_format: bool,
        multimodal: bool,
        incremental: bool,
        n: int = 1,
        logprobs: int | None = None,
    ) -> None:
        self.plan, self.request_id, self.thinking = plan, request_id, thinking
        self.n, self.logprobs = n, logprobs
        self.message_format, self.multimodal, self.incremental = (
            message_format,
            multimodal,
            incremental,
        )
        self._tail = f',"request_id":"{request_id}"}}\n\n'

    # ---- streaming -------------------------------------------------------------------------
    def events(self, steps: list[Step]) -> Iterator[bytes]:
        text = ""
        calls: dict[int, dict[str, Any]] = {}
        for n, step in enumerate(steps, start=1):
            content = step.content or ""
            if not self.incremental:
                text += content
                content = text
            tools = self._tools(step.tools, calls) if step.tools else None
            finish = step.finish or "null"
            output = self._output(content, step.reasoning or "", tools, finish,
                                  self._step_logprobs(step))
            usage = self._usage(step.tokens, step.reasoning_tokens)
            head = f"id:{n}\nevent:result\n:HTTP_STATUS/200\ndata:"
            yield f'{head}{{"output":{output},"usage":{usage}{self._tail}'.encode()

    def _tools(self, frags: list[ToolFrag], calls: dict[int, dict[str, Any]]) -> list[dict]:
        if self.incremental:
            return [_tool_fragment(f) for f in frags]
        for frag in frags:  # cumulative mode: whole calls so far
            call = calls.setdefault(
                frag.index,
                {
                    "index": frag.index,
                    "id": frag.id,
                    "type": "function",
                    "function": {"name": frag.name or "", "arguments": ""},
                },
            )
            call["function"]["arguments"] += frag.arguments
        return list(calls.values())

    def _step_logprobs(self, step: Step) -> dict[str, Any] | None:
        """The event's ``logprobs``: its content piece's entry, when asked for (A.3)."""
        if self.logprobs is None or not step.content:
            return None
        return {"content": logprob_content([step.content], self.logprobs)}

    def _output(self, content: str, reasoning: str, tools: list | None, finish: str,
                logprobs: dict[str, Any] | None = None) -> str:
        if not self.message_format:
            return f'{{"finish_reason":"{finish}","text":{dumps(content)}}}'
        message: dict[str, Any] = {"content": [{"text": content}] if self.multimodal else content}
        if self.multimodal and not content:
            message["content"] = []
        if self.thinking:
            message["reasoning_content"] = reasoning
        if tools:
            message["tool_calls"] = tools
        message["role"] = "assistant"
        extra = f',"logprobs":{dumps(logprobs)}' if logprobs else ""
        return (f'{{"choices":[{{"message":{dumps(message)},"finish_reason":"{finish}"'
                f'{extra}}}]}}')

    def _usage(self, output: int, reasoning: int) -> str:
        if self.multimodal:
            return dumps(self._multimodal_usage(output, reasoning))
        p = self.plan
        details = (
            f',"output_tokens_details":{{"reasoning_tokens":{reasoning}}}' if self.thinking else ""
        )
        return (
            f'{{"total_tokens":{p.input_tokens + output},"output_tokens":{output},'
            f'"input_tokens":{p.input_tokens}{details},'
            f'"prompt_tokens_details":{{"cached_tokens":{p.cached_tokens}}}}}'
        )

    def _multimodal_usage(self, output: int, reasoning: int) -> dict[str, Any]:
        """PROTOCOLS-2026 A.9.6: empty ``prompt_tokens_details`` (unless cached), input and
        output details by modality."""
        p = self.plan
        cached = {"cached_tokens": p.cached_tokens} if p.cached_tokens else {}
        return {
            "input_tokens_details": {"text_tokens": p.input_tokens},
            "prompt_tokens_details": cached,
            "total_tokens": p.input_tokens + output,
            "output_tokens": output,
            "input_tokens": p.input_tokens,
            "output_tokens_details": {
                "reasoning_tokens": reasoning,
                "text_tokens": output - reasoning,
            },
        }

    # ---- non-streaming ---------------------------------------------------------------------
    def body(self) -> str:
        p = self.plan
        usage = self._usage(p.output_tokens, p.reasoning_tokens)
        if not self.message_format:
            output = f'{{"text":{dumps(p.text)},"finish_reason":"{p.finish_reason}"}}'
            return f'{{"output":{output},"usage":{usage}{self._tail.rstrip()}'
        message: dict[str, Any] = {
            "role": "assistant",
            "content": ([{"text": p.text}] if p.text else []) if self.multimodal else p.text,
        }
        if self.thinking:
            message["reasoning_content"] = "".join(p.reasoning)
        if p.tool_calls:
            message["tool_calls"] = [
                {
                    "function": {"name": c.name, "arguments": c.arguments},
                    "index": c.index,
                    "id": c.id,
                    "type": "function",
                }
                for c in p.tool_calls
            ]
        choice: dict[str, Any] = {"finish_reason": p.finish_reason, "message": message}
        if self.logprobs is not None:  # A.3 logprobs / top_logprobs
            choice["logprobs"] = {"content": logprob_content(p.content, self.logprobs)}
        choices = [{**choice, "index": i} if self.n > 1 else choice for i in range(self.n)]
        return f'{{"output":{dumps({"choices": choices})},"usage":{usage}{self._tail.rstrip()}'


def _tool_fragment(frag: ToolFrag) -> dict[str, Any]:
    """A.6: ``id`` only on the first fragment (``""`` after), ``type`` repeated, name only first."""
    function: dict[str, Any] = {"arguments": frag.arguments}
    if frag.first:
        function = {"name": frag.name, "arguments": frag.arguments}
    return {
        "index": frag.index,
        "id": frag.id if frag.first else "",
        "type": "function",
        "function": function,
    }
