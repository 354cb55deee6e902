"""Per-model limits of embedding and rerank models (PROTOCOLS-2026 E.1, E.4, E.5).

The embedding client splits inputs by these limits before anything is sent: texts per request,
tokens per text and per request, which ``dimensions`` exist, documents per rerank request. Like
the chat profiles they never raise: an unknown model gets cautious defaults (10 texts per request,
no client-side dimension check) and the platform stays the judge of what it rejects.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "EmbeddingProfile",
    "RerankProfile",
    "estimate_tokens",
    "get_embedding_profile",
    "get_rerank_profile",
    "register_embedding_profile",
]


@dataclass(frozen=True, slots=True)
class EmbeddingProfile:
    max_texts: int = 10
    """Texts per request."""
    max_text_tokens: int = 8192
    """Tokens per text."""
    max_request_tokens: int | None = None
    """Tokens per request, where the platform caps the sum (MaaS bge-m3: 8K, E.5)."""
    dimensions: tuple[int, ...] = ()
    """Allowed output dimensions; empty: the model's dimension is fixed."""
    default_dimension: int = 1024
    max_concurrency: int = 8
    """Batches in flight at once by default."""

    def replace(self, **changes: Any) -> EmbeddingProfile:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class RerankProfile:
    max_documents: int = 100
    """Documents per request."""
    max_document_tokens: int = 4000
    """Longer documents are truncated by the platform, not rejected (E.4)."""
    max_request_tokens: int | None = None
    max_concurrency: int = 4

    def replace(self, **changes: Any) -> RerankProfile:
        return dataclasses.replace(self, **changes)


_V4_DIMS = (2048, 1536, 1024, 768, 512, 256, 128, 64)
_V3_DIMS = (1024, 768, 512, 256, 128, 64)  # zh page; intl lists 1024/768/512 only (E.1)
_EMBEDDING: dict[tuple[str, str], EmbeddingProfile] = {
    ("dashscope", "text-embedding-v4"): EmbeddingProfile(dimensions=_V4_DIMS),
    # E.1: the API page says 10 rows for v3, the quick-start page 6: the lower number is safe.
    ("dashscope", "text-embedding-v3"): EmbeddingProfile(max_texts=6, dimensions=_V3_DIMS),
    ("dashscope", "text-embedding-v2"): EmbeddingProfile(
        max_texts=25, max_text_tokens=2048, default_dimension=1536
    ),
    ("dashscope", "text-embedding-v1"): EmbeddingProfile(
        max_texts=25, max_text_tokens=2048, default_dimension=1536
    ),
    ("dashscope", "qwen3.7-text-embedding-flash"): EmbeddingProfile(
        max_text_tokens=131072, dimensions=(1024, 768, 512, 256)
    ),
    # E.5: "总输入长度不超过8K" (the whole input), dimensions not settable; texts per request
    # are not documented: 32 keeps each request small.
    ("maas", "bge-m3"): EmbeddingProfile(max_texts=32, max_request_tokens=8192),
}
_EMBEDDING_DEFAULTS = {
    "dashscope": EmbeddingProfile(),
    "maas": EmbeddingProfile(max_texts=32, max_request_tokens=8192),
    "vllm": EmbeddingProfile(max_texts=64),
}

_RERANK: dict[tuple[str, str], RerankProfile] = {
    ("dashscope", "qwen3-rerank"): RerankProfile(max_documents=500, max_request_tokens=120000),
    ("dashscope", "gte-rerank-v2"): RerankProfile(max_documents=500, max_request_tokens=30000),
    # E.4: the versions of the page disagree (800,000 / 120,000): the lower number.
    ("dashscope", "qwen3-vl-rerank"): RerankProfile(
        max_documents=100, max_document_tokens=8000, max_request_tokens=120000
    ),
    ("maas", "bge-reranker-v2-m3"): RerankProfile(
        max_documents=100, max_document_tokens=8192, max_request_tokens=8192
    ),
}
_RERANK_DEFAULTS = {
    "dashscope": RerankProfile(max_documents=100),
    "maas": RerankProfile(max_documents=100, max_request_tokens=8192),
    "vllm": RerankProfile(max_documents=100),
}

_registered_embedding: dict[tuple[str, str], EmbeddingProfile] = {}


def get_embedding_profile(
    platform: str, model: str, overrides: Mapping[str, Any] | None = None
) -> EmbeddingProfile:
    """The limits of embedding ``model`` on ``platform`` (``maas``, ``dashscope``, ``vllm``)."""
    key = (platform, model)
    profile = (
        _registered_embedding.get(key)
        or _EMBEDDING.get(key)
        or _EMBEDDING.get((platform, model.lower()))
        or _EMBEDDING_DEFAULTS.get(platform, EmbeddingProfile())
    )
    return profile.replace(**overrides) if overrides else profile


def register_embedding_profile(platform: str, model: str, profile: EmbeddingProfile) -> None:
    """Declare the limits of a model this table does not know (e.g. a private deployment)."""
    _registered_embedding[(platform, model)] = profile


def get_rerank_profile(
    platform: str, model: str, overrides: Mapping[str, Any] | None = None
) -> RerankProfile:
    """The limits of rerank ``model`` on ``platform``."""
    profile = (
        _RERANK.get((platform, model))
        or _RERANK.get((platform, model.lower()))
        or _RERANK_DEFAULTS.get(platform, RerankProfile())
    )
    return profile.replace(**overrides) if overrides else profile


_TOKEN = re.compile(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]")


def estimate_tokens(text: str) -> int:
    """A cheap estimate of a text's tokens: latin words, one per other visible character.

    Subword tokenizers split long words further, so this tends to undercount: a text it calls
    too long is too long; one it accepts may still be refused by the platform.
    """
    if len(text) < 64:  # short texts are never near a limit: skip the regex
        return max(1, len(text) // 2)
    return sum(1 for _ in _TOKEN.finditer(text))
