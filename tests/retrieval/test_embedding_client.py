"""``EmbeddingClient`` / ``AsyncEmbeddingClient`` against the emulator over real HTTP: batches
sized by the model's limits, in flight together, reassembled in order, usage summed; typed errors."""

from __future__ import annotations

import asyncio
import time

import pytest

from maas_core import (
    AsyncEmbeddingClient,
    BadRequestError,
    EmbeddingClient,
    EmbeddingRequest,
    InputTooLongError,
    RateLimitError,
    RerankRequest,
    UnsupportedParameterError,
)
from maas_core.emulator import Emulator

from .conftest import PASSAGES, SETUPS, base_url, core_platform

TEXTS = tuple(f"passage number {i} about topic {i % 7}" for i in range(47))


def client(emu: Emulator, setup: str, **kwargs: object) -> EmbeddingClient:
    return EmbeddingClient(core_platform(setup), api_key=emu.api_key,
                           base_url=base_url(emu, setup), **kwargs)  # type: ignore[arg-type]


def aclient(emu: Emulator, setup: str, **kwargs: object) -> AsyncEmbeddingClient:
    return AsyncEmbeddingClient(core_platform(setup), api_key=emu.api_key,
                                base_url=base_url(emu, setup), **kwargs)  # type: ignore[arg-type]


def embedding_requests(emu: Emulator) -> list[object]:
    return [r.json for r in emu.requests if "embeddings" in r.path]


def test_split_by_limit_in_order_with_usage_summed(emu: Emulator, setup: str) -> None:
    model = SETUPS[setup][0]
    one_by_one = [client(emu, setup).embed(EmbeddingRequest(model, (t,))) for t in TEXTS[:12]]
    emu.requests.clear()
    result = client(emu, setup).embed(EmbeddingRequest(model, TEXTS))
    sent = embedding_requests(emu)
    sizes = [len(b["input"]["texts"] if setup == "native" else b["input"]) for b in sent]  # type: ignore[index]
    limit = 10 if setup != "maas" else 32
    assert max(sizes) <= limit and sum(sizes) == len(TEXTS)
    assert len(result.vectors) == len(TEXTS)
    assert result.vectors[:12] == [r.vectors[0] for r in one_by_one]
    assert result.usage.total_tokens == sum(
        client(emu, setup).embed(EmbeddingRequest(model, TEXTS[i : i + 5])).usage.total_tokens
        for i in range(0, len(TEXTS), 5))
    assert len(result.request_ids) == len(sent)


def test_async_gives_the_same_vectors(emu: Emulator, setup: str) -> None:
    model = SETUPS[setup][0]
    sync = client(emu, setup).embed(EmbeddingRequest(model, TEXTS))
    result = asyncio.run(aclient(emu, setup).embed(EmbeddingRequest(model, TEXTS)))
    assert result.vectors == sync.vectors and result.usage == sync.usage


def test_v2_takes_25_and_v3_six_per_request(emu: Emulator) -> None:
    for model, size in (("text-embedding-v2", 25), ("text-embedding-v3", 6)):
        emu.requests.clear()
        client(emu, "native").embed(EmbeddingRequest(model, TEXTS))
        assert max(len(b["input"]["texts"]) for b in embedding_requests(emu)) == size  # type: ignore[index]


def test_text_type_and_dimensions_reach_the_native_wire(emu: Emulator) -> None:
    result = client(emu, "native").embed(
        EmbeddingRequest("text-embedding-v4", ("q",), text_type="query", dimensions=128))
    assert len(result.vectors[0]) == 128
    assert emu.requests[-1].json["parameters"] == {"text_type": "query", "dimension": 128}
    compat = client(emu, "compatible").embed(
        EmbeddingRequest("text-embedding-v4", ("q",), text_type="query", dimensions=128))
    assert len(compat.vectors[0]) == 128 and "text_type" not in emu.requests[-1].json


def test_batches_are_in_flight_together_under_a_bound(emu: Emulator) -> None:
    delay = {"X-Emulator-Fault": '{"kind": "delay", "seconds": 0.2}'}
    texts = tuple(f"t{i}" for i in range(80))  # 8 batches of 10
    bounded = client(emu, "native", default_headers=delay, max_concurrency=4)
    start = time.perf_counter()
    bounded.embed(EmbeddingRequest("text-embedding-v4", texts))
    took = time.perf_counter() - start
    assert 0.4 <= took < 1.2, took  # 2 waves of 4, not 8 in a row (1.6 s) nor 1 wave
    start = time.perf_counter()
    asyncio.run(aclient(emu, "native", default_headers=delay, max_concurrency=8).embed(
        EmbeddingRequest("text-embedding-v4", texts)))
    assert time.perf_counter() - start < 0.6


def test_too_long_text_named_by_index_and_nothing_sent(emu: Emulator) -> None:
    texts = ("fine", "fine", "long " * 9000)
    with pytest.raises(InputTooLongError) as caught:
        client(emu, "native").embed(EmbeddingRequest("text-embedding-v4", texts))
    assert caught.value.index == 2
    assert embedding_requests(emu) == []


def test_bad_dimension_refused_before_sending(emu: Emulator) -> None:
    with pytest.raises(UnsupportedParameterError, match="dimensions=1000"):
        client(emu, "native").embed(EmbeddingRequest("text-embedding-v4", ("a",), dimensions=1000))
    assert embedding_requests(emu) == []


def test_platform_refusal_is_typed_with_its_message(emu: Emulator) -> None:
    # Overriding the limit above the platform's: the platform's own error comes back typed.
    wrong = client(emu, "compatible", profile_overrides={"max_texts": 20})
    with pytest.raises(BadRequestError) as caught:
        wrong.embed(EmbeddingRequest("text-embedding-v4", TEXTS))
    assert "should not be larger than 10" in str(caught.value)
    assert caught.value.code == "InvalidParameter"
    assert emu.api_key not in str(caught.value) and emu.api_key not in repr(wrong)


def test_rate_limit_retried_then_succeeds(emu: Emulator) -> None:
    emu.add_fault({"kind": "status", "status": 429, "retry_after": 0, "path": "embeddings"})
    result = client(emu, "maas").embed(EmbeddingRequest("bge-m3", ("a", "b")))
    assert len(result.vectors) == 2
    emu.add_fault({"kind": "status", "status": 429, "retry_after": 0, "path": "embeddings",
                   "times": 5})
    with pytest.raises(RateLimitError):
        client(emu, "maas", max_retries=1).embed(EmbeddingRequest("bge-m3", ("a",)))


def test_async_failure_stops_and_raises(emu: Emulator) -> None:
    wrong = aclient(emu, "native", profile_overrides={"max_texts": 11})
    with pytest.raises(BadRequestError, match="larger than 10"):
        asyncio.run(wrong.embed(EmbeddingRequest("text-embedding-v4", TEXTS)))


def test_empty_input_sends_nothing(emu: Emulator) -> None:
    assert client(emu, "native").embed(EmbeddingRequest("text-embedding-v4", ())).vectors == []
    assert emu.requests == []


def test_rerank_in_batches_merged_best_first(emu: Emulator, setup: str) -> None:
    model = SETUPS[setup][1]
    docs = tuple(PASSAGES * 3)
    whole = client(emu, setup).rerank(RerankRequest(model, "What do giant pandas eat?", docs))
    assert len(whole.hits) == len(docs) and whole.hits[0].index in (1, 7, 13)
    split = client(emu, setup, profile_overrides={"max_documents": 4}).rerank(
        RerankRequest(model, "What do giant pandas eat?", docs, top_n=3))
    assert [h.index for h in split.hits] == [1, 7, 13]
    assert [h.index for h in whole.hits[:3]] == [1, 7, 13]
    scores = [h.relevance_score for h in whole.hits]
    assert scores == sorted(scores, reverse=True)


def test_rerank_top_n_sent_where_the_platform_takes_it(emu: Emulator, setup: str) -> None:
    model = SETUPS[setup][1]
    result = asyncio.run(aclient(emu, setup).rerank(
        RerankRequest(model, "Japan mountain", tuple(PASSAGES), top_n=1)))
    assert [h.index for h in result.hits] == [3]
    body = emu.requests[-1].json
    paths = {"native": "/api/v1/services/rerank/text-rerank/text-rerank",
             "compatible": "/compatible-api/v1/reranks", "maas": "/v1/rerank"}
    assert emu.requests[-1].path == paths[setup]
    if setup == "maas":  # E.5 documents model, query, documents only
        assert set(body) == {"model", "query", "documents"}
    elif setup == "native":
        assert body["parameters"]["top_n"] == 1
    else:
        assert body["top_n"] == 1


def test_vllm_my_services_embeddings_and_rerank(emu: Emulator) -> None:
    # E.6: a self-deployed vLLM service takes top_n itself (0 = all) and returns documents.
    base = emu.maas_service_base_url("svc-embed")
    vllm = EmbeddingClient("vllm", api_key=emu.api_key, base_url=base)
    result = vllm.embed(EmbeddingRequest("my-bge", TEXTS[:3]))
    assert len(result.vectors) == 3 and emu.requests[-1].json["encoding_format"] == "base64"
    ranked = vllm.rerank(RerankRequest("my-reranker", "Japan mountain", tuple(PASSAGES), top_n=2))
    assert [h.index for h in ranked.hits][:1] == [3] and len(ranked.hits) == 2
    assert emu.requests[-1].path == "/v1/infers/svc-embed/v1/rerank"
    assert emu.requests[-1].json["top_n"] == 2


def test_maas_rerank_split_under_its_8k_request_limit(emu: Emulator) -> None:
    # E.5: "总输入长度不超过8K"; one request of these 100 documents is refused, split ones are not.
    docs = tuple(f"{'word ' * 99}doc{i}" for i in range(100))
    maas = client(emu, "maas")
    result = maas.rerank(RerankRequest("bge-reranker-v2-m3", "doc42 " + "ask " * 19, docs, top_n=1))
    assert [h.index for h in result.hits] == [42]
    assert len([r for r in emu.requests if r.path == "/v1/rerank"]) >= 2
    whole = client(emu, "maas", profile_overrides={"max_request_tokens": None})
    with pytest.raises(BadRequestError, match="maximum context length is 8192"):
        whole.rerank(RerankRequest("bge-reranker-v2-m3", "q", docs))
