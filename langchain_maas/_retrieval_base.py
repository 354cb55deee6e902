"""What the embedding and rerank classes share: connection fields and the maas_core clients.

The same conventions as the chat models (``api_key`` as ``SecretStr`` from the platform's
environment variable, ``base_url`` / ``region``, ``protocol`` for DashScope, ``timeout``,
``max_retries``, your own httpx clients). Batching, limits and the wire live in maas_core.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, model_validator
from typing_extensions import Self

from maas_core import AsyncEmbeddingClient, EmbeddingClient

__all__ = ["_DashScopeProtocol", "_RetrievalClientFields"]


class _RetrievalClientFields(BaseModel):
    """Connection settings and the sync/async maas_core clients built from them."""

    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True,
                              protected_namespaces=())

    api_key: SecretStr | None = None
    """API key; defaults from the platform's environment variable (see the subclass)."""
    base_url: str | None = None
    """Inference base URL. Unset: the ``region`` preset, else the platform's environment
    variable, else the default region."""
    region: str | None = None
    workspace: str | None = None
    """DashScope workspace id (sent as ``X-DashScope-WorkSpace``)."""
    timeout: float | None = Field(default=None, alias="request_timeout")
    max_retries: int = 2
    """Retries of 429, 5xx and connection failures (with backoff, honouring Retry-After)."""
    max_concurrency: int | None = None
    """Requests in flight at once when the input is split into batches (``None``: the
    model's default from maas_core's limits)."""
    default_headers: dict[str, str] | None = None
    profile_overrides: dict[str, Any] | None = None
    """Corrections to maas_core's limits of this model, e.g. ``{"max_texts": 6}``."""
    http_client: httpx.Client | None = Field(default=None, exclude=True)
    """Your own ``httpx.Client`` for sync calls (left open)."""
    http_async_client: httpx.AsyncClient | None = Field(default=None, exclude=True)
    """Your own ``httpx.AsyncClient`` for async calls (left open)."""

    _client: EmbeddingClient = PrivateAttr()
    _async_client: AsyncEmbeddingClient = PrivateAttr()
    _provider: ClassVar[str] = "huawei-maas"

    def _core_platform(self) -> str:
        return "maas"

    @model_validator(mode="after")
    def _build_core_clients(self) -> Self:
        kwargs: dict[str, Any] = {
            "api_key": self.api_key.get_secret_value() if self.api_key else None,
            "base_url": self.base_url,
            "region": self.region,
            "workspace": self.workspace,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "default_headers": self.default_headers,
            "profile_overrides": self.profile_overrides,
            "max_concurrency": self.max_concurrency,
        }
        platform = self._core_platform()
        self._client = EmbeddingClient(platform, http_client=self.http_client, **kwargs)
        self._async_client = AsyncEmbeddingClient(
            platform, http_client=self.http_async_client, **kwargs)
        return self


class _DashScopeProtocol(BaseModel):
    protocol: Literal["native", "compatible"] = "native"
    """``"native"`` (``/api/v1``, with ``text_type``) or ``"compatible"`` (OpenAI-style)."""

    def _core_platform(self) -> str:
        return "dashscope" if self.protocol == "native" else "dashscope-compatible"
