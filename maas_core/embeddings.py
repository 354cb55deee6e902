"""Splitting embedding and rerank inputs by a model's limits, and putting the answers together.

Pure functions, no I/O: ``plan_batches`` cuts a text list into request-sized slices (texts per
request, tokens per request) and refuses, before anything is sent, a text longer than the model
takes; ``merge_embeddings`` / ``merge_rerank`` reassemble the per-batch answers in input order
(rerank: best first, ``top_n`` applied over all batches) with usage summed.
"""

from __future__ import annotations

from collections.abc import Sequence

from .embedding_profiles import EmbeddingProfile, RerankProfile, estimate_tokens
from .errors import UnsupportedParameterError
from .types import EmbeddingResult, RerankHit, RerankResult, Usage

__all__ = [
    "InputTooLongError",
    "check_dimensions",
    "merge_embeddings",
    "merge_rerank",
    "plan_batches",
    "plan_rerank",
    "sum_usage",
]


class InputTooLongError(UnsupportedParameterError):
    """One input text is longer than the model takes; ``index`` says which (nothing was sent)."""

    def __init__(self, index: int, tokens: int, limit: int, model: str) -> None:
        super().__init__(
            f"text {index} has about {tokens} tokens; {model} takes at most {limit} tokens per "
            f"text: shorten or split text {index}"
        )
        self.index = index
        self.tokens = tokens
        self.limit = limit
        self.model = model

    def __reduce__(self) -> tuple[type[InputTooLongError], tuple[int, int, int, str]]:
        return (type(self), (self.index, self.tokens, self.limit, self.model))


def check_dimensions(model: str, dimensions: int | None, profile: EmbeddingProfile) -> None:
    """Refuse a ``dimensions`` the model does not offer (E.1), before sending."""
    if dimensions is None:
        return
    if not profile.dimensions:
        if dimensions == profile.default_dimension:
            return
        raise UnsupportedParameterError(
            f"{model} has a fixed dimension ({profile.default_dimension}); leave dimensions unset"
        )
    if dimensions not in profile.dimensions:
        allowed = ", ".join(map(str, profile.dimensions))
        raise UnsupportedParameterError(
            f"{model} does not offer dimensions={dimensions}; use one of {allowed}"
        )


def _cost(text: str, limit: int, summed: bool) -> int:
    # The estimate never exceeds the length: a text no longer than the limit needs no count,
    # unless the counts are summed against a per-request limit.
    return len(text) if len(text) <= limit and not summed else estimate_tokens(text)


def plan_batches(
    texts: Sequence[str], profile: EmbeddingProfile, model: str
) -> list[tuple[int, int]]:
    """``(start, stop)`` slices of ``texts`` that each fit one request of ``model``."""
    per_text, per_request = profile.max_text_tokens, profile.max_request_tokens
    limit = min(per_text, per_request) if per_request else per_text
    batches: list[tuple[int, int]] = []
    start, used = 0, 0
    for index, text in enumerate(texts):
        cost = _cost(text, limit, per_request is not None)
        if cost > limit:
            raise InputTooLongError(index, cost, limit, model)
        full = index - start >= profile.max_texts
        if full or (per_request is not None and used + cost > per_request):
            batches.append((start, index))
            start, used = index, 0
        used += cost
    if start < len(texts):
        batches.append((start, len(texts)))
    return batches


def plan_rerank(
    documents: Sequence[str], query: str, profile: RerankProfile
) -> list[tuple[int, int]]:
    """``(start, stop)`` slices of ``documents`` that each fit one rerank request.

    A request costs the query once per document plus the documents (E.4); a document longer
    than the model takes is truncated by the platform, so it counts at most that much. Nothing
    is refused here.
    """
    per_request = profile.max_request_tokens
    summed = per_request is not None
    query_cost = _cost(query, profile.max_document_tokens, summed)
    spans: list[tuple[int, int]] = []
    start, used = 0, 0
    for index, document in enumerate(documents):
        cost = query_cost + min(_cost(document, profile.max_document_tokens, summed),
                                profile.max_document_tokens)
        full = index - start >= profile.max_documents
        if index > start and (full or (per_request is not None and used + cost > per_request)):
            spans.append((start, index))
            start, used = index, 0
        used += cost
    if start < len(documents):
        spans.append((start, len(documents)))
    return spans


def sum_usage(usages: Sequence[Usage]) -> Usage:
    if len(usages) == 1:
        return usages[0]
    return Usage(
        input_tokens=sum(u.input_tokens for u in usages),
        total_tokens=sum(u.total_tokens for u in usages),
    )


def merge_embeddings(parts: Sequence[EmbeddingResult]) -> EmbeddingResult:
    """One result from the batches' results, which come in input order."""
    if len(parts) == 1:
        return parts[0]
    vectors = [vector for part in parts for vector in part.vectors]
    model = next((p.model for p in parts if p.model), None)
    ids = tuple(i for part in parts for i in part.request_ids)
    return EmbeddingResult(vectors, sum_usage([p.usage for p in parts]), model, ids)


def merge_rerank(parts: Sequence[RerankResult], top_n: int | None) -> RerankResult:
    """All batches' hits, best first (ties by input position), cut to ``top_n``.

    Rerank scores are per query/document pair, so hits from different batches compare.
    """
    hits: list[RerankHit] = [hit for part in parts for hit in part.hits]
    hits.sort(key=lambda hit: (-hit.relevance_score, hit.index))
    if top_n is not None:
        hits = hits[:top_n]
    model = next((p.model for p in parts if p.model), None)
    ids = tuple(i for part in parts for i in part.request_ids)
    return RerankResult(tuple(hits), sum_usage([p.usage for p in parts]), model, ids)
