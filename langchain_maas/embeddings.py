"""LangChain embeddings for Huawei Cloud MaaS and Alibaba Cloud DashScope.

Input flow: texts -> ``maas_core.EmbeddingRequest`` (``text_type`` ``"document"`` for
``embed_documents``, ``"query"`` for ``embed_query``) -> ``maas_core.EmbeddingClient``, which
splits by the model's limits, sends batches concurrently and reassembles them in order.
Output flow: ``EmbeddingResult.vectors`` -> ``list[list[float]]``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from langchain_core.embeddings import Embeddings
from langchain_core.utils import secret_from_env
from pydantic import Field, SecretStr

from maas_core import EmbeddingRequest, MaaSError
from maas_core.types import TextType

from ._errors import to_langchain_error
from ._retrieval_base import _DashScopeProtocol, _RetrievalClientFields

__all__ = ["DashScopeEmbeddings", "MaaSEmbeddings"]


class _BaseEmbeddings(_RetrievalClientFields, Embeddings):
    model: str = Field(alias="model_name")
    dimensions: int | None = None
    """Output dimension, where the model offers a choice (e.g. text-embedding-v4: 64…2048)."""
    instruct: str | None = None
    """Task instruction sent with queries, where the platform takes one (DashScope native)."""
    extra_body: dict[str, Any] | None = None
    """Merged into every request body, verbatim."""

    def _request(self, texts: list[str], text_type: TextType) -> EmbeddingRequest:
        return EmbeddingRequest(
            model=self.model,
            texts=tuple(texts),
            text_type=text_type,
            dimensions=self.dimensions,
            instruct=self.instruct if text_type == "query" else None,
            extra_body=self.extra_body,
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order (``text_type="document"``)."""
        try:
            return self._client.embed(self._request(texts, "document")).vectors
        except MaaSError as error:
            raise to_langchain_error(error) from error

    def embed_query(self, text: str) -> list[float]:
        """The vector of one search query (``text_type="query"``)."""
        try:
            return self._client.embed(self._request([text], "query")).vectors[0]
        except MaaSError as error:
            raise to_langchain_error(error) from error

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        try:
            result = await self._async_client.embed(self._request(texts, "document"))
        except MaaSError as error:
            raise to_langchain_error(error) from error
        return result.vectors

    async def aembed_query(self, text: str) -> list[float]:
        try:
            result = await self._async_client.embed(self._request([text], "query"))
        except MaaSError as error:
            raise to_langchain_error(error) from error
        return result.vectors[0]


class MaaSEmbeddings(_BaseEmbeddings):
    """Embeddings of Huawei Cloud ModelArts Studio (``POST {base}/embeddings``, e.g. bge-m3).

    Setup:
        ``pip install 'maas-integrations[langchain]'`` and ``export MAAS_API_KEY=...``.

    Instantiate:
        .. code-block:: python

            from langchain_maas import MaaSEmbeddings

            embeddings = MaaSEmbeddings(model="bge-m3")  # region="cn-southwest-2" by default

    Embed:
        .. code-block:: python

            vectors = embeddings.embed_documents(["first passage", "second passage"])
            query = embeddings.embed_query("what is in the first passage?")
            # async: await embeddings.aembed_documents([...]); await embeddings.aembed_query("...")

    Any number of texts: maas_core splits them by the model's limits (bge-m3: 8K tokens per
    request), sends the batches concurrently and returns the vectors in order.
    """

    model: str = Field(default="bge-m3", alias="model_name")
    api_key: SecretStr | None = Field(
        default_factory=secret_from_env("MAAS_API_KEY", default=None))
    _provider: ClassVar[str] = "huawei-maas"


class DashScopeEmbeddings(_DashScopeProtocol, _BaseEmbeddings):
    """Embeddings of Alibaba Cloud DashScope / Model Studio (text-embedding-v4, v3, v2, v1).

    Setup:
        ``pip install 'maas-integrations[langchain]'`` and ``export DASHSCOPE_API_KEY=...``.

    Instantiate:
        .. code-block:: python

            from langchain_maas import DashScopeEmbeddings

            embeddings = DashScopeEmbeddings(model="text-embedding-v4", dimensions=512)
            compat = DashScopeEmbeddings(protocol="compatible", region="intl")

    Embed:
        .. code-block:: python

            vectors = embeddings.embed_documents(["first passage", "second passage"])
            query = embeddings.embed_query("what is in the first passage?")

    The native protocol sends ``text_type`` (``document`` / ``query``) as DashScope recommends
    for retrieval; compatible mode has no such field. Inputs are split by the model's limit
    (text-embedding-v4: 10 texts per request) and the batches sent concurrently.
    """

    model: str = Field(default="text-embedding-v4", alias="model_name")
    api_key: SecretStr | None = Field(
        default_factory=secret_from_env("DASHSCOPE_API_KEY", default=None))
    _provider: ClassVar[str] = "dashscope"
