"""LlamaIndex embeddings for Huawei Cloud MaaS and Alibaba Cloud DashScope.

Input flow: texts -> ``maas_core.EmbeddingRequest`` (``text_type`` ``"query"`` for queries,
``"document"`` for texts) -> ``maas_core.EmbeddingClient``: split by the model's limits, batches
sent concurrently, reassembled in order. Output flow: the vectors, as LlamaIndex ``Embedding``s.

``embed_batch_size`` defaults to the model's texts-per-request limit times its concurrency (from
maas_core's limits): each chunk LlamaIndex hands over becomes that many requests in flight.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import httpx
from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from llama_index.core.bridge.pydantic import Field, PrivateAttr

from maas_core import EmbeddingRequest, get_platform
from maas_core.embedding_profiles import get_embedding_profile
from maas_core.types import TextType

from ._retrieval import CONNECTION_FIELDS, ClientPair, platform_name

__all__ = ["DashScopeEmbedding", "MaaSBaseEmbedding", "MaaSEmbedding"]


class MaaSBaseEmbedding(BaseEmbedding):
    """Shared fields and behaviour of ``MaaSEmbedding`` and ``DashScopeEmbedding``."""

    api_key: str | None = Field(
        default=None, exclude=True, repr=False, description="API key; read from the env if unset."
    )
    api_base: str | None = Field(default=None, description="Inference base URL.")
    region: str | None = Field(default=None, description="Region preset for the base URL.")
    timeout: float | None = Field(default=None, description="Request timeout in seconds.")
    max_retries: int = Field(default=2, description="Retries of 429, 5xx and connection errors.")
    max_concurrency: int | None = Field(
        default=None, description="Requests in flight at once; None: the model's default."
    )
    dimensions: int | None = Field(default=None, description="Output dimension, where offered.")
    default_headers: dict[str, str] | None = Field(
        default=None, exclude=True, repr=False, description="Headers sent with every request."
    )

    _platform: ClassVar[str] = "maas"
    _clients: ClientPair = PrivateAttr()

    def __init__(
        self,
        model_name: str | None = None,
        *,
        base_url: str | None = None,
        http_client: httpx.Client | None = None,
        async_http_client: httpx.AsyncClient | None = None,
        **kwargs: Any,
    ) -> None:
        if model_name is not None:
            kwargs["model_name"] = model_name
        if base_url is not None and kwargs.get("api_base") is None:
            kwargs["api_base"] = base_url
        kwargs.setdefault("model_name", self._default_model())
        if kwargs.get("embed_batch_size") is None:
            kwargs["embed_batch_size"] = self._batch_size(kwargs)
        super().__init__(**kwargs)
        settings = {name: getattr(self, name) for name in CONNECTION_FIELDS}
        self._clients = ClientPair(self._core_platform(), settings, http_client,
                                   async_http_client)

    @classmethod
    def _default_model(cls) -> str:
        return "bge-m3"

    def _core_platform(self) -> str:
        return self._platform

    @classmethod
    def _batch_size(cls, kwargs: dict[str, Any]) -> int:
        platform = get_platform(platform_name(cls._platform, kwargs.get("protocol"))).name
        profile = get_embedding_profile(platform, kwargs["model_name"])
        return min(2048, profile.max_texts * (kwargs.get("max_concurrency")
                                              or profile.max_concurrency))

    def _request(self, texts: list[str], text_type: TextType) -> EmbeddingRequest:
        return EmbeddingRequest(self.model_name, tuple(texts), text_type, self.dimensions)

    def _get_query_embedding(self, query: str) -> Embedding:
        return self._clients.sync.embed(self._request([query], "query")).vectors[0]

    def _get_text_embedding(self, text: str) -> Embedding:
        return self._clients.sync.embed(self._request([text], "document")).vectors[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return self._clients.sync.embed(self._request(texts, "document")).vectors

    async def _aget_query_embedding(self, query: str) -> Embedding:
        result = await self._clients.async_.embed(self._request([query], "query"))
        return result.vectors[0]

    async def _aget_text_embedding(self, text: str) -> Embedding:
        result = await self._clients.async_.embed(self._request([text], "document"))
        return result.vectors[0]

    async def _aget_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        result = await self._clients.async_.embed(self._request(texts, "document"))
        return result.vectors


class MaaSEmbedding(MaaSBaseEmbedding):
    """Embeddings of Huawei Cloud ModelArts Studio (bge-m3 by default).

    .. code-block:: python

        from llama_index.core import Settings, VectorStoreIndex
        from llamaindex_maas import MaaSEmbedding

        Settings.embed_model = MaaSEmbedding()  # MAAS_API_KEY from the environment
        index = VectorStoreIndex.from_documents(documents)
    """

    @classmethod
    def class_name(cls) -> str:
        return "MaaSEmbedding"


class DashScopeEmbedding(MaaSBaseEmbedding):
    """Embeddings of Alibaba Cloud DashScope (text-embedding-v4 by default).

    .. code-block:: python

        from llamaindex_maas import DashScopeEmbedding

        embed_model = DashScopeEmbedding(dimensions=512)  # DASHSCOPE_API_KEY from the env
        compat = DashScopeEmbedding(protocol="compatible", region="intl")
    """

    protocol: Literal["native", "compatible"] = Field(
        default="native", description="native (/api/v1, with text_type) or compatible."
    )
    _platform: ClassVar[str] = "dashscope"

    @classmethod
    def _default_model(cls) -> str:
        return "text-embedding-v4"

    def _core_platform(self) -> str:
        return platform_name("dashscope", self.protocol)

    @classmethod
    def class_name(cls) -> str:
        return "DashScopeEmbedding"
