"""Embedding and rerank endpoints of both platforms (PROTOCOLS-2026 E.1, E.2, E.4, E.5, E.6).

* DashScope native ``/api/v1/services/embeddings/text-embedding/text-embedding`` and
  ``/api/v1/services/rerank/text-rerank/text-rerank`` (``output`` envelope, flat errors);
* DashScope compatible mode ``/compatible-mode/v1/embeddings`` and the OpenAI-style rerank at
  ``/compatible-api/v1/reranks`` (errors with ``type``/``code`` ``InvalidParameter``, E.2);
* MaaS ``/v1/embeddings`` (bge-m3) and ``/v1/rerank`` (bge-reranker-v2-m3), strict about unknown
  fields like the chat gateway; "My Services" (vLLM) ``…/v1/infers/{id}/v1/{embeddings,rerank}``.

Limits per model are the documented ones (rows per request, tokens per row, dimensions, documents
per rerank request); errors carry the platforms' own texts, e.g. "batch size is invalid, it should
not be larger than 10". Vectors and scores come from ``vectors`` (deterministic, meaningful).
A delay per request models network latency: the ``X-Emulator-Fault`` ``delay`` fault, or
``MAAS_EMULATOR_EMBEDDING_DELAY`` (seconds) in the server's environment for every request here.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from maas_core.emulator import errors, vectors
from maas_core.emulator.context import Context, endpoint, read_json
from maas_core.emulator.errors import PlatformError
from maas_core.emulator.state import EmulatorState

DELAY_ENV = "MAAS_EMULATOR_EMBEDDING_DELAY"


@dataclass(frozen=True)
class EmbeddingModel:
    name: str
    max_rows: int | None
    max_row_tokens: int | None
    default_dim: int
    dims: tuple[int, ...] = ()
    max_request_tokens: int | None = None


@dataclass(frozen=True)
class RerankModel:
    name: str
    max_documents: int | None
    max_request_tokens: int | None = None
    document_always: bool = False  # MaaS / vLLM return the document text unasked (E.5, E.6)


_V4 = (2048, 1536, 1024, 768, 512, 256, 128, 64)
_V3 = (1024, 768, 512, 256, 128, 64)
DASHSCOPE_EMBEDDINGS = {
    m.name: m
    for m in (
        EmbeddingModel("text-embedding-v4", 10, 8192, 1024, _V4),
        EmbeddingModel("text-embedding-v3", 10, 8192, 1024, _V3),  # API page: 10 (E.1)
        EmbeddingModel("text-embedding-v2", 25, 2048, 1536),
        EmbeddingModel("text-embedding-v1", 25, 2048, 1536),
        EmbeddingModel("qwen3.7-text-embedding-flash", 10, 131072, 1024, (1024, 768, 512, 256)),
    )
}
MAAS_EMBEDDINGS = {"bge-m3": EmbeddingModel("bge-m3", None, None, 1024, (), 8192)}
DASHSCOPE_RERANK = {
    m.name: m
    for m in (
        RerankModel("qwen3-rerank", 500, 120000),
        RerankModel("gte-rerank-v2", 500, 30000),
        RerankModel("qwen3-vl-rerank", 100, 120000),
    )
}
MAAS_RERANK = {
    "bge-reranker-v2-m3": RerankModel("bge-reranker-v2-m3", None, 8192, document_always=True)
}
# E.5: the MaaS embedding/rerank bodies; the gateway refuses other fields as for chat (D.4).
_MAAS_EMBEDDING_FIELDS = frozenset({"model", "input", "encoding_format", "user", "dimensions"})
_MAAS_RERANK_FIELDS = frozenset({"model", "query", "documents", "top_n", "return_documents"})


def routes(state: EmulatorState) -> list[Route]:
    delay = float(os.environ.get(DELAY_ENV) or 0)
    maas = partial(endpoint, state, errors.MAAS)
    native = partial(endpoint, state, errors.NATIVE)
    compat = partial(endpoint, state, errors.COMPAT)

    def wrap(kind: Any, handler: Any) -> Any:
        return kind(partial(_delayed, handler, delay))

    post = ["POST"]
    return [
        Route(
            "/api/v1/services/embeddings/text-embedding/text-embedding",
            wrap(native, _native_embeddings),
            methods=post,
        ),
        Route(
            "/api/v1/services/rerank/text-rerank/text-rerank",
            wrap(native, _native_rerank),
            methods=post,
        ),
        Route("/compatible-mode/v1/embeddings", wrap(compat, _compat_embeddings), methods=post),
        Route("/compatible-api/v1/reranks", wrap(compat, _compat_rerank), methods=post),
        Route("/v1/embeddings", wrap(maas, _maas_embeddings), methods=post),
        Route("/v1/rerank", wrap(maas, _maas_rerank), methods=post),
        Route(
            "/v1/infers/{service_id}/v1/embeddings", wrap(maas, _vllm_embeddings), methods=post
        ),
        Route("/v1/infers/{service_id}/v1/rerank", wrap(maas, _vllm_rerank), methods=post),
        Route("/v1/infers/{service_id}/rerank", wrap(maas, _vllm_rerank), methods=post),
    ]


async def _delayed(handler: Any, delay: float, ctx: Context, request: Request) -> Response:
    if delay > 0:
        await asyncio.sleep(delay)
    result: Response = await handler(ctx, request)
    return result


# ---- shared validation -------------------------------------------------------------------------
def _ds_invalid(message: str, native: bool, field: str) -> PlatformError:
    """DashScope's InvalidParameter, worded per surface (E.1 native, E.2 compatible)."""
    if native:
        return PlatformError(400, "InvalidParameter", f"{message}: payload.{field}")
    return PlatformError(
        400, "InvalidParameter", f"<400> InternalError.Algo.InvalidParameter: {message}: {field}"
    )


def _compat_error(ctx: Context, err: PlatformError) -> Response:
    """E.2: ``type`` and ``code`` both ``InvalidParameter``, ``id`` and ``request_id`` on top."""
    body = {
        "error": {"message": err.message, "type": err.code, "param": None, "code": err.code},
        "id": ctx.request_id,
        "request_id": ctx.request_id,
    }
    return JSONResponse(body, err.status, headers={"x-request-id": ctx.request_id})


async def _body(request: Request, bad: PlatformError) -> dict[str, Any]:
    try:
        body = await read_json(request)
    except ValueError:
        raise bad from None
    if not isinstance(body, dict):
        raise bad
    return body


def _texts(value: Any, native: bool) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(t, str) for t in value):
        return value
    # Seen when a client sends token ids instead of text (OpenAIEmbeddings' default).
    raise _ds_invalid(
        "Value error, contents is neither str nor list of str", native, "input.contents"
    )


def _check_rows(model: EmbeddingModel, texts: list[str], native: bool) -> int:
    if model.max_rows is not None and len(texts) > model.max_rows:
        message = f"batch size is invalid, it should not be larger than {model.max_rows}."
        # E.1 native wording; E.2 compatible mode prefixes "Value error, ".
        raise _ds_invalid(message if native else "Value error, " + message, native,
                          "input.contents")
    tokens = [vectors.count_tokens(t) for t in texts]
    limit = model.max_row_tokens
    for index, count in enumerate(tokens):
        if limit is not None and count > limit:
            # [INFER] wording: the range message DashScope uses for over-long inputs.
            message = f"Range of input length should be [1, {limit}], text {index} has {count}"
            raise _ds_invalid(message, native, "input.contents")
    return sum(tokens)


def _dimension(model: EmbeddingModel, requested: Any, native: bool) -> int:
    if requested is None:
        return model.default_dim
    if not model.dims or requested not in model.dims:
        allowed = list(model.dims or (model.default_dim,))
        message = f"Value error, dimension should be one of {allowed}"  # [INFER] wording
        raise _ds_invalid(message, native, "parameters.dimension")
    return int(requested)


def _ds_model(table: dict[str, Any], name: Any, native: bool) -> Any:
    model = table.get(name) if isinstance(name, str) else None
    if model is None:
        if native:
            raise PlatformError(404, "ModelNotFound", "Model can not be found.")
        message = f"The model `{name}` does not exist or you do not have access to it."
        raise PlatformError(404, "ModelNotFound", message)
    return model


# ---- DashScope native --------------------------------------------------------------------------
async def _native_embeddings(ctx: Context, request: Request) -> Response:
    ctx.check_bearer(request)
    bad = _ds_invalid("Required body invalid, please check the request body format", True, "body")
    body = await _body(request, bad)
    model = _ds_model(DASHSCOPE_EMBEDDINGS, body.get("model"), True)
    texts = _texts((body.get("input") or {}).get("texts"), True)
    parameters = body.get("parameters") or {}
    text_type = parameters.get("text_type", "document")
    if text_type not in ("query", "document"):
        raise _ds_invalid("text_type should be query or document", True, "parameters.text_type")
    dim = _dimension(model, parameters.get("dimension"), True)
    tokens = _check_rows(model, texts, True)
    items = [
        {"embedding": list(vectors.embed(t, dim)), "text_index": i} for i, t in enumerate(texts)
    ]
    data = {
        "output": {"embeddings": items},
        "usage": {"total_tokens": tokens},
        "request_id": ctx.request_id,
    }
    return _json(ctx, data)


async def _native_rerank(ctx: Context, request: Request) -> Response:
    ctx.check_bearer(request)
    bad = _ds_invalid("Required body invalid, please check the request body format", True, "body")
    body = await _body(request, bad)
    model = _ds_model(DASHSCOPE_RERANK, body.get("model"), True)
    payload = body.get("input") or {}
    parameters = body.get("parameters") or {}
    results, tokens = _rank(model, payload.get("query"), payload.get("documents"),
                            parameters.get("top_n"), bool(parameters.get("return_documents")),
                            native=True)
    data = {
        "output": {"results": results},
        "usage": {"total_tokens": tokens},
        "request_id": ctx.request_id,
    }
    return _json(ctx, data)


# ---- DashScope compatible ----------------------------------------------------------------------
async def _compat_embeddings(ctx: Context, request: Request) -> Response:
    try:
        ctx.check_bearer(request)
        bad = _ds_invalid("Required body invalid", False, "body")
        body = await _body(request, bad)
        model = _ds_model(DASHSCOPE_EMBEDDINGS, body.get("model"), False)
        texts = _texts(body.get("input"), False)
        dim = _dimension(model, body.get("dimensions"), False)
        tokens = _check_rows(model, texts, False)
    except PlatformError as err:
        if err.code != "InvalidParameter":
            raise
        return _compat_error(ctx, err)
    usage = {"prompt_tokens": tokens, "total_tokens": tokens}
    data = _openai_embeddings(texts, dim, body, model.name, usage)
    data["id"] = ctx.request_id
    return _json(ctx, data)


async def _compat_rerank(ctx: Context, request: Request) -> Response:
    try:
        ctx.check_bearer(request)
        body = await _body(request, _ds_invalid("Required body invalid", False, "body"))
        model = _ds_model(DASHSCOPE_RERANK, body.get("model"), False)
        results, tokens = _rank(model, body.get("query"), body.get("documents"),
                                body.get("top_n"), bool(body.get("return_documents")),
                                native=False)
    except PlatformError as err:
        if err.code != "InvalidParameter":
            raise
        return _compat_error(ctx, err)
    data = {"object": "list", "results": results, "model": model.name, "id": ctx.request_id,
            "usage": {"total_tokens": tokens}}
    return _json(ctx, data)


# ---- MaaS and "My Services" (vLLM) -------------------------------------------------------------
def _vllm_400(message: str) -> PlatformError:
    return PlatformError(400, "BadRequestError", message)


def _maas_fields(body: dict[str, Any], allowed: frozenset[str]) -> None:
    extra = [k for k in body if k not in allowed]
    if extra:  # as the chat gateway (PROTOCOLS D.4): pydantic extra_forbidden, Python repr
        items = ", ".join(
            f"{{'type': 'extra_forbidden', 'loc': ('body', {k!r}), "
            f"'msg': 'Extra inputs are not permitted', 'input': {body[k]!r}}}"
            for k in extra
        )
        raise _vllm_400(f"[{items}]")


async def _maas_embeddings(ctx: Context, request: Request) -> Response:
    ctx.check_bearer(request)
    body = await _body(request, _vllm_400("JSON decode error"))
    _maas_fields(body, _MAAS_EMBEDDING_FIELDS)
    name = body.get("model")
    model = MAAS_EMBEDDINGS.get(name) if isinstance(name, str) else None
    if model is None:
        raise PlatformError(404, "NotFoundError", f"The model `{name}` does not exist.")
    return _vllm_embeddings_answer(ctx, body, model)


async def _vllm_embeddings(ctx: Context, request: Request) -> Response:
    ctx.check_bearer(request)
    body = await _body(request, _vllm_400("JSON decode error"))
    model = EmbeddingModel(str(body.get("model")), None, 8192, 1024)
    return _vllm_embeddings_answer(ctx, body, model)


def _vllm_embeddings_answer(ctx: Context, body: dict[str, Any], model: EmbeddingModel) -> Response:
    texts = body.get("input")
    texts = [texts] if isinstance(texts, str) else texts
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        raise _vllm_400("input should be a string or a non-empty list of strings")
    if body.get("dimensions") is not None and body["dimensions"] != model.default_dim:
        # E.5: bge-m3 does not take dimensions; vLLM's words for a non-matryoshka model.
        raise _vllm_400(
            f'Model "{model.name}" does not support matryoshka representation, '
            "changing output dimensions will lead to poor results."
        )
    tokens = sum(vectors.count_tokens(t) for t in texts)
    limit = model.max_request_tokens or model.max_row_tokens
    if limit is not None and tokens > limit:  # E.5: "总输入长度不超过8K"
        raise _vllm_400(
            f"This model's maximum context length is {limit} tokens. However, you requested "
            f"{tokens} tokens in the input for embedding generation. Please reduce the length "
            "of the input."
        )
    usage = {"prompt_tokens": tokens, "total_tokens": tokens, "completion_tokens": 0,
             "prompt_tokens_details": None}
    data = _openai_embeddings(texts, model.default_dim, body, model.name, usage)
    data.update(id=f"embd-{uuid.uuid4().hex}", created=int(time.time()))
    return _json(ctx, data)


async def _maas_rerank(ctx: Context, request: Request) -> Response:
    ctx.check_bearer(request)
    body = await _body(request, _vllm_400("JSON decode error"))
    _maas_fields(body, _MAAS_RERANK_FIELDS)
    name = body.get("model")
    model = MAAS_RERANK.get(name) if isinstance(name, str) else None
    if model is None:
        raise PlatformError(404, "NotFoundError", f"The model `{name}` does not exist.")
    return _vllm_rerank_answer(ctx, body, model)


async def _vllm_rerank(ctx: Context, request: Request) -> Response:
    ctx.check_bearer(request)
    body = await _body(request, _vllm_400("JSON decode error"))
    model = RerankModel(str(body.get("model")), None, None, document_always=True)
    return _vllm_rerank_answer(ctx, body, model)


def _vllm_rerank_answer(ctx: Context, body: dict[str, Any], model: RerankModel) -> Response:
    top_n = body.get("top_n") or None  # vLLM: 0 means all (E.6)
    results, tokens = _rank(model, body.get("query"), body.get("documents"), top_n,
                            True, native=None)
    data = {"id": f"rerank-{uuid.uuid4().hex}", "model": model.name,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}, "results": results}
    return _json(ctx, data)


# ---- answers -----------------------------------------------------------------------------------
def _openai_embeddings(
    texts: list[str], dim: int, body: dict[str, Any], name: str, usage: dict[str, Any]
) -> dict[str, Any]:
    packed = body.get("encoding_format") == "base64"
    items = [
        {
            "index": i,
            "object": "embedding",
            "embedding": _base64(vectors.embed(t, dim)) if packed else list(vectors.embed(t, dim)),
        }
        for i, t in enumerate(texts)
    ]
    return {"data": items, "model": name, "object": "list", "usage": usage}


def _base64(vector: tuple[float, ...]) -> str:
    import array
    import base64

    return base64.b64encode(array.array("f", vector).tobytes()).decode()


def _rank(
    model: RerankModel,
    query: Any,
    documents: Any,
    top_n: Any,
    return_documents: bool,
    *,
    native: bool | None,
) -> tuple[list[dict[str, Any]], int]:
    """Scored results, best first, and the request's tokens (E.4: query x documents + docs)."""
    if not isinstance(query, str) or not isinstance(documents, list) or not all(
        isinstance(d, str) for d in documents
    ) or not documents:
        message = "query must be a string and documents a non-empty list of strings"
        raise _vllm_400(message) if native is None else _ds_invalid(message, native, "input")
    if model.max_documents is not None and len(documents) > model.max_documents:
        message = f"the number of documents should not be larger than {model.max_documents}"
        raise _ds_invalid(message, bool(native), "input.documents")  # [INFER] wording
    query_tokens = vectors.count_tokens(query)
    tokens = query_tokens * len(documents) + sum(vectors.count_tokens(d) for d in documents)
    if native is None and model.max_request_tokens and tokens > model.max_request_tokens:
        raise _vllm_400(  # E.5: "总输入长度不超过8K"
            f"This model's maximum context length is {model.max_request_tokens} tokens. "
            f"However, you requested {tokens} tokens in the input. Please reduce the length "
            "of the input."
        )
    scored = sorted(
        ((vectors.relevance(query, d), i) for i, d in enumerate(documents)),
        key=lambda pair: (-pair[0], pair[1]),
    )
    if isinstance(top_n, int) and top_n > 0:
        scored = scored[:top_n]
    results = []
    for score, index in scored:
        item: dict[str, Any] = {"index": index, "relevance_score": score}
        if return_documents or model.document_always:
            item["document"] = {"text": documents[index]}
        results.append(item)
    # E.4: DashScope truncates over-long items rather than rejecting; the sum is what is billed.
    return results, tokens


def _json(ctx: Context, data: dict[str, Any]) -> Response:
    return JSONResponse(data, headers={"x-request-id": ctx.request_id})
