"""Embedding N texts: ours against the usual DashScope clients, on an emulator that answers each
embedding request after a fixed 100 ms (``MAAS_EMULATOR_EMBEDDING_DELAY``), so network latency is
modelled and the number of requests in flight matters.

Everyone embeds the same texts with ``text-embedding-v4`` (10 texts per request, 1024 floats per
vector) and otherwise default settings, except where a default cannot work against DashScope:
``OpenAIEmbeddings`` / llama-index ``OpenAIEmbedding`` send 1000 / 100 texts per request, which
DashScope refuses ("batch size is invalid, it should not be larger than 10"), so they get
``chunk_size`` / ``embed_batch_size`` = 10, and ``check_embedding_ctx_length=False`` (token ids
are refused too). Measured per client: wall seconds and client CPU seconds per 1000 texts
(``process_time``: every thread of this process; the emulator runs in its own process).

Memory: the transient memory of one ``embed_documents`` call (traced peak minus what the result
keeps), per text, at two input sizes, on an emulator without delay. Flat = the call holds a
bounded number of batches, not the whole input's requests.

Run: ``python -m benchmarks.embeddings_bench [--quick]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import time
import tracemalloc
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from benchmarks._server import emulator_process

KEY = "sk-emulator"
MODEL = "text-embedding-v4"
DELAY = 0.1
DELAY_ENV = "MAAS_EMULATOR_EMBEDDING_DELAY"
_WORDS = ["river", "bamboo", "lattice", "volcano", "reef", "sugar", "language", "tower",
          "mountain", "coral", "panda", "iron", "oxygen", "carbon", "island", "harbour",
          "glacier", "desert", "forest", "meadow"]


def texts(count: int) -> list[str]:
    """Distinct sentences of 12 words (no two alike, so no cache can help anyone)."""
    n = len(_WORDS)
    return [" ".join(_WORDS[(i * 7 + k * (i % 5 + 1)) % n] for k in range(11)) + f" #{i}"
            for i in range(count)]


@contextlib.contextmanager
def delayed_emulator(delay: float) -> Iterator[str]:
    """An emulator process whose embedding routes wait ``delay`` seconds per request."""
    old = os.environ.get(DELAY_ENV)
    os.environ[DELAY_ENV] = str(delay)
    try:
        with emulator_process() as url:
            _restore(old)
            yield url
    finally:
        _restore(old)


def _restore(old: str | None) -> None:
    if old is None:
        os.environ.pop(DELAY_ENV, None)
    else:
        os.environ[DELAY_ENV] = old


def clients(url: str) -> dict[str, Callable[[list[str]], Any]]:
    """name -> a function embedding a list of texts, each built as a user would."""
    from langchain_maas import DashScopeEmbeddings
    from llamaindex_maas import DashScopeEmbedding

    native, compat = url + "/api/v1", url + "/compatible-mode/v1"
    ours = DashScopeEmbeddings(model=MODEL, api_key=KEY, base_url=native)
    ours_compat = DashScopeEmbeddings(model=MODEL, api_key=KEY, base_url=compat,
                                      protocol="compatible")
    ours_li = DashScopeEmbedding(MODEL, api_key=KEY, base_url=native)
    runners: dict[str, Callable[[list[str]], Any]] = {
        "DashScopeEmbeddings (ours, native)": ours.embed_documents,
        "DashScopeEmbeddings (ours, compatible)": ours_compat.embed_documents,
        "DashScopeEmbeddings.aembed_documents (ours)":
            lambda t: asyncio.run(ours.aembed_documents(t)),
        "DashScopeEmbedding (ours, LlamaIndex)": ours_li.get_text_embedding_batch,
    }
    runners["floor: httpx + json.loads, one request at a time"] = _floor(native, "json")
    runners["floor: httpx + orjson.loads, one request at a time"] = _floor(native, "orjson")
    runners.update(_peers(native, compat))
    return runners


def _floor(native: str, decoder: str) -> Callable[[list[str]], Any]:
    """The least any client must do: send each batch of 10, decode the JSON answer."""
    import importlib

    import httpx

    loads = importlib.import_module(decoder).loads

    http = httpx.Client(headers={"Authorization": f"Bearer {KEY}"}, timeout=60)
    url = native + "/services/embeddings/text-embedding/text-embedding"

    def embed(inputs: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(inputs), 10):
            body = {"model": MODEL, "input": {"texts": inputs[start : start + 10]}}
            answer = loads(http.post(url, json=body).content)
            vectors += [e["embedding"] for e in answer["output"]["embeddings"]]
        return vectors

    return embed


def _peers(native: str, compat: str) -> dict[str, Callable[[list[str]], Any]]:
    peers: dict[str, Callable[[list[str]], Any]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # langchain-community announces its sunset
        try:
            import dashscope
            from langchain_community.embeddings import DashScopeEmbeddings as Community

            dashscope.base_http_api_url = native
            community = Community(model=MODEL, dashscope_api_key=KEY)
            peers["langchain-community DashScopeEmbeddings (SDK)"] = community.embed_documents
        except ImportError as exc:
            print(f"  (skipped langchain-community / dashscope: {exc})")
        try:
            from langchain_openai import OpenAIEmbeddings

            openai_lc = OpenAIEmbeddings(model=MODEL, api_key=KEY, base_url=compat,  # type: ignore[arg-type]
                                         check_embedding_ctx_length=False, chunk_size=10)
            peers["langchain-openai OpenAIEmbeddings (compatible)"] = openai_lc.embed_documents
        except ImportError as exc:
            print(f"  (skipped langchain-openai: {exc})")
        try:
            from llama_index.embeddings.openai import OpenAIEmbedding

            openai_li = OpenAIEmbedding(model_name=MODEL, api_key=KEY, api_base=compat,
                                        embed_batch_size=10)
            peers["llama-index OpenAIEmbedding (compatible)"] = openai_li.get_text_embedding_batch
        except ImportError as exc:
            print(f"  (skipped llama-index-embeddings-openai: {exc})")
    return peers


def timing(url: str, count: int) -> dict[str, dict[str, float]]:
    """Wall seconds and client CPU seconds per 1000 texts, per client (one warm-up call each)."""
    inputs = texts(count)
    rows: dict[str, dict[str, float]] = {}
    for name, embed in clients(url).items():
        embed(inputs[:3])
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        vectors = embed(inputs)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert len(vectors) == count and len(vectors[0]) == 1024, name
        rows[name] = {"wall_s": wall, "cpu_s_per_1k": cpu / count * 1000}
    return rows


def memory(url: str, sizes: tuple[int, ...]) -> dict[int, float]:
    """Transient bytes per text of one ``embed_documents`` call (64-dimension vectors)."""
    from langchain_maas import DashScopeEmbeddings

    model = DashScopeEmbeddings(model=MODEL, api_key=KEY, base_url=url + "/api/v1",
                                dimensions=64)
    model.embed_documents(texts(20))
    per_text: dict[int, float] = {}
    for size in sizes:
        inputs = texts(size)
        gc.collect()
        tracemalloc.start()
        vectors = model.embed_documents(inputs)
        kept, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert len(vectors) == size
        del vectors
        per_text[size] = (peak - kept) / size
    return per_text


def measure(*, quick: bool) -> dict[str, Any]:
    count = 100 if quick else 2000
    sizes = (200, 2000) if quick else (2000, 50000)
    with delayed_emulator(DELAY) as url:
        rows = timing(url, count)
    with delayed_emulator(0) as url:
        mem = memory(url, sizes)
    return {"texts": count, "timing": rows, "memory": {str(k): v for k, v in mem.items()}}


def summary(results: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(what, ratio, target) rows: ours against the fastest peer."""
    rows = results["timing"]
    peers = {k: v for k, v in rows.items() if "(ours" not in k and not k.startswith("floor")}
    if not peers:
        return []
    ours = rows["DashScopeEmbeddings (ours, native)"]
    fastest_wall = min(v["wall_s"] for v in peers.values())
    least_cpu = min(v["cpu_s_per_1k"] for v in peers.values())
    small, large = (float(v) for v in results["memory"].values())
    return [
        ("embeddings: wall time / fastest peer", ours["wall_s"] / fastest_wall, 0.33),
        ("embeddings: client CPU per 1k texts / leanest peer",
         ours["cpu_s_per_1k"] / least_cpu, 0.5),
        ("embeddings: transient memory per text, large / small input", large / max(small, 1.0),
         1.2),
    ]


def print_report(results: dict[str, Any]) -> None:
    print(f"embedding {results['texts']} texts ({MODEL}, emulator answers after "
          f"{DELAY * 1000:.0f} ms per request)")
    print(f"  {'client':<50} {'wall s':>8} {'CPU s / 1k texts':>17}")
    for name, row in results["timing"].items():
        print(f"  {name:<50} {row['wall_s']:8.2f} {row['cpu_s_per_1k']:17.3f}")
    print("  transient memory of one call, bytes per text: " + ", ".join(
        f"{int(size):,} texts: {value:,.0f}" for size, value in results["memory"].items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.embeddings_bench")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    results = measure(quick=args.quick)
    print_report(results)
    for name, ratio, target in summary(results):
        print(f"  {'ok  ' if ratio <= target else 'MISS'} {name:<60} {ratio:6.2f}  <= {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
