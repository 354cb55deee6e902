"""Connection settings and maas_core clients shared by the embedding and rerank classes.

The same conventions as the LLM classes (``api_key`` read from the environment when unset and
never serialised, ``api_base`` or ``base_url``, ``region``, ``protocol`` for DashScope,
``timeout``, ``max_retries``, your own httpx clients). Limits, batching and wires: maas_core.
"""

from __future__ import annotations

from typing import Any

import httpx

from maas_core import AsyncEmbeddingClient, EmbeddingClient

__all__ = ["CONNECTION_FIELDS", "ClientPair", "platform_name"]

CONNECTION_FIELDS = ("api_key", "api_base", "region", "timeout", "max_retries",
                     "default_headers", "max_concurrency")


def platform_name(platform: str, protocol: str | None) -> str:
    """maas_core platform: ``maas``, ``dashscope`` (native) or ``dashscope-compatible``."""
    if platform == "dashscope" and protocol == "compatible":
        return "dashscope-compatible"
    return platform


class ClientPair:
    """The sync and async maas_core clients of one instance, built on first use."""

    def __init__(self, platform: str, settings: dict[str, Any],
                 http_client: httpx.Client | None,
                 async_http_client: httpx.AsyncClient | None) -> None:
        kwargs = dict(settings)
        kwargs["base_url"] = kwargs.pop("api_base", None)
        self.sync = EmbeddingClient(platform, http_client=http_client, **kwargs)
        self.async_ = AsyncEmbeddingClient(platform, http_client=async_http_client, **kwargs)
