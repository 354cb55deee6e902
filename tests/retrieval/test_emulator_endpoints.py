"""The emulator's embedding and rerank endpoints, spoken to with plain httpx: the platforms'
paths, limits and error bodies (PROTOCOLS-2026 E), and vectors that mean something."""

from __future__ import annotations

import base64
import struct
from typing import Any

import httpx
import pytest

from maas_core.emulator import Emulator

from .conftest import PASSAGES, QUESTIONS, cosine

NATIVE = "/api/v1/services/embeddings/text-embedding/text-embedding"
NATIVE_RERANK = "/api/v1/services/rerank/text-rerank/text-rerank"


def post(emu: Emulator, path: str, body: dict[str, Any], key: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key or emu.api_key}"}
    return httpx.post(emu.url + path, json=body, headers=headers, timeout=10)


def native_vectors(emu: Emulator, texts: list[str], **parameters: Any) -> list[list[float]]:
    body: dict[str, Any] = {"model": "text-embedding-v4", "input": {"texts": texts}}
    if parameters:
        body["parameters"] = parameters
    answer = post(emu, NATIVE, body)
    assert answer.status_code == 200, answer.text
    items = answer.json()["output"]["embeddings"]
    return [item["embedding"] for item in sorted(items, key=lambda i: i["text_index"])]


def test_native_answer_shape_and_dimensions(emu: Emulator) -> None:
    answer = post(emu, NATIVE, {"model": "text-embedding-v4", "input": {"texts": ["hi", "yo"]},
                                "parameters": {"dimension": 256, "text_type": "query"}}).json()
    assert set(answer) == {"output", "usage", "request_id"}
    assert [len(e["embedding"]) for e in answer["output"]["embeddings"]] == [256, 256]
    assert answer["usage"]["total_tokens"] > 0
    default = native_vectors(emu, ["hi"])[0]
    assert len(default) == 1024
    assert abs(cosine(default, default) - 1.0) < 1e-6  # L2-normalised


def test_similar_texts_get_similar_vectors(emu: Emulator) -> None:
    passages = native_vectors(emu, PASSAGES[:6])
    for question, expected in QUESTIONS:
        query = native_vectors(emu, [question], text_type="query")[0]
        scores = [cosine(query, p) for p in passages]
        assert scores.index(max(scores)) == expected, (question, scores)
    assert native_vectors(emu, ["same text"]) == native_vectors(emu, ["same text"])


def test_native_batch_too_large_error_body(emu: Emulator) -> None:
    answer = post(emu, NATIVE, {"model": "text-embedding-v4", "input": {"texts": ["x"] * 11}})
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "InvalidParameter"
    assert body["message"] == (
        "batch size is invalid, it should not be larger than 10.: payload.input.contents")
    v2 = post(emu, NATIVE, {"model": "text-embedding-v2", "input": {"texts": ["x"] * 25}})
    assert v2.status_code == 200 and len(v2.json()["output"]["embeddings"][0]["embedding"]) == 1536


def test_compatible_batch_too_large_is_the_real_body(emu: Emulator) -> None:
    answer = post(emu, "/compatible-mode/v1/embeddings",
                  {"model": "text-embedding-v4", "input": ["x"] * 11})
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == {
        "message": "<400> InternalError.Algo.InvalidParameter: Value error, batch size is "
                   "invalid, it should not be larger than 10.: input.contents",
        "type": "InvalidParameter", "param": None, "code": "InvalidParameter"}
    assert body["id"] == body["request_id"]


def test_compatible_rejects_token_ids_and_bad_dimensions(emu: Emulator) -> None:
    ids = post(emu, "/compatible-mode/v1/embeddings",
               {"model": "text-embedding-v4", "input": [[1, 2, 3]]})
    assert ids.status_code == 400 and "neither str nor list of str" in ids.text
    dims = post(emu, "/compatible-mode/v1/embeddings",
                {"model": "text-embedding-v4", "input": "a", "dimensions": 1000})
    assert dims.status_code == 400 and "dimension" in dims.json()["error"]["message"]


def test_maas_bge_m3_base64_and_strict_fields(emu: Emulator) -> None:
    floats = post(emu, "/v1/embeddings", {"model": "bge-m3", "input": ["hello world"]}).json()
    packed = post(emu, "/v1/embeddings", {"model": "bge-m3", "input": ["hello world"],
                                          "encoding_format": "base64"}).json()
    raw = base64.b64decode(packed["data"][0]["embedding"])
    decoded = struct.unpack(f"<{len(raw) // 4}f", raw)
    assert len(decoded) == 1024
    assert max(abs(a - b) for a, b in zip(decoded, floats["data"][0]["embedding"], strict=True)) < 1e-6
    assert floats["id"].startswith("embd-") and floats["usage"]["completion_tokens"] == 0
    extra = post(emu, "/v1/embeddings", {"model": "bge-m3", "input": "a", "text_type": "query"})
    assert extra.status_code == 400 and "extra_forbidden" in extra.text
    dims = post(emu, "/v1/embeddings", {"model": "bge-m3", "input": "a", "dimensions": 256})
    assert dims.status_code == 400 and "matryoshka" in dims.text


def test_maas_total_input_limit(emu: Emulator) -> None:
    answer = post(emu, "/v1/embeddings", {"model": "bge-m3", "input": ["word " * 5000] * 2})
    assert answer.status_code == 400
    assert "maximum context length is 8192 tokens" in answer.text


def test_auth_failures_in_each_platform_shape(emu: Emulator) -> None:
    native = post(emu, NATIVE, {"model": "text-embedding-v4", "input": {"texts": ["a"]}}, "bad")
    assert native.status_code == 401 and native.json()["code"] == "InvalidApiKey"
    maas = post(emu, "/v1/rerank", {"model": "bge-reranker-v2-m3", "query": "q",
                                    "documents": ["a"]}, "bad")
    assert maas.status_code == 401 and maas.json()["error_code"] == "ModelArts.81003"


@pytest.mark.parametrize("path", [NATIVE_RERANK, "/compatible-api/v1/reranks", "/v1/rerank",
                                  "/v1/infers/svc-1/v1/rerank"])
def test_rerank_scores_reflect_overlap(emu: Emulator, path: str) -> None:
    maas = path.startswith("/v1/")
    model = "bge-reranker-v2-m3" if maas else "qwen3-rerank"
    body: dict[str, Any] = {"model": model, "query": "What do giant pandas eat?",
                            "documents": PASSAGES, "top_n": 2}
    if path == NATIVE_RERANK:
        body = {"model": model, "input": {"query": body["query"], "documents": PASSAGES},
                "parameters": {"top_n": 2}}
    answer = post(emu, path, body)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    results = data["output"]["results"] if path == NATIVE_RERANK else data["results"]
    assert results[0]["index"] == 1 and len(results) == 2
    assert results[0]["relevance_score"] > results[1]["relevance_score"]
    # MaaS / vLLM always echo the document (E.5, E.6); DashScope only when asked (E.4).
    assert ("document" in results[0]) == maas


def test_rerank_without_top_n_returns_all_and_limits_documents(emu: Emulator) -> None:
    body = {"model": "qwen3-vl-rerank", "query": "q", "documents": ["d"] * 3}
    assert len(post(emu, "/compatible-api/v1/reranks", body).json()["results"]) == 3
    too_many = {"model": "qwen3-vl-rerank", "query": "q", "documents": ["d"] * 101}
    answer = post(emu, "/compatible-api/v1/reranks", too_many)
    assert answer.status_code == 400 and "larger than 100" in answer.text


def test_delay_fault_applies_to_embeddings(emu: Emulator) -> None:
    headers = {"Authorization": f"Bearer {emu.api_key}",
               "X-Emulator-Fault": '{"kind": "delay", "seconds": 0.2}'}
    answer = httpx.post(emu.url + NATIVE, headers=headers, timeout=10,
                        json={"model": "text-embedding-v4", "input": {"texts": ["a"]}})
    assert answer.status_code == 200
    assert answer.elapsed.total_seconds() >= 0.2
