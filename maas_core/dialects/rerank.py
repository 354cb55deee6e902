"""Rerank wires: DashScope native (PROTOCOLS-2026 E.4) and the OpenAI/Cohere-style shape of
DashScope ``/compatible-api/v1/reranks`` (E.4), MaaS ``/v1/rerank`` (E.5) and vLLM ``/rerank``
(E.6).

Bodies for one batch of documents; parsers return hits whose ``index`` is shifted by the batch's
``offset`` so that it points into the caller's whole document list. No I/O here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import MaaSError
from ..types import RerankHit, RerankRequest, RerankResult, Usage

__all__ = [
    "NATIVE_PATH",
    "RerankResponseError",
    "compatible_api_url",
    "native_body",
    "openai_body",
    "parse_native",
    "parse_openai",
]

NATIVE_PATH = "/services/rerank/text-rerank/text-rerank"
"""Under the native base ``…/api/v1`` (E.4)."""


class RerankResponseError(MaaSError):
    """A 200 answer whose results do not point into the documents sent."""


def compatible_api_url(compatible_mode_base: str) -> str:
    """DashScope's OpenAI-style rerank lives under ``/compatible-api/v1`` (plural ``reranks``),
    not under ``/compatible-mode/v1`` (E.4)."""
    base = compatible_mode_base.rstrip("/")
    for suffix in ("/compatible-mode/v1", "/api/v1"):
        if base.endswith(suffix):
            return base[: -len(suffix)] + "/compatible-api/v1/reranks"
    return base + "/reranks"


def native_body(
    request: RerankRequest, documents: Sequence[str], top_n: int | None
) -> dict[str, Any]:
    """``{"model","input":{"query","documents"},"parameters":{...}}`` (E.4)."""
    parameters: dict[str, Any] = {}
    if top_n is not None:
        parameters["top_n"] = top_n
    if request.return_documents:
        parameters["return_documents"] = True
    if request.instruct is not None:
        parameters["instruct"] = request.instruct
    body: dict[str, Any] = {
        "model": request.model,
        "input": {"query": request.query, "documents": list(documents)},
    }
    if parameters:
        body["parameters"] = parameters
    if request.extra_body:
        body.update(request.extra_body)
    return body


def openai_body(
    request: RerankRequest,
    documents: Sequence[str],
    top_n: int | None,
    *,
    options: bool = True,
) -> dict[str, Any]:
    """``{"model","query","documents"[,"top_n","return_documents","instruct"]}``.

    ``options=False`` sends only the three fields MaaS documents (E.5): its gateway rejects
    fields it does not know, and the client applies ``top_n`` itself.
    """
    body: dict[str, Any] = {
        "model": request.model,
        "query": request.query,
        "documents": list(documents),
    }
    if options:
        if top_n is not None:
            body["top_n"] = top_n
        if request.return_documents:
            body["return_documents"] = True
        if request.instruct is not None:
            body["instruct"] = request.instruct
    if request.extra_body:
        body.update(request.extra_body)
    return body


def parse_native(data: Any, count: int, offset: int, provider: str) -> RerankResult:
    """``output.results`` and ``usage.total_tokens`` (E.4)."""
    output = data.get("output") if isinstance(data, dict) else None
    results = output.get("results") if isinstance(output, dict) else None
    return _result(data, results, count, offset, provider)


def parse_openai(data: Any, count: int, offset: int, provider: str) -> RerankResult:
    """Top-level ``results``; usage ``total_tokens`` (DashScope, MaaS) or vLLM's pair (E.6)."""
    results = data.get("results") if isinstance(data, dict) else None
    return _result(data, results, count, offset, provider)


def _result(
    data: Any, results: Any, count: int, offset: int, provider: str
) -> RerankResult:
    if not isinstance(results, list):
        raise RerankResponseError(f"[{provider}] a rerank answer without results: {data!r:.200}")
    hits = tuple(_hit(item, count, offset, provider) for item in results)
    usage = data.get("usage") or {}
    total = int(usage.get("total_tokens") or usage.get("prompt_tokens") or 0)
    request_id = data.get("request_id") or data.get("id")
    return RerankResult(
        hits,
        Usage(input_tokens=total, total_tokens=total, raw=usage),
        data.get("model"),
        (request_id,) if request_id else (),
    )


def _hit(item: Any, count: int, offset: int, provider: str) -> RerankHit:
    index = item.get("index") if isinstance(item, dict) else None
    if not isinstance(index, int) or not 0 <= index < count:
        raise RerankResponseError(f"[{provider}] rerank result index {index!r} out of range")
    document = item.get("document")
    if isinstance(document, dict):  # {"text": …} everywhere but Xinference-style servers (E.6)
        document = document.get("text")
    return RerankHit(
        offset + index,
        float(item.get("relevance_score", item.get("score", 0.0))),
        document if isinstance(document, str) else None,
    )
