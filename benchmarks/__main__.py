"""Every benchmark in one run against one local emulator process; a table and a chart.

    python -m benchmarks                 # full run (a few minutes), chart in docs/benchmark.png
    python -m benchmarks --quick --chart /tmp/bench.png   # smoke run (CI)

What is measured is the *client's* CPU time (the emulator runs in its own process): seconds per
1000 streamed events and per plain call, ours beside each peer, as ratios.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from benchmarks import core_bench, embeddings_bench, langchain_bench, llamaindex_bench
from benchmarks._server import emulator_process

DEFAULT_CHART = Path(__file__).resolve().parent.parent / "docs" / "benchmark.png"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few, short runs (smoke test)")
    parser.add_argument("--chart", type=Path, default=DEFAULT_CHART)
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON")
    args = parser.parse_args(argv)
    results = run(quick=args.quick)
    report(results)
    chart(results, args.chart)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(f"\nchart written to {args.chart}")
    return 0


def run(*, quick: bool) -> dict[str, Any]:
    events, reps, invokes = (300, 2, 20) if quick else (2000, 7, 200)
    sizes = (300, 3000) if quick else llamaindex_bench.SIZES
    with emulator_process() as url:
        base = url + "/v1"
        core = core_bench.measure(base, events)
        langchain = langchain_bench.measure(base, events, reps, invokes)
        llamaindex = llamaindex_bench.measure(base, sizes, calls=10 if quick else 50)
    llamaindex["imports"] = llamaindex_bench._import_rows(runs=2 if quick else 9)
    embeddings = embeddings_bench.measure(quick=quick)
    return {"core": core, "langchain": langchain, "llamaindex": llamaindex,
            "embeddings": embeddings}


def report(results: dict[str, Any]) -> None:
    core_bench.print_report(results["core"])
    print()
    langchain_bench.print_report(results["langchain"])
    print()
    li = results["llamaindex"]
    llamaindex_bench._print(li["streams"], li["calls"], li["imports"])
    print()
    embeddings_bench.print_report(results["embeddings"])
    print("\nsummary (ratio, target)")
    for name, ratio, target in summary(results):
        mark = "ok  " if ratio <= target else "MISS"
        print(f"  {mark} {name:<60} {ratio:6.2f}  <= {target:.2f}")


def summary(results: dict[str, Any]) -> list[tuple[str, float, float]]:
    return [*_chat_summary(results), *embeddings_bench.summary(results["embeddings"])]


def _chat_summary(results: dict[str, Any]) -> list[tuple[str, float, float]]:
    core = results["core"]
    floor = core["floor (httpx + httpx-sse + json)"]
    ours = core["maas_core ChatClient"]
    sdk = core["openai SDK"]
    lc = results["langchain"]
    lc_stream, lc_call, lc_import = lc["stream_s_per_1k"], lc["invoke_s"], lc["import_s"]
    lc_floors = (lc_stream["framework floor (pre-built chunks)"]
                 + lc_stream["transport floor (httpx+sse+json)"])
    li = results["llamaindex"]
    long = li["streams"][max(li["streams"])]
    imports = li["imports"]
    return [
        ("maas_core stream / floor (per event)", ours[0] / floor[0], 1.3),
        ("maas_core stream / openai SDK (per event)", ours[0] / sdk[0], 1 / 3),
        ("ChatMaaS.stream / ChatOpenAI.stream (per event)",
         lc_stream["ChatMaaS"] / lc_stream["ChatOpenAI"], 0.35),
        ("ChatMaaS.stream / (framework + transport floor)", lc_stream["ChatMaaS"] / lc_floors, 1.5),
        ("ChatMaaS.invoke / ChatOpenAI.invoke", lc_call["ChatMaaS"] / lc_call["ChatOpenAI"], 0.6),
        ("import langchain_maas / import langchain_openai",
         lc_import["import langchain_maas"] / lc_import["import langchain_openai"], 0.5),
        ("MaaS.stream_chat / OpenAILike.stream_chat (per event, long)",
         long["MaaS"] / long["OpenAILike"], 0.4),
        ("MaaS.chat / OpenAILike.chat", li["calls"]["MaaS"] / li["calls"]["OpenAILike"], 0.6),
        ("import llamaindex_maas / import llama_index...openai_like",
         imports["llamaindex_maas"][0] / imports["llama_index.llms.openai_like"][0], 0.7),
    ]


def chart(results: dict[str, Any], path: Path) -> None:
    """Two panels: client µs per streamed event and ms per call, ours beside each peer."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    core, lc, li = results["core"], results["langchain"], results["llamaindex"]
    long = li["streams"][max(li["streams"])]
    per_event = {
        "maas_core": core["maas_core ChatClient"][0],
        "httpx+sse+json floor": core["floor (httpx + httpx-sse + json)"][0],
        "openai SDK": core["openai SDK"][0],
        "ChatMaaS": lc["stream_s_per_1k"]["ChatMaaS"],
        "ChatOpenAI": lc["stream_s_per_1k"]["ChatOpenAI"],
        "ChatDeepSeek": lc["stream_s_per_1k"]["ChatDeepSeek"],
        "LlamaIndex MaaS": long["MaaS"],
        "OpenAILike": long["OpenAILike"],
    }
    per_call = {
        "maas_core": core["maas_core ChatClient"][1],
        "openai SDK": core["openai SDK"][1],
        "ChatMaaS": lc["invoke_s"]["ChatMaaS"],
        "ChatOpenAI": lc["invoke_s"]["ChatOpenAI"],
        "ChatDeepSeek": lc["invoke_s"]["ChatDeepSeek"],
        "LlamaIndex MaaS": li["calls"]["MaaS"],
        "OpenAILike": li["calls"]["OpenAILike"],
    }
    ours = {"maas_core", "ChatMaaS", "LlamaIndex MaaS"}
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    _bars(left, {k: v * 1000 for k, v in per_event.items()}, ours,
          "client CPU µs per streamed event (lower is better)")
    _bars(right, {k: v * 1000 for k, v in per_call.items()}, ours,
          "client CPU ms per non-streaming call (lower is better)")
    fig.suptitle("maas-integrations vs generic OpenAI adapters, same local server")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _bars(axis: Any, values: dict[str, float], ours: set[str], title: str) -> None:
    names = list(values)
    colors = ["#1f77b4" if n in ours else "#bbbbbb" for n in names]
    axis.barh(names, [values[n] for n in names], color=colors)
    axis.invert_yaxis()
    axis.set_title(title, fontsize=10)
    for y, name in enumerate(names):
        axis.text(values[name], y, f" {values[name]:.2f}", va="center", fontsize=8)


if __name__ == "__main__":
    raise SystemExit(main())
