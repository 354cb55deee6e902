"""Client-side cost of ``langchain_maas`` against ChatOpenAI, ChatDeepSeek and the floors.

One run, one local emulator server (in its own process, so the server never competes with the
client for the GIL). Prints seconds of client time per 1000 streamed events and per ``invoke``,
and import times measured in fresh interpreters, each with its ratio to ``ChatOpenAI``.

    python -m benchmarks.langchain_bench [--events 2000] [--reps 7] [--invokes 200]

Floors: the *framework floor* is a do-nothing ``BaseChatModel`` whose ``_stream`` yields
pre-built chunks (LangChain's own per-chunk cost); the *transport floor* is httpx + httpx-sse +
``json.loads`` reading the same stream (the wire's own cost). The target for ``ChatMaaS.stream``
is within 1.5x of their sum.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
from httpx_sse import connect_sse
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from benchmarks._server import emulator_process

API_KEY = "sk-emulator"
MODEL = "DeepSeek-V3"
PROMPT = "Tell me a story about a lighthouse keeper"


class FloorChat(BaseChatModel):
    """A chat model that does no I/O: it yields ``events`` chunks built before the timing."""

    events: int = 2000
    _chunks: list[ChatGenerationChunk] = PrivateAttr(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "floor"

    def prepare(self) -> FloorChat:
        self._chunks = [ChatGenerationChunk(message=AIMessageChunk(content=" word"))
                        for _ in range(self.events)]
        return self

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        raise NotImplementedError

    def _stream(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        yield from self._chunks


def timed(run: Callable[[], int], reps: int) -> tuple[float, float, int]:
    """(best, median) client CPU seconds of ``run`` over ``reps`` repetitions, and its count.

    CPU time of this process (all its threads): the server runs in another process, so its
    work and the loopback's latency (e.g. delayed ACKs) are not billed to the client.
    """
    run()  # warm-up: connections, caches, lazy imports
    times, count = [], 0
    for _ in range(reps):
        start = time.process_time()
        count = run()
        times.append(time.process_time() - start)
    return min(times), statistics.median(times), count


def stream_runner(model: Any) -> Callable[[], int]:
    def run() -> int:
        return sum(1 for _ in model.stream(PROMPT))

    return run


def transport_runner(base: str, events: int) -> Callable[[], int]:
    client = httpx.Client()
    body = {"model": MODEL, "messages": [{"role": "user", "content": PROMPT}], "stream": True,
            "stream_options": {"include_usage": True}}
    headers = {"Authorization": f"Bearer {API_KEY}", "X-Emulator-Tokens": str(events)}

    def run() -> int:
        count = 0
        with connect_sse(client, "POST", base + "/chat/completions", json=body,
                         headers=headers) as source:
            for event in source.iter_sse():
                if event.data != "[DONE]":
                    json.loads(event.data)
                    count += 1
        return count

    return run


def invoke_runner(model: Any, calls: int) -> Callable[[], int]:
    def run() -> int:
        for _ in range(calls):
            model.invoke(PROMPT)
        return calls

    return run


def import_time(statement: str, reps: int = 5) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True).stdout) for _ in range(reps)]
    return min(times)


def loads_llama_index() -> bool:
    code = ("import sys, langchain_maas; "
            "print(any(m.startswith('llama_index') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip() == "True"


def models(base: str, headers: dict[str, str]) -> dict[str, Any]:
    from langchain_deepseek import ChatDeepSeek
    from langchain_openai import ChatOpenAI

    from langchain_maas import ChatMaaS

    common = {"model": MODEL, "api_key": API_KEY, "default_headers": headers}
    return {
        "ChatMaaS": ChatMaaS(base_url=base, **common),
        "ChatOpenAI": ChatOpenAI(base_url=base, stream_usage=True, **common),
        "ChatDeepSeek": ChatDeepSeek(api_base=base, **common),
    }


def measure(base: str, events: int = 2000, reps: int = 7, invokes: int = 200) -> dict[str, Any]:
    """Every LangChain number, against the emulator at ``base``."""
    stream_models = models(base, {"X-Emulator-Tokens": str(events)})
    stream = {name: timed(stream_runner(m), reps) for name, m in stream_models.items()}
    stream["framework floor (pre-built chunks)"] = timed(
        stream_runner(FloorChat(events=events).prepare()), reps)
    stream["transport floor (httpx+sse+json)"] = timed(transport_runner(base, events), reps)
    invoke_models = models(base, {})
    calls = {name: timed(invoke_runner(m, invokes), 3)[0] / invokes
             for name, m in invoke_models.items()}
    statements = ("import langchain_maas", "from langchain_maas import ChatMaaS",
                  "import langchain_openai", "import langchain_deepseek",
                  "from langchain_core.language_models import BaseChatModel")
    return {
        "events": events, "reps": reps, "invokes": invokes,
        "stream_s_per_1k": {n: best / count * 1000 for n, (best, _, count) in stream.items()},
        "invoke_s": calls,
        "import_s": {s: import_time(s) for s in statements},
        "loads_llama_index": loads_llama_index(),
    }


def print_report(results: dict[str, Any]) -> None:
    per_event = results["stream_s_per_1k"]
    print(f"stream: client ms per 1000 events ({results['events']}-event streams, best of "
          f"{results['reps']}; ratio to ChatOpenAI)")
    for name, value in per_event.items():
        print(f"  {name:<34} {value * 1000:>10.3f} ms  {value / per_event['ChatOpenAI']:>7.2f}x")
    floors = per_event["framework floor (pre-built chunks)"] + per_event[
        "transport floor (httpx+sse+json)"]
    print(f"  ChatMaaS / (framework + transport floor) = {per_event['ChatMaaS'] / floors:.2f}x "
          "(target <= 1.5x)")
    calls = results["invoke_s"]
    print(f"invoke: client ms per call (best of 3 x {results['invokes']}; ratio to ChatOpenAI)")
    for name, seconds in calls.items():
        print(f"  {name:<34} {seconds * 1000:>10.3f} ms  {seconds / calls['ChatOpenAI']:>7.2f}x")
    imports = results["import_s"]
    reference = imports["import langchain_openai"]
    print("import: wall seconds in a fresh interpreter (best of 5; ratio to langchain_openai)")
    for name, seconds in imports.items():
        print(f"  {name:<58} {seconds:>7.3f} s  {seconds / reference:>6.2f}x")
    print(f"  import langchain_maas loads llama_index: {results['loads_llama_index']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--invokes", type=int, default=200)
    args = parser.parse_args()
    with emulator_process() as url:
        results = measure(url + "/v1", args.events, args.reps, args.invokes)
    print_report(results)


if __name__ == "__main__":
    main()
