"""``llamaindex_maas`` against ``OpenAILike`` and a do-nothing ``CustomLLM``.

One emulator process serves every client; we measure the *client's* CPU seconds per 1000
streamed events (``stream_chat``, at 1k and 50k events: the cost per event must not grow with
the length of the answer) and per ``chat`` call, plus the import time of each package in fresh
interpreters. Run: ``python -m benchmarks.llamaindex_bench``.

Targets: ``MaaS.stream_chat`` <= 0.4x ``OpenAILike.stream_chat`` per event; ``chat`` <= 0.6x;
``import llamaindex_maas`` <= 0.7x ``import llama_index.llms.openai_like``, without
``langchain_core``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
)
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.custom import CustomLLM

from benchmarks._server import emulator_process, interleaved

KEY = "sk-emulator"
MODEL = "DeepSeek-V3"
SIZES = (1_000, 50_000)
CALLS = 50
MESSAGES = [ChatMessage(role="user", content="benchmark")]


class NullLLM(CustomLLM):
    """Yields pre-built chunks: the cost of LlamaIndex's own per-chunk machinery."""

    events: int = 1000

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(is_chat_model=True, model_name="null")

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text="benchmark")

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        yield from ()

    @llm_chat_callback()
    def chat(self, messages: Any, **kwargs: Any) -> ChatResponse:
        return self._chunks[0]

    @llm_chat_callback()
    def stream_chat(self, messages: Any, **kwargs: Any) -> ChatResponseGen:
        yield from self._chunks

    @property
    def _chunks(self) -> list[ChatResponse]:
        cached = self.__dict__.get("_cache")
        if cached is None or len(cached) != self.events:
            message = ChatMessage(role="assistant", content="x")
            cached = [ChatResponse(message=message, delta=" x") for _ in range(self.events)]
            self.__dict__["_cache"] = cached
        return cached


def measure(base: str, sizes: tuple[int, ...] = SIZES, calls: int = CALLS) -> dict[str, Any]:
    """Every LlamaIndex number but imports, against the emulator at ``base``."""
    return {"streams": {n: _stream_rows(base, n) for n in sizes}, "calls": _call_rows(base, calls)}


def main() -> None:
    with emulator_process() as url:
        results = measure(url + "/v1")
    _print(results["streams"], results["calls"], _import_rows())


def _llms(base: str, events: int) -> dict[str, Any]:
    from llama_index.llms.openai_like import OpenAILike

    from llamaindex_maas import MaaS

    headers = {"X-Emulator-Tokens": str(events)}
    return {
        "MaaS": MaaS(model=MODEL, api_base=base, api_key=KEY, default_headers=headers),
        "OpenAILike": OpenAILike(
            model=MODEL,
            api_base=base,
            api_key=KEY,
            is_chat_model=True,
            default_headers=headers,
            timeout=120,
        ),
        "CustomLLM (no I/O)": NullLLM(events=events),
    }


def _stream_rows(base: str, events: int) -> dict[str, float]:
    """CPU seconds per 1000 streamed events."""
    llms = _llms(base, events)

    def consume(llm: Any) -> Callable[[], None]:
        def run() -> None:
            count = sum(1 for _ in llm.stream_chat(MESSAGES))
            assert count >= events, (llm, count)

        return run

    rounds = 5 if events <= 1000 else 1
    best = interleaved({name: consume(llm) for name, llm in llms.items()}, rounds=rounds)
    return {name: seconds * 1000 / events for name, seconds in best.items()}


def _call_rows(base: str, count: int = CALLS) -> dict[str, float]:
    """CPU seconds per ``chat`` call."""
    llms = _llms(base, 20)

    def calls(llm: Any) -> Callable[[], None]:
        def run() -> None:
            for _ in range(count):
                llm.chat(MESSAGES)

        return run

    best = interleaved({name: calls(llm) for name, llm in llms.items()}, rounds=9)
    return {name: seconds / count for name, seconds in best.items()}


_IMPORT = (
    "import sys, time; t = time.perf_counter(); import {module}; "
    "print(time.perf_counter() - t, 'langchain_core' in sys.modules)"
)


def _import_rows(runs: int = 9) -> dict[str, tuple[float, bool]]:
    """Median wall seconds of ``import <module>`` in fresh interpreters, taken in turns so that
    machine load affects both alike."""
    modules = ("llamaindex_maas", "llama_index.llms.openai_like")
    times: dict[str, list[float]] = {m: [] for m in modules}
    langchain = dict.fromkeys(modules, False)
    for _ in range(runs):
        for module in modules:
            out = subprocess.run(
                [sys.executable, "-c", _IMPORT.format(module=module)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            times[module].append(float(out[0]))
            langchain[module] = langchain[module] or out[1] == "True"
    return {m: (statistics.median(times[m]), langchain[m]) for m in modules}


def _print(
    streams: dict[int, dict[str, float]],
    calls: dict[str, float],
    imports: dict[str, tuple[float, bool]],
) -> None:
    names = list(calls)
    print(f"{'client CPU':<26}" + "".join(f"{n:>20}" for n in names))
    for events, row in streams.items():
        label = f"stream_chat s/1k ({events:,} ev)"
        print(f"{label:<26}" + "".join(f"{row[n]:>20.4f}" for n in names))
    print(f"{'chat s/call':<26}" + "".join(f"{calls[n]:>20.5f}" for n in names))
    print()
    for events, row in streams.items():
        ratio = row["MaaS"] / row["OpenAILike"]
        print(
            f"stream_chat ratio MaaS/OpenAILike ({events:,} events): {ratio:.2f}  (target <= 0.4)"
        )
    short, long = min(streams), max(streams)
    growth = streams[long]["MaaS"] / streams[short]["MaaS"]
    print(f"MaaS per-event cost, {long:,} vs {short:,} events: {growth:.2f}x (flat is ~1)")
    print(f"chat ratio MaaS/OpenAILike: {calls['MaaS'] / calls['OpenAILike']:.2f}  (target <= 0.6)")
    ours, theirs = imports["llamaindex_maas"], imports["llama_index.llms.openai_like"]
    print(
        f"import llamaindex_maas: {ours[0]:.3f}s, llama_index.llms.openai_like: {theirs[0]:.3f}s"
        f", ratio {ours[0] / theirs[0]:.2f}  (target <= 0.7); "
        f"langchain_core imported: {ours[1]}"
    )


if __name__ == "__main__":
    main()
