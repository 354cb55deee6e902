"""Embedding wires: DashScope native (PROTOCOLS-2026 E.1) and OpenAI-style (E.2, E.5, vLLM).

Each function takes one batch of texts, already sized by the client to the model's limits, and
returns a body or parses one answer into an ``EmbeddingResult`` of that batch, vectors in input
order. No I/O here.
"""

from __future__ import annotations

import array
import base64
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import MaaSError
from ..types import EmbeddingRequest, EmbeddingResult, Usage

__all__ = [
    "NATIVE_PATH",
    "OPENAI_PATH",
    "EmbeddingResponseError",
    "native_body",
    "openai_body",
    "parse_native",
    "parse_openai",
]

NATIVE_PATH = "/services/embeddings/text-embedding/text-embedding"
"""Under the native base ``…/api/v1`` (E.1)."""
OPENAI_PATH = "/embeddings"
"""Under ``…/compatible-mode/v1`` (E.2), MaaS ``…/v1`` (E.5) or a vLLM ``…/v1``."""


class EmbeddingResponseError(MaaSError):
    """A 200 answer that does not hold one vector per text sent."""


def native_body(request: EmbeddingRequest, texts: Sequence[str]) -> dict[str, Any]:
    """``{"model","input":{"texts"},"parameters":{...}}`` (E.1)."""
    parameters: dict[str, Any] = {}
    if request.text_type is not None:
        parameters["text_type"] = request.text_type
    if request.dimensions is not None:
        parameters["dimension"] = request.dimensions  # singular on the native wire (E.1)
    if request.instruct is not None:
        parameters["instruct"] = request.instruct
    body: dict[str, Any] = {"model": request.model, "input": {"texts": list(texts)}}
    if parameters:
        body["parameters"] = parameters
    return _extra(body, request.extra_body)


def openai_body(
    request: EmbeddingRequest, texts: Sequence[str], *, base64_vectors: bool = False
) -> dict[str, Any]:
    """``{"model","input","encoding_format"[,"dimensions"]}`` (E.2, E.5).

    ``text_type`` and ``instruct`` have no place on this wire (E.2): they are left out.
    """
    body: dict[str, Any] = {
        "model": request.model,
        "input": list(texts),
        "encoding_format": "base64" if base64_vectors else "float",
    }
    if request.dimensions is not None:
        body["dimensions"] = request.dimensions
    return _extra(body, request.extra_body)


def _extra(body: dict[str, Any], extra: Mapping[str, Any] | None) -> dict[str, Any]:
    if extra:
        body.update(extra)
    return body


def parse_native(data: Any, count: int, provider: str) -> EmbeddingResult:
    """``output.embeddings[{embedding, text_index}]`` sorted by ``text_index`` (E.1)."""
    output = data.get("output") if isinstance(data, dict) else None
    items = output.get("embeddings") if isinstance(output, dict) else None
    vectors = _ordered(items, "text_index", count, provider, data)
    usage = data.get("usage") or {}
    total = int(usage.get("total_tokens") or 0)
    request_id = data.get("request_id")
    return EmbeddingResult(
        vectors,
        Usage(input_tokens=total, total_tokens=total, raw=usage),
        None,
        (request_id,) if request_id else (),
    )


def parse_openai(data: Any, count: int, provider: str) -> EmbeddingResult:
    """``data[{index, embedding}]``; ``embedding`` is floats or base64 little-endian float32."""
    items = data.get("data") if isinstance(data, dict) else None
    vectors = _ordered(items, "index", count, provider, data)
    usage = data.get("usage") or {}
    prompt = int(usage.get("prompt_tokens") or usage.get("total_tokens") or 0)
    total = int(usage.get("total_tokens") or prompt)
    request_id = data.get("request_id") or data.get("id")
    return EmbeddingResult(
        vectors,
        Usage(input_tokens=prompt, total_tokens=total, raw=usage),
        data.get("model"),
        (request_id,) if request_id else (),
    )


def _ordered(
    items: Any, key: str, count: int, provider: str, data: Any
) -> list[list[float]]:
    if not isinstance(items, list) or len(items) != count:
        got = len(items) if isinstance(items, list) else "no"
        raise EmbeddingResponseError(
            f"[{provider}] expected {count} embeddings, got {got}: {str(data)[:200]}"
        )
    vectors: list[Any] = [None] * count
    for position, item in enumerate(items):
        index = item.get(key, position)
        if not isinstance(index, int) or not 0 <= index < count or vectors[index] is not None:
            raise EmbeddingResponseError(f"[{provider}] embedding {key} {index!r} is invalid")
        vectors[index] = _vector(item.get("embedding"), provider)
    return vectors


def _vector(value: Any, provider: str) -> list[float]:
    if isinstance(value, list):
        return value
    if isinstance(value, str):  # encoding_format=base64 (E.5): little-endian float32
        floats = array.array("f", base64.b64decode(value))
        if sys.byteorder != "little":
            floats.byteswap()
        return floats.tolist()
    raise EmbeddingResponseError(f"[{provider}] an embedding is neither floats nor base64")
