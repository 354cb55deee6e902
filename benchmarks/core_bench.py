"""maas_core's streaming client vs the floor (httpx + httpx-sse + json.loads) and the openai SDK.

One emulator process serves every client; we measure the *client's* CPU seconds per 1000
streamed events and per plain (non-streaming) call. Run: ``python -m benchmarks.core_bench``.
"""

from __future__ import annotations

import json

import httpx
from httpx_sse import connect_sse

from benchmarks._server import emulator_process, interleaved
from maas_core import ChatClient, ChatRequest, Message

EVENTS = 2000
CALLS = 30
KEY = "sk-emulator"
MODEL = "DeepSeek-V3"
MESSAGES = [{"role": "user", "content": "benchmark"}]


def main() -> None:
    with emulator_process() as url:
        rows = measure(url + "/v1")
    print_report(rows)


def measure(base: str, events: int = EVENTS) -> dict[str, tuple[float, float]]:
    """(CPU seconds per stream of ``events`` events, per plain call) of each client."""
    headers = {"X-Emulator-Tokens": str(events)}
    import openai

    http = httpx.Client(timeout=60)
    auth = {"Authorization": f"Bearer {KEY}", **headers}
    body = {"model": MODEL, "messages": MESSAGES}

    def floor_stream() -> None:
        with connect_sse(http, "POST", base + "/chat/completions", headers=auth,
                         json={**body, "stream": True}) as source:
            for event in source.iter_sse():
                if event.data != "[DONE]":
                    json.loads(event.data)

    def floor_call() -> None:
        json.loads(http.post(base + "/chat/completions", headers=auth, json=body).content)

    ours = ChatClient("maas", api_key=KEY, base_url=base, default_headers=headers)
    request = ChatRequest(model=MODEL, messages=(Message("user", "benchmark"),))

    def ours_stream() -> None:
        for _ in ours.stream(request):
            pass

    sdk = openai.OpenAI(api_key=KEY, base_url=base, default_headers=headers)

    def sdk_stream() -> None:
        for _ in sdk.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True):
            pass

    def sdk_call() -> None:
        sdk.chat.completions.create(model=MODEL, messages=MESSAGES)

    def calls(fn):
        return lambda: [fn() for _ in range(CALLS)]

    names = ["floor (httpx + httpx-sse + json)", "maas_core ChatClient", "openai SDK"]
    streams = interleaved(dict(zip(names, [floor_stream, ours_stream, sdk_stream], strict=True)))
    plain_calls = [calls(floor_call), calls(lambda: ours.chat(request)), calls(sdk_call)]
    plain = interleaved(dict(zip(names, plain_calls, strict=True)))
    return {name: (streams[name] / events * 1000, plain[name] / CALLS) for name in names}


def print_report(rows: dict[str, tuple[float, float]]) -> None:
    floor_event, floor_call = rows["floor (httpx + httpx-sse + json)"]
    ours_event, ours_call = rows["maas_core ChatClient"]
    print("maas_core: client CPU; best of 9 interleaved rounds\n")
    print(f"{'client':36} {'s/1000 events':>14} {'x floor':>8} {'ms/call':>9} {'x floor':>8}")
    for name, (per_k, call) in rows.items():
        print(f"{name:36} {per_k:14.4f} {per_k / floor_event:8.2f} {call * 1000:9.3f} "
              f"{call / floor_call:8.2f}")
    sdk_event, sdk_call = rows["openai SDK"]
    print(f"\nopenai SDK / maas_core per event: {sdk_event / ours_event:.2f}x;"
          f" per call: {sdk_call / ours_call:.2f}x")


if __name__ == "__main__":
    main()
