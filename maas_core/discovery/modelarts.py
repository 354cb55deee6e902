"""ModelArts real-time inference services, the MaaS "My Services" (seed 000, PROTOCOLS.md D.7).

``GET /v1/{project_id}/maas/services/custom-endpoint/services/{region_id}?workspace_id=`` with
``X-Auth-Token`` (or AK/SK signing) and ``Content-Type: application/json`` (seed 000 Table 2)
answers ``{"data": [InferServerInfo], "pages", "total"}``. The seed documents ``pages`` and
``total`` but no paging parameters; we page as the vendor SDK's sibling listing
``ListInferServices`` does [INFER]: ``limit`` (at most 500) and ``offset`` an *item* offset, a
multiple of ``limit``. One request when the first answer says ``pages: 1``; we stop at ``pages``.

Host: ``HUAWEICLOUD_MODELARTS_ENDPOINT``, else ``https://modelarts.{region}.myhuaweicloud.com``
[INFER, PROTOCOLS.md H]; project id: argument or ``HUAWEICLOUD_SDK_PROJECT_ID``.
"""

from __future__ import annotations

import os
from typing import Any

import httpx

from ..auth import huawei_auth
from ..client import MissingCredentialsError
from ._base import AsyncDriver, Call, Page, Paged, SyncDriver, json_object
from .records import InferServerInfo

__all__ = ["PROVIDER", "AsyncModelArtsServices", "ModelArtsServices"]

PROVIDER = "huawei-modelarts"
DEFAULT_REGION = "ap-southeast-1"  # seed 000: "only supported in CN-Hong Kong"


MAX_PAGE_SIZE = 500  # ListInferServices: limit <= 500


def _parse_services(payload: Any, call: Call) -> Page[InferServerInfo]:
    body = json_object(payload, "ModelArts services")
    items = [InferServerInfo.model_validate(item) for item in body.get("data") or []]
    params = dict(call.params or {})
    limit, offset = int(params["limit"]), int(params.get("offset", 0))
    pages = body.get("pages")
    if isinstance(pages, int) and offset // limit + 1 < pages:
        return Page(items, Call("GET", call.path, {**params, "offset": offset + limit}))
    return Page(items)


class _ModelArtsBase:
    def __init__(
        self,
        *,
        project_id: str | None = None,
        region: str | None = None,
        region_id: str | None = None,
        workspace_id: str | None = None,
        base_url: str | None = None,
        auth: httpx.Auth | None = None,
        page_size: int = 100,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 2,
    ) -> None:
        self.region = region or os.environ.get("HUAWEICLOUD_REGION") or DEFAULT_REGION
        self.project_id = project_id or os.environ.get("HUAWEICLOUD_SDK_PROJECT_ID")
        if not self.project_id:
            raise MissingCredentialsError(
                "no Huawei project id: pass project_id=... or set HUAWEICLOUD_SDK_PROJECT_ID")
        self.region_id = region_id or self.region
        self.workspace_id = workspace_id
        self.base_url = (base_url or os.environ.get("HUAWEICLOUD_MODELARTS_ENDPOINT")
                         or f"https://modelarts.{self.region}.myhuaweicloud.com").rstrip("/")
        self.auth = auth or huawei_auth(project_id=self.project_id, region=self.region)
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size={page_size} must be in [1, {MAX_PAGE_SIZE}]")
        self.page_size = page_size
        self._options: dict[str, Any] = {
            "timeout": timeout, "max_retries": max_retries,
            "headers": {"Content-Type": "application/json"},  # seed 000: mandatory, also on GET
        }

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(base_url={self.base_url!r}, "
                f"project_id={self.project_id!r}, region_id={self.region_id!r})")

    def _services(self) -> Paged[InferServerInfo]:
        path = f"/v1/{self.project_id}/maas/services/custom-endpoint/services/{self.region_id}"
        params: dict[str, Any] = {"offset": 0, "limit": self.page_size}
        if self.workspace_id:
            params["workspace_id"] = self.workspace_id
        return Paged(Call("GET", path, params), _parse_services)


class ModelArtsServices(_ModelArtsBase, SyncDriver):
    """List ModelArts real-time inference services ("My Services").

    Example::

        with ModelArtsServices(project_id="0a1b...") as ma:   # HUAWEICLOUD_SDK_AK/SK or IAM
            for service in ma.list_services():
                print(service.name, service.status)
    """

    def __init__(self, *, http_client: httpx.Client | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_transport(self.base_url, self.auth, PROVIDER, http_client, **self._options)

    def list_services(self) -> list[InferServerInfo]:
        return self._collect(self._services())


class AsyncModelArtsServices(_ModelArtsBase, AsyncDriver):
    """The async twin of ``ModelArtsServices``."""

    def __init__(self, *, http_client: httpx.AsyncClient | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_transport(self.base_url, self.auth, PROVIDER, http_client, **self._options)

    async def list_services(self) -> list[InferServerInfo]:
        return await self._collect(self._services())
