"""Pure pieces: batch planning by the model's limits, dimension checks, merging, and the wire
parsers replayed on the payloads quoted in PROTOCOLS-2026 E (no network)."""

from __future__ import annotations

import base64
import pickle
import struct

import pytest

from maas_core import InputTooLongError, UnsupportedParameterError
from maas_core.dialects import embeddings as wire
from maas_core.dialects import rerank as rerank_wire
from maas_core.embedding_profiles import (
    EmbeddingProfile,
    estimate_tokens,
    get_embedding_profile,
    get_rerank_profile,
)
from maas_core.embeddings import check_dimensions, merge_rerank, plan_batches
from maas_core.types import EmbeddingRequest, RerankHit, RerankRequest, RerankResult, Usage


def test_documented_limits_per_model() -> None:
    assert get_embedding_profile("dashscope", "text-embedding-v4").max_texts == 10
    assert get_embedding_profile("dashscope", "text-embedding-v2").max_texts == 25
    assert get_embedding_profile("dashscope", "text-embedding-v1").max_text_tokens == 2048
    # E.1: API page 10, quick-start page 6 -> the lower number.
    assert get_embedding_profile("dashscope", "text-embedding-v3").max_texts == 6
    assert get_embedding_profile("maas", "bge-m3").max_request_tokens == 8192
    assert get_rerank_profile("dashscope", "qwen3-rerank").max_documents == 500
    assert get_rerank_profile("dashscope", "qwen3-vl-rerank").max_documents == 100
    # Unknown models never raise, and overrides win.
    assert get_embedding_profile("dashscope", "text-embedding-v9").max_texts == 10
    assert get_embedding_profile("maas", "bge-m3", {"max_texts": 3}).max_texts == 3


def test_plan_splits_by_count_and_keeps_every_text_once() -> None:
    spans = plan_batches([f"t{i}" for i in range(23)], EmbeddingProfile(max_texts=10), "m")
    assert spans == [(0, 10), (10, 20), (20, 23)]
    assert plan_batches([], EmbeddingProfile(), "m") == []


def test_plan_splits_by_tokens_per_request() -> None:
    text = "word " * 30  # 150 characters, 30 estimated tokens
    profile = EmbeddingProfile(max_texts=100, max_text_tokens=100, max_request_tokens=100)
    spans = plan_batches([text] * 7, profile, "bge-m3")
    assert spans == [(0, 3), (3, 6), (6, 7)]


def test_too_long_text_is_refused_by_index_before_sending() -> None:
    texts = ["short", "long " * 9000, "short"]
    with pytest.raises(InputTooLongError) as caught:
        plan_batches(texts, get_embedding_profile("dashscope", "text-embedding-v4"), "v4")
    assert caught.value.index == 1
    assert "text 1" in str(caught.value) and "8192" in str(caught.value)
    assert isinstance(caught.value, UnsupportedParameterError)
    again = pickle.loads(pickle.dumps(caught.value))
    assert (again.index, str(again)) == (1, str(caught.value))


def test_estimate_counts_words_and_cjk_characters() -> None:
    assert estimate_tokens("word " * 100) == 100
    assert estimate_tokens("苹果派的制作步骤包括准备面团" * 10) == 140


def test_dimensions_are_checked_against_the_model() -> None:
    v4 = get_embedding_profile("dashscope", "text-embedding-v4")
    check_dimensions("text-embedding-v4", 512, v4)
    with pytest.raises(UnsupportedParameterError, match="use one of 2048, 1536, 1024"):
        check_dimensions("text-embedding-v4", 1000, v4)
    bge = get_embedding_profile("maas", "bge-m3")
    with pytest.raises(UnsupportedParameterError, match="fixed dimension"):
        check_dimensions("bge-m3", 512, bge)


def test_native_body_and_compat_body() -> None:
    request = EmbeddingRequest("text-embedding-v4", ("a",), text_type="query", dimensions=256)
    assert wire.native_body(request, ["a"]) == {
        "model": "text-embedding-v4",
        "input": {"texts": ["a"]},
        "parameters": {"text_type": "query", "dimension": 256},
    }
    # E.2: no text_type on the compatible wire; "dimensions" (plural) there.
    assert wire.openai_body(request, ["a"]) == {
        "model": "text-embedding-v4", "input": ["a"], "encoding_format": "float", "dimensions": 256,
    }


def test_parse_native_real_shape_sorted_by_text_index() -> None:
    # E.1 (REAL cnblogs text-embedding-nosse), two items out of order.
    data = {
        "output": {"embeddings": [{"embedding": [0.2, 0.3], "text_index": 1},
                                  {"embedding": [-0.0050392337, 0.1], "text_index": 0}]},
        "usage": {"total_tokens": 3},
        "request_id": "1773f7b2-2148-9f74-b335-b413e398a116",
    }
    result = wire.parse_native(data, 2, "dashscope")
    assert result.vectors == [[-0.0050392337, 0.1], [0.2, 0.3]]
    assert result.usage.total_tokens == 3
    assert result.request_ids == ("1773f7b2-2148-9f74-b335-b413e398a116",)


def test_parse_maas_doc_example_and_base64() -> None:
    # E.5 (DOC-COPY DC-MAAS), with the second vector as base64 float32.
    packed = base64.b64encode(struct.pack("<2f", 0.5, -0.25)).decode()
    data = {"id": "embd-d848df392a67d662f5a76eaa9e33974f", "object": "list", "created": 1758023320,
            "model": "bge-m3",
            "data": [{"index": 0, "object": "embedding", "embedding": [-0.021697998046875, 0.0322265625]},
                     {"index": 1, "object": "embedding", "embedding": packed}],
            "usage": {"prompt_tokens": 7, "total_tokens": 7, "completion_tokens": 0,
                      "prompt_tokens_details": None}}
    result = wire.parse_openai(data, 2, "huawei-maas")
    assert result.vectors == [[-0.021697998046875, 0.0322265625], [0.5, -0.25]]
    assert (result.usage.input_tokens, result.model) == (7, "bge-m3")


def test_parse_refuses_a_short_answer() -> None:
    with pytest.raises(wire.EmbeddingResponseError, match="expected 2 embeddings, got 1"):
        wire.parse_openai({"data": [{"index": 0, "embedding": [1.0]}]}, 2, "dashscope")
    with pytest.raises(wire.EmbeddingResponseError, match="index 0"):
        wire.parse_openai({"data": [{"index": 0, "embedding": [1.0]},
                                    {"index": 0, "embedding": [1.0]}]}, 2, "dashscope")


def test_parse_real_compatible_rerank_with_offset() -> None:
    # E.4: verbatim real qwen3-rerank answer (return_documents=true), batch starting at 10.
    data = {"object": "list", "results": [
        {"document": {"text": "苹果派的制作步骤包括准备面团、切苹果、调制馅料、组装和烘烤。"}, "index": 1,
         "relevance_score": 0.8304247466067356},
        {"document": {"text": "制作苹果派时，预先煮软苹果可以缩短烘烤时间。"}, "index": 3,
         "relevance_score": 0.7142660211908354}],
        "model": "qwen3-rerank", "id": "e191b077-97c4-9929-b121-c2fbd2c7b0af",
        "usage": {"total_tokens": 192}}
    result = rerank_wire.parse_openai(data, 4, 10, "dashscope")
    assert [h.index for h in result.hits] == [11, 13]
    assert result.hits[0].document and result.hits[0].document.startswith("苹果派")
    assert result.usage.total_tokens == 192
    with pytest.raises(rerank_wire.RerankResponseError):
        rerank_wire.parse_openai(data, 2, 0, "dashscope")  # index 3 of 2 documents


def test_parse_native_rerank_and_urls() -> None:
    data = {"output": {"results": [{"index": 0, "relevance_score": 0.5}]},
            "usage": {"total_tokens": 9}, "request_id": "r1"}
    assert rerank_wire.parse_native(data, 1, 0, "dashscope").hits == (RerankHit(0, 0.5),)
    assert rerank_wire.compatible_api_url("https://dashscope.aliyuncs.com/compatible-mode/v1") == (
        "https://dashscope.aliyuncs.com/compatible-api/v1/reranks")


def test_maas_rerank_body_has_only_documented_fields() -> None:
    request = RerankRequest("bge-reranker-v2-m3", "q", ("a", "b"), top_n=1, instruct="x")
    assert rerank_wire.openai_body(request, ["a", "b"], 1, options=False) == {
        "model": "bge-reranker-v2-m3", "query": "q", "documents": ["a", "b"]}
    assert rerank_wire.openai_body(request, ["a"], 1)["top_n"] == 1


def test_merge_rerank_best_first_over_batches_and_usage_summed() -> None:
    first = RerankResult((RerankHit(0, 0.2), RerankHit(1, 0.9)), Usage(5, 0, 5), "m", ("a",))
    second = RerankResult((RerankHit(2, 0.95), RerankHit(3, 0.2)), Usage(7, 0, 7), None, ("b",))
    merged = merge_rerank([first, second], top_n=3)
    assert [h.index for h in merged.hits] == [2, 1, 0]
    assert merged.usage.total_tokens == 12 and merged.request_ids == ("a", "b")


def test_rerank_plan_by_documents_and_request_tokens() -> None:
    from maas_core.embedding_profiles import RerankProfile
    from maas_core.embeddings import plan_rerank

    assert plan_rerank(["d"] * 7, "q", RerankProfile(max_documents=3)) == [(0, 3), (3, 6), (6, 7)]
    # E.4/E.5: query x documents + documents; 100 words + a 20-word query = 120 each.
    doc, query = "word " * 100, "ask " * 20
    maas = get_rerank_profile("maas", "bge-reranker-v2-m3")
    spans = plan_rerank([doc] * 100, query, maas)
    assert all((stop - start) * 120 <= 8192 for start, stop in spans)
    assert spans[0] == (0, 68) and spans[-1][1] == 100
    # A document longer than the model takes counts as truncated, never refused.
    assert plan_rerank(["long " * 10000], "q", maas) == [(0, 1)]
