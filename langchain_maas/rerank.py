"""LangChain rerankers (document compressors) for Huawei Cloud MaaS and Alibaba DashScope.

Input flow: documents and a query -> ``maas_core.RerankRequest`` -> ``maas_core.EmbeddingClient``
(split by the model's documents-per-request limit, merged best first).
Output flow: the ``top_n`` best documents, copies with ``metadata["relevance_score"]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from langchain_core.callbacks import Callbacks
from langchain_core.documents import BaseDocumentCompressor, Document
from langchain_core.utils import secret_from_env
from pydantic import Field, SecretStr

from maas_core import MaaSError, RerankRequest, RerankResult

from ._errors import to_langchain_error
from ._retrieval_base import _DashScopeProtocol, _RetrievalClientFields

__all__ = ["DashScopeRerank", "MaaSRerank"]


class _BaseRerank(_RetrievalClientFields, BaseDocumentCompressor):
    model: str = Field(alias="model_name")
    top_n: int | None = 3
    """How many documents to keep, best first (``None``: all, reordered)."""
    instruct: str | None = None
    """Ranking instruction, where the platform takes one (DashScope)."""

    def _request(self, documents: Sequence[Document], query: str) -> RerankRequest:
        return RerankRequest(
            model=self.model,
            query=query,
            documents=tuple(d.page_content for d in documents),
            top_n=self.top_n,
            instruct=self.instruct,
        )

    def compress_documents(
        self, documents: Sequence[Document], query: str, callbacks: Callbacks | None = None
    ) -> Sequence[Document]:
        """The best ``top_n`` documents for ``query`` with ``metadata["relevance_score"]``."""
        try:
            result = self._client.rerank(self._request(documents, query))
        except MaaSError as error:
            raise to_langchain_error(error) from error
        return _ranked(documents, result)

    async def acompress_documents(
        self, documents: Sequence[Document], query: str, callbacks: Callbacks | None = None
    ) -> Sequence[Document]:
        try:
            result = await self._async_client.rerank(self._request(documents, query))
        except MaaSError as error:
            raise to_langchain_error(error) from error
        return _ranked(documents, result)

    def rerank(self, documents: Sequence[str], query: str) -> list[dict[str, Any]]:
        """``[{"index", "relevance_score"}]`` best first, for plain strings."""
        request = RerankRequest(self.model, query, tuple(documents), self.top_n, self.instruct)
        try:
            result = self._client.rerank(request)
        except MaaSError as error:
            raise to_langchain_error(error) from error
        return [{"index": h.index, "relevance_score": h.relevance_score} for h in result.hits]


def _ranked(documents: Sequence[Document], result: RerankResult) -> list[Document]:
    ranked = []
    for hit in result.hits:
        source = documents[hit.index]
        metadata = {**source.metadata, "relevance_score": hit.relevance_score}
        ranked.append(Document(page_content=source.page_content, metadata=metadata, id=source.id))
    return ranked


class MaaSRerank(_BaseRerank):
    """Reranker of Huawei Cloud ModelArts Studio (``POST {base}/rerank``, bge-reranker-v2-m3).

    .. code-block:: python

        from langchain_classic.retrievers import ContextualCompressionRetriever
        from langchain_maas import MaaSRerank

        reranker = MaaSRerank(top_n=3)  # MAAS_API_KEY from the environment
        best = reranker.compress_documents(documents, "what does the warranty cover?")
        best[0].metadata["relevance_score"]
    """

    model: str = Field(default="bge-reranker-v2-m3", alias="model_name")
    api_key: SecretStr | None = Field(
        default_factory=secret_from_env("MAAS_API_KEY", default=None))
    _provider: ClassVar[str] = "huawei-maas"


class DashScopeRerank(_DashScopeProtocol, _BaseRerank):
    """Reranker of Alibaba Cloud DashScope (qwen3-rerank, gte-rerank-v2, ...).

    ``protocol="native"`` calls ``/api/v1/services/rerank/text-rerank/text-rerank``;
    ``"compatible"`` the OpenAI-style ``/compatible-api/v1/reranks``.

    .. code-block:: python

        from langchain_maas import DashScopeRerank

        reranker = DashScopeRerank(model="qwen3-rerank", top_n=3)
        best = reranker.compress_documents(documents, "what does the warranty cover?")
    """

    model: str = Field(default="qwen3-rerank", alias="model_name")
    api_key: SecretStr | None = Field(
        default_factory=secret_from_env("DASHSCOPE_API_KEY", default=None))
    _provider: ClassVar[str] = "dashscope"
