"""DashScope dedicated deployments: list, get, create, scale, update, delete (PROTOCOLS C, 004).

All on the native root (``…/api/v1``) with ``Authorization: Bearer`` (``DASHSCOPE_API_KEY``) and,
optionally, ``X-DashScope-WorkSpace`` (``DASHSCOPE_WORKSPACE_ID``). Answers wrap the deployment
in ``output`` (``output.deployments`` + ``total`` for the list, paged by ``page_no`` /
``page_size`` 1-200). Statuses are ``DeploymentStatus`` members when known, plain strings
otherwise. A deployment is called through the normal generation APIs with
``model=<deployed_model>`` and a key of the same workspace (C, "Calling a deployed model").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

import httpx

from ..auth import dashscope_auth
from ..errors import UnsupportedParameterError
from ..providers import DASHSCOPE
from ._base import (
    AsyncDriver,
    Call,
    Page,
    Paged,
    Poll,
    Single,
    SyncDriver,
    json_object,
    wait_async,
    wait_sync,
)
from .records import DashScopeDeployment

__all__ = ["AsyncDashScopeDeployments", "DashScopeDeployments"]

_FAILED = frozenset({"FAILED", "STOPPED", "DELETING"})
_NATIVE_ROOT = re.compile(r"/api/v1/?$")

StatusCallback = Callable[[DashScopeDeployment], object]


def _output(payload: Any, what: str) -> dict[str, Any]:
    body = json_object(payload, what)
    output = body.get("output")
    return output if isinstance(output, dict) else body


def _parse_list(payload: Any, call: Call) -> Page[DashScopeDeployment]:
    output = _output(payload, "DashScope deployments")
    items = [DashScopeDeployment.model_validate(d) for d in output.get("deployments") or []]
    params = dict(call.params or {})
    page_no, size = int(params.get("page_no", 1)), int(params.get("page_size", 50))
    total = output.get("total")
    if isinstance(total, int) and page_no * size < total:
        return Page(items, Call("GET", call.path, {**params, "page_no": page_no + 1}))
    return Page(items)


def _parse_one(payload: Any) -> DashScopeDeployment:
    return DashScopeDeployment.model_validate(_output(payload, "DashScope deployment"))


def _check_capacity(capacity: int | None) -> None:
    # The platform's own rule (seed 004 InvalidParameter): 0 <= capacity < 1000.
    if capacity is not None and not 0 <= capacity < 1000:
        raise UnsupportedParameterError(
            f"capacity={capacity}: must be >= 0 and < 1000 (DashScope InvalidParameter)")


def _ptu(ptu_capacity: dict[str, int] | None) -> dict[str, Any]:
    return {"ptu_capacity": dict(ptu_capacity)} if ptu_capacity else {}


class DashScopeAPIBase:
    """Where and how a DashScope management client calls: the native base URL (argument, region,
    environment, default) and the key plus workspace as one ``httpx.Auth``."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        workspace: str | None = None,
        base_url: str | None = None,
        region: str | None = None,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 2,
    ) -> None:
        self.base_url = DASHSCOPE.resolve_base_url(base_url, region)
        self.auth = auth or dashscope_auth(api_key, workspace)
        self.workspace = getattr(self.auth, "workspace", None) or workspace
        self._options: dict[str, Any] = {"timeout": timeout, "max_retries": max_retries}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, workspace={self.workspace!r})"


class _DeploymentsBase(DashScopeAPIBase):
    def generation_base_url(self, protocol: Literal["native", "compatible"] = "native") -> str:
        """The inference base of the same region/workspace: native root or compatible mode."""
        if protocol == "native":
            return self.base_url
        root = _NATIVE_ROOT.sub("", self.base_url)
        return f"{root}/compatible-mode/v1"

    # ---- operations (no I/O) -------------------------------------------------------------------
    def _list(self, page_size: int) -> Paged[DashScopeDeployment]:
        if not 1 <= page_size <= 200:  # C: page_size range 1-200
            raise UnsupportedParameterError(f"page_size={page_size}: must be in [1, 200]")
        params = {"page_no": 1, "page_size": page_size}
        return Paged(Call("GET", "/deployments", params), _parse_list)

    def _get(self, deployed_model: str) -> Single[DashScopeDeployment]:
        return Single(Call("GET", f"/deployments/{_name(deployed_model)}"), _parse_one)

    def _delete(self, deployed_model: str) -> Single[DashScopeDeployment]:
        return Single(Call("DELETE", f"/deployments/{_name(deployed_model)}"), _parse_one)

    def _create(self, model_name: str, capacity: int | None, plan: str | None,
                ptu_capacity: dict[str, int] | None, extra: dict[str, Any]
                ) -> Single[DashScopeDeployment]:
        if capacity is None and not ptu_capacity:
            raise UnsupportedParameterError(
                "create a deployment with capacity=N (plan 'mu') or ptu_capacity={...} ('ptu')")
        _check_capacity(capacity)
        body: dict[str, Any] = {"model_name": _name(model_name), **_ptu(ptu_capacity)}
        if capacity is not None:
            body["capacity"] = capacity
        if plan:
            body["plan"] = plan
        body.update({k: v for k, v in extra.items() if v is not None})
        return Single(Call("POST", "/deployments", json=body), _parse_one)

    def _scale(self, deployed_model: str, capacity: int | None,
               ptu_capacity: dict[str, int] | None) -> Single[DashScopeDeployment]:
        if (capacity is None) == (not ptu_capacity):
            raise UnsupportedParameterError("scale with exactly one of capacity / ptu_capacity")
        _check_capacity(capacity)
        body: dict[str, Any] = {"deployed_model": deployed_model, **_ptu(ptu_capacity)}
        if capacity is not None:
            body["capacity"] = capacity
        path = f"/deployments/{_name(deployed_model)}/scale"
        return Single(Call("PUT", path, json=body), _parse_one)

    def _update(self, deployed_model: str, rpm_limit: int | None,
                tpm_limit: int | None) -> Single[DashScopeDeployment]:
        limits = {k: v for k, v in (("rpm_limit", rpm_limit), ("tpm_limit", tpm_limit)) if v}
        if not limits:  # C: "at least one"
            raise UnsupportedParameterError("update needs rpm_limit and/or tpm_limit")
        path = f"/deployments/{_name(deployed_model)}/update"
        return Single(Call("PUT", path, json=limits), _parse_one)

    def _poll(self, deployed_model: str, timeout: float, interval: float,
              on_status: StatusCallback | None) -> Poll[DashScopeDeployment]:
        return Poll(f"DashScope deployment {deployed_model}", lambda d: d.status_text, timeout,
                    interval, failed=_FAILED, on_status=on_status)


def _name(value: str) -> str:
    if not value or "/" in value:
        raise UnsupportedParameterError(f"invalid deployment/model name {value!r}")
    return value


class DashScopeDeployments(_DeploymentsBase, SyncDriver):
    """DashScope model deployments.

    Example::

        with DashScopeDeployments() as ds:     # DASHSCOPE_API_KEY [, DASHSCOPE_WORKSPACE_ID]
            d = ds.create_deployment("qwen-plus", capacity=1)
            ds.wait_until_running(d.deployed_model, on_status=lambda d: print(d.status))
    """

    def __init__(self, *, http_client: httpx.Client | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_transport(self.base_url, self.auth, DASHSCOPE.label, http_client,
                             **self._options)

    def list_deployments(self, *, page_size: int = 100) -> list[DashScopeDeployment]:
        return self._collect(self._list(page_size))

    def get_deployment(self, deployed_model: str) -> DashScopeDeployment:
        return self._one(self._get(deployed_model))

    def create_deployment(self, model_name: str, *, capacity: int | None = None,
                          plan: str | None = None, ptu_capacity: dict[str, int] | None = None,
                          name: str | None = None, suffix: str | None = None,
                          model_version: str | None = None) -> DashScopeDeployment:
        extra = {"name": name, "suffix": suffix, "model_version": model_version}
        return self._one(self._create(model_name, capacity, plan, ptu_capacity, extra))

    def scale_deployment(self, deployed_model: str, *, capacity: int | None = None,
                         ptu_capacity: dict[str, int] | None = None) -> DashScopeDeployment:
        return self._one(self._scale(deployed_model, capacity, ptu_capacity))

    def update_deployment(self, deployed_model: str, *, rpm_limit: int | None = None,
                          tpm_limit: int | None = None) -> DashScopeDeployment:
        return self._one(self._update(deployed_model, rpm_limit, tpm_limit))

    def delete_deployment(self, deployed_model: str) -> DashScopeDeployment:
        return self._one(self._delete(deployed_model))

    def wait_until_running(self, deployed_model: str, *, timeout: float = 900.0,
                           interval: float = 10.0,
                           on_status: StatusCallback | None = None) -> DashScopeDeployment:
        poll = self._poll(deployed_model, timeout, interval, on_status)
        return wait_sync(poll, lambda: self.get_deployment(deployed_model))


class AsyncDashScopeDeployments(_DeploymentsBase, AsyncDriver):
    """The async twin of ``DashScopeDeployments``."""

    def __init__(self, *, http_client: httpx.AsyncClient | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_transport(self.base_url, self.auth, DASHSCOPE.label, http_client,
                             **self._options)

    async def list_deployments(self, *, page_size: int = 100) -> list[DashScopeDeployment]:
        return await self._collect(self._list(page_size))

    async def get_deployment(self, deployed_model: str) -> DashScopeDeployment:
        return await self._one(self._get(deployed_model))

    async def create_deployment(self, model_name: str, *, capacity: int | None = None,
                                plan: str | None = None,
                                ptu_capacity: dict[str, int] | None = None,
                                name: str | None = None, suffix: str | None = None,
                                model_version: str | None = None) -> DashScopeDeployment:
        extra = {"name": name, "suffix": suffix, "model_version": model_version}
        return await self._one(self._create(model_name, capacity, plan, ptu_capacity, extra))

    async def scale_deployment(self, deployed_model: str, *, capacity: int | None = None,
                               ptu_capacity: dict[str, int] | None = None
                               ) -> DashScopeDeployment:
        return await self._one(self._scale(deployed_model, capacity, ptu_capacity))

    async def update_deployment(self, deployed_model: str, *, rpm_limit: int | None = None,
                                tpm_limit: int | None = None) -> DashScopeDeployment:
        return await self._one(self._update(deployed_model, rpm_limit, tpm_limit))

    async def delete_deployment(self, deployed_model: str) -> DashScopeDeployment:
        return await self._one(self._delete(deployed_model))

    async def wait_until_running(self, deployed_model: str, *, timeout: float = 900.0,
                                 interval: float = 10.0,
                                 on_status: StatusCallback | None = None
                                 ) -> DashScopeDeployment:
        poll = self._poll(deployed_model, timeout, interval, on_status)
        return await wait_async(poll, lambda: self.get_deployment(deployed_model))
