"""LlamaIndex rerankers (node postprocessors) for Huawei Cloud MaaS and Alibaba DashScope.

Input flow: the retrieved nodes' text and the query -> ``maas_core.RerankRequest`` ->
``maas_core.EmbeddingClient.rerank`` (split by the model's documents-per-request limit, merged
best first). Output flow: the ``top_n`` best nodes, their ``score`` the platform's relevance.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import httpx
from llama_index.core.bridge.pydantic import Field, PrivateAttr
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.schema import MetadataMode, NodeWithScore, QueryBundle

from maas_core import RerankRequest, RerankResult

from ._retrieval import CONNECTION_FIELDS, ClientPair, platform_name

__all__ = ["DashScopeRerank", "MaaSBaseRerank", "MaaSRerank"]


class MaaSBaseRerank(BaseNodePostprocessor):
    """Shared fields and behaviour of ``MaaSRerank`` and ``DashScopeRerank``."""

    model: str = Field(default="bge-reranker-v2-m3", description="The rerank model.")
    top_n: int | None = Field(default=3, description="Nodes to keep, best first; None: all.")
    instruct: str | None = Field(default=None, description="Ranking instruction (DashScope).")
    api_key: str | None = Field(
        default=None, exclude=True, repr=False, description="API key; read from the env if unset."
    )
    api_base: str | None = Field(default=None, description="Inference base URL.")
    region: str | None = Field(default=None, description="Region preset for the base URL.")
    timeout: float | None = Field(default=None, description="Request timeout in seconds.")
    max_retries: int = Field(default=2, description="Retries of 429, 5xx and connection errors.")
    max_concurrency: int | None = Field(default=None, description="Requests in flight at once.")
    default_headers: dict[str, str] | None = Field(
        default=None, exclude=True, repr=False, description="Headers sent with every request."
    )

    _platform: ClassVar[str] = "maas"
    _clients: ClientPair = PrivateAttr()

    def __init__(
        self,
        *,
        base_url: str | None = None,
        http_client: httpx.Client | None = None,
        async_http_client: httpx.AsyncClient | None = None,
        **kwargs: Any,
    ) -> None:
        if base_url is not None and kwargs.get("api_base") is None:
            kwargs["api_base"] = base_url
        super().__init__(**kwargs)
        settings = {name: getattr(self, name) for name in CONNECTION_FIELDS}
        self._clients = ClientPair(self._core_platform(), settings, http_client,
                                   async_http_client)

    def _core_platform(self) -> str:
        return self._platform

    def _request(self, nodes: list[NodeWithScore], query: QueryBundle | None) -> RerankRequest:
        if query is None:
            raise ValueError("a reranker needs the query: pass query_bundle or query_str")
        texts = tuple(n.node.get_content(metadata_mode=MetadataMode.EMBED) for n in nodes)
        return RerankRequest(self.model, query.query_str, texts, self.top_n, self.instruct)

    def _postprocess_nodes(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
    ) -> list[NodeWithScore]:
        if not nodes:
            return []
        return _ranked(nodes, self._clients.sync.rerank(self._request(nodes, query_bundle)))

    async def _apostprocess_nodes(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
    ) -> list[NodeWithScore]:
        if not nodes:
            return []
        result = await self._clients.async_.rerank(self._request(nodes, query_bundle))
        return _ranked(nodes, result)


def _ranked(nodes: list[NodeWithScore], result: RerankResult) -> list[NodeWithScore]:
    return [NodeWithScore(node=nodes[hit.index].node, score=hit.relevance_score)
            for hit in result.hits]


class MaaSRerank(MaaSBaseRerank):
    """Reranker of Huawei Cloud ModelArts Studio (bge-reranker-v2-m3).

    .. code-block:: python

        from llamaindex_maas import MaaSRerank

        engine = index.as_query_engine(similarity_top_k=10,
                                       node_postprocessors=[MaaSRerank(top_n=3)])
    """

    @classmethod
    def class_name(cls) -> str:
        return "MaaSRerank"


class DashScopeRerank(MaaSBaseRerank):
    """Reranker of Alibaba Cloud DashScope (qwen3-rerank by default)."""

    model: str = Field(default="qwen3-rerank", description="The rerank model.")
    protocol: Literal["native", "compatible"] = Field(
        default="native", description="native (/api/v1) or compatible (/compatible-api/v1)."
    )
    _platform: ClassVar[str] = "dashscope"

    def _core_platform(self) -> str:
        return platform_name("dashscope", self.protocol)

    @classmethod
    def class_name(cls) -> str:
        return "DashScopeRerank"
