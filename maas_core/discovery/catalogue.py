"""The DashScope model catalogue, ``GET {native}/models`` (PROTOCOLS-2026 A.9.8), and what it
tells the profiles.

Input: the native root (``…/api/v1``) and ``DASHSCOPE_API_KEY``. Output: ``DashScopeModel``
records (``output.models[]``, paged by ``page_no`` / ``page_size``), and, for each, the profile
facts the catalogue states (``catalogue_facts``): context window, max output, reasoning, tools,
structured output, image input. Listing the catalogue records those facts in the profile layer
(``maas_core.profiles.remember_catalogue``), so every client of this process shapes requests by
them. The catalogue is a catalogue: whether the key may call a model is only known by calling.
"""

from __future__ import annotations

from typing import Any

import httpx

from ..profiles import get_profile, remember_catalogue
from ..providers import DASHSCOPE
from ._base import AsyncDriver, Call, Page, Paged, SyncDriver, json_object
from .dashscope import DashScopeAPIBase
from .records import DashScopeModel

__all__ = ["AsyncDashScopeModels", "DashScopeModels", "catalogue_facts"]


def catalogue_facts(record: DashScopeModel) -> dict[str, Any]:
    """Profile field values the catalogue entry states (absent facts are left to the family
    rules: a catalogue without a ``features`` list says nothing about tools)."""
    facts: dict[str, Any] = {}
    info = record.model_info
    if info is not None:
        if info.context_window:
            facts["context_window"] = info.context_window
        if info.max_output_tokens:
            facts["max_output"] = info.max_output_tokens
        if info.max_reasoning_tokens:
            facts["max_thinking_budget"] = info.max_reasoning_tokens
    capabilities = {c.lower() for c in record.capabilities}
    if "reasoning" in capabilities and get_profile("dashscope", record.model).reasoning == "never":
        facts["reasoning"] = "switchable"
    if record.features:
        features = set(record.features)
        facts["tools"] = "function-calling" in features
        facts["json_schema"] = "structured-outputs" in features
    if any(m.lower() == "image" for m in record.request_modality) or "vu" in capabilities:
        facts["images"] = True
    return facts


def _parse(payload: Any, call: Call) -> Page[DashScopeModel]:
    body = json_object(payload, "DashScope /models")
    inner = body.get("output")
    output: dict[str, Any] = inner if isinstance(inner, dict) else body
    items = [DashScopeModel.model_validate(m) for m in output.get("models") or []]
    for item in items:
        remember_catalogue("dashscope", item.model, catalogue_facts(item))
    params = dict(call.params or {})
    page_no, size = int(params.get("page_no", 1)), int(params.get("page_size", 100))
    total = output.get("total")
    if items and isinstance(total, int) and page_no * size < total:
        return Page(items, Call("GET", call.path, {**params, "page_no": page_no + 1}))
    return Page(items)


def _first_page(payload: Any, call: Call) -> Page[DashScopeModel]:
    return Page(_parse(payload, call).items)


class _CatalogueBase(DashScopeAPIBase):
    def _list(self, page_size: int, model: str | None = None) -> Paged[DashScopeModel]:
        params: dict[str, Any] = {"page_no": 1, "page_size": page_size}
        if model is None:
            return Paged(Call("GET", "/models", params), _parse)
        params["model"] = model  # the SDK's Models.get(name): one page of one (A.9.8)
        return Paged(Call("GET", "/models", params), _first_page)


class DashScopeModels(_CatalogueBase, SyncDriver):
    """The DashScope model catalogue.

    Example::

        with DashScopeModels() as catalogue:          # DASHSCOPE_API_KEY, default region
            for m in catalogue.list_models():
                print(m.model, m.model_info.context_window if m.model_info else None)
    """

    def __init__(self, *, http_client: httpx.Client | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_transport(self.base_url, self.auth, DASHSCOPE.label, http_client,
                             **self._options)

    def list_models(self, *, page_size: int = 100) -> list[DashScopeModel]:
        """Every catalogue entry, all pages (their facts join the profiles)."""
        return self._collect(self._list(page_size))

    def get_model(self, model: str) -> DashScopeModel | None:
        """The entry of ``model``, or ``None`` when the catalogue does not list it."""
        found = self._collect(self._list(1, model))
        return next((m for m in found if m.model == model), None)


class AsyncDashScopeModels(_CatalogueBase, AsyncDriver):
    """The async twin of ``DashScopeModels``."""

    def __init__(self, *, http_client: httpx.AsyncClient | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_transport(self.base_url, self.auth, DASHSCOPE.label, http_client,
                             **self._options)

    async def list_models(self, *, page_size: int = 100) -> list[DashScopeModel]:
        return await self._collect(self._list(page_size))

    async def get_model(self, model: str) -> DashScopeModel | None:
        found = await self._collect(self._list(1, model))
        return next((m for m in found if m.model == model), None)
