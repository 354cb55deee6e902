"""MaaS inference model listing: ``GET {base}/models`` with the API key (PROTOCOLS.md D.1, D.3).

Input: a MaaS base URL (``…/v1``, ``…/v2``, ``…/openai/v1`` or a "My Services"
``…/v1/infers/{service_id}/v1``) and ``MAAS_API_KEY``. Output: ``ServedModel`` records whose
``id`` is the value to send as ``model``; a ``max_model_len`` (vLLM) becomes the model's context
window in its profile (``profiles.remember_catalogue``). The OpenAI list has no pages on
MaaS/vLLM (E.5); when a server does page it (``has_more`` + ``after``, the OpenAI convention) we
follow it to the end.
"""

from __future__ import annotations

from typing import Any

import httpx

from ..auth import maas_auth
from ..profiles import remember_catalogue
from ..providers import MAAS, maas_service_url
from ._base import AsyncDriver, Call, Page, Paged, SyncDriver, json_object
from .records import ServedModel

__all__ = ["AsyncMaaSModels", "MaaSModels"]


def _parse_models(payload: Any, call: Call) -> Page[ServedModel]:
    body = json_object(payload, "MaaS /models")
    items = [ServedModel.model_validate(item) for item in body.get("data") or []]
    for item in items:  # vLLM's max_model_len is the served context window (E.5)
        if item.max_model_len:
            remember_catalogue("maas", item.id, {"context_window": item.max_model_len})
    if body.get("has_more") and items:
        return Page(items, Call("GET", call.path, {**(call.params or {}), "after": items[-1].id}))
    return Page(items)


class _MaaSModelsBase:
    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        region: str | None = None,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 2,
    ) -> None:
        self.base_url = MAAS.resolve_base_url(base_url, region)
        self.auth = auth or maas_auth(api_key)
        self._options: dict[str, Any] = {"timeout": timeout, "max_retries": max_retries}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def service_base_url(self, service_id: str, infer_url: str | None = None) -> str:
        """Base URL of a "My Services" deployment (D.1): ``{infer}/v1/infers/{id}/v1``."""
        if infer_url:
            return f"{infer_url.rstrip('/')}/v1/infers/{service_id}/v1"
        return maas_service_url(service_id)

    def _models(self, base_url: str | None = None) -> Paged[ServedModel]:
        path = f"{base_url.rstrip('/')}/models" if base_url else "/models"
        return Paged(Call("GET", path), _parse_models)


class MaaSModels(_MaaSModelsBase, SyncDriver):
    """List the models served at a MaaS base URL.

    Example::

        with MaaSModels() as maas:          # MAAS_API_KEY, default region
            names = [m.id for m in maas.list_models()]
    """

    def __init__(self, *, http_client: httpx.Client | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_transport(self.base_url, self.auth, MAAS.label, http_client, **self._options)

    def list_models(self, base_url: str | None = None) -> list[ServedModel]:
        """Every model of ``base_url`` (default: this client's), all pages."""
        return self._collect(self._models(base_url))


class AsyncMaaSModels(_MaaSModelsBase, AsyncDriver):
    """The async twin of ``MaaSModels``."""

    def __init__(self, *, http_client: httpx.AsyncClient | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_transport(self.base_url, self.auth, MAAS.label, http_client, **self._options)

    async def list_models(self, base_url: str | None = None) -> list[ServedModel]:
        return await self._collect(self._models(base_url))
