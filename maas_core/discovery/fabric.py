"""DataArts Fabric: model list (seed 002), service instances and deploy (seed 003), PROTOCOLS D.8.

Two hosts: ``fabric`` (models) and ``fabric-ep`` (service instances, invocation). Auth is an IAM
token or AK/SK signing (``maas_core.auth.huawei_auth``). Every filter and body is checked against
the seeds' ranges before sending (``records.FabricModelQuery``, ``records.DeployRequest``).

Environment: ``HUAWEICLOUD_FABRIC_ENDPOINT`` / ``HUAWEICLOUD_FABRIC_EP_ENDPOINT`` (hosts, else
``https://fabric[-ep].{region}.myhuaweicloud.com``), ``HUAWEICLOUD_FABRIC_WORKSPACE_ID``,
``HUAWEICLOUD_REGION``.

Lists page with ``offset`` (records) / ``limit`` and stop at ``total``. ``wait_until_running``
polls ``GET …/instances/{id}`` until ``RUNNING``, reports each status to ``on_status`` and raises
``DeploymentError`` (``FAILED``, ``STOPPED``, ``DELETED``...) or ``DeploymentTimeoutError`` with
the last status.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

import httpx

from ..auth import huawei_auth
from ..client import MissingCredentialsError
from ..errors import MaaSError
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
from .records import (
    DeployRequest,
    FabricInstance,
    FabricInstanceQuery,
    FabricModel,
    FabricModelQuery,
    validated,
)

__all__ = ["PROVIDER", "AsyncFabricClient", "FabricClient"]

PROVIDER = "huawei-fabric"
DEFAULT_REGION = "cn-southwest-2"
_WORKSPACE = re.compile(r"^[A-Za-z0-9-]{1,36}$")  # seed 002 Table 1
_FAILED = frozenset({"FAILED", "STOPPED", "STOPPING", "DELETING", "DELETED"})

StatusCallback = Callable[[FabricInstance], object]


def _offset_pager(key: str, record: type[Any], what: str) -> Callable[[Any, Call], Page[Any]]:
    """Parser of an ``offset``/``limit`` list whose items are under ``key`` next to ``total``."""

    def parse(payload: Any, call: Call) -> Page[Any]:
        body = json_object(payload, what)
        items = [record.model_validate(item) for item in body.get(key) or []]
        params = dict(call.params or {})
        offset = int(params.get("offset", 0)) + len(items)
        total = body.get("total")
        if isinstance(total, int) and offset < total:
            return Page(items, Call(call.method, call.path, {**params, "offset": offset}))
        return Page(items)

    return parse


_parse_models = _offset_pager("models", FabricModel, "Fabric models")  # seed 002 Table 4
_parse_instances = _offset_pager("service_instances", FabricInstance, "Fabric instances")


def _instance_id(payload: Any) -> str:
    """Seed 003 Table 8: ``{"id": "<instance id>"}``."""
    body = json_object(payload, "Fabric deploy")
    value = body.get("id")
    if isinstance(value, dict):  # the SDK models ``id`` as an InstanceId object
        value = value.get("id")
    if not isinstance(value, str):
        raise MaaSError(f"Fabric deploy answered without an id: {body}")
    return value


class _FabricBase:
    def __init__(
        self,
        workspace_id: str | None = None,
        *,
        region: str | None = None,
        base_url: str | None = None,
        ep_url: str | None = None,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 2,
    ) -> None:
        region = region or os.environ.get("HUAWEICLOUD_REGION") or DEFAULT_REGION
        workspace = workspace_id or os.environ.get("HUAWEICLOUD_FABRIC_WORKSPACE_ID")
        if not workspace:
            raise MissingCredentialsError(
                "no Fabric workspace: pass workspace_id=... or set HUAWEICLOUD_FABRIC_WORKSPACE_ID")
        if not _WORKSPACE.match(workspace):
            raise ValueError(f"workspace_id={workspace!r}: 1-36 letters, digits or hyphens")
        self.workspace_id = workspace
        self.base_url = (base_url or os.environ.get("HUAWEICLOUD_FABRIC_ENDPOINT")
                         or f"https://fabric.{region}.myhuaweicloud.com").rstrip("/")
        self.ep_url = (ep_url or os.environ.get("HUAWEICLOUD_FABRIC_EP_ENDPOINT")
                       or f"https://fabric-ep.{region}.myhuaweicloud.com").rstrip("/")
        self.auth = auth or huawei_auth(region=region)
        self._options: dict[str, Any] = {"timeout": timeout, "max_retries": max_retries}

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(workspace_id={self.workspace_id!r}, "
                f"base_url={self.base_url!r}, ep_url={self.ep_url!r})")

    # ---- URLs ----------------------------------------------------------------------------------
    @property
    def _instances_url(self) -> str:
        return f"{self.ep_url}/v1/workspaces/{self.workspace_id}/services/instances"

    def invocation_url(self, instance_id: str) -> str:
        """Where an instance answers chat completions (PROTOCOLS.md D.8 ``InvokeModelService``)."""
        return f"{self._instances_url}/{instance_id}/invocations"

    # ---- operations (no I/O) -------------------------------------------------------------------
    def _models(self, page_size: int, filters: dict[str, Any]) -> Paged[FabricModel]:
        query = validated(FabricModelQuery, "Fabric list models", limit=page_size, **filters)
        path = f"/v1/workspaces/{self.workspace_id}/models"
        return Paged(Call("GET", path, query.params()), _parse_models)

    def _instances(self, page_size: int, filters: dict[str, Any]) -> Paged[FabricInstance]:
        query = validated(FabricInstanceQuery, "Fabric list instances", limit=page_size,
                          **filters)
        return Paged(Call("GET", self._instances_url, query.params()), _parse_instances)

    def _instance(self, instance_id: str) -> Single[FabricInstance]:
        call = Call("GET", f"{self._instances_url}/{instance_id}")
        return Single(call, FabricInstance.model_validate)

    def _delete(self, instance_id: str) -> Single[None]:
        return Single(Call("DELETE", f"{self._instances_url}/{instance_id}"), lambda _: None)

    def _deploy(self, **fields: Any) -> Single[str]:
        request = validated(DeployRequest, "Fabric deploy", **_deploy_fields(**fields))
        return Single(Call("POST", self._instances_url, json=request.body()), _instance_id)

    def _poll(self, instance_id: str, timeout: float, interval: float,
              on_status: StatusCallback | None) -> Poll[FabricInstance]:
        return Poll(f"Fabric instance {instance_id}", lambda i: i.status_text, timeout,
                    interval, failed=_FAILED, on_status=on_status)


def _deploy_fields(
    *,
    model_id: str,
    name: str,
    endpoint_id: str,
    spec_code: str,
    min: int = 1,
    max: int = 1,
    version_id: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """Seed 003 Table 3-7: the nested body from flat arguments."""
    source = {"id": model_id, **({"version_id": version_id} if version_id else {})}
    resource = {"min": min, "max": max, "spec_code": spec_code}
    fields: dict[str, Any] = {
        "source": source, "name": name, "endpoint_id": endpoint_id,
        "config": {"model_instance_config": {"resource": resource}},
    }
    if description is not None:
        fields["description"] = description
    return fields


class FabricClient(_FabricBase, SyncDriver):
    """DataArts Fabric models and service instances.

    Example::

        with FabricClient("my-workspace-id") as fabric:     # IAM token or AK/SK from the env
            models = fabric.list_models(name="qwen", sort_by="NAME", order_by="ASC")
            instance_id = fabric.deploy(model_id=models[0].id, name="qwen-svc",
                                        endpoint_id="b935d0ef-...", spec_code="mu.llama3.8b")
            fabric.wait_until_running(instance_id, timeout=900, on_status=print)
    """

    def __init__(self, workspace_id: str | None = None, *,
                 http_client: httpx.Client | None = None, **kwargs: Any) -> None:
        super().__init__(workspace_id, **kwargs)
        self._init_transport(self.base_url, self.auth, PROVIDER, http_client, **self._options)

    def list_models(self, *, page_size: int = 100, **filters: Any) -> list[FabricModel]:
        """All models matching ``name`` (fuzzy), ``id``, ``type``, ``visibility``, sorted by
        ``sort_by`` / ``order_by`` (seed 002); ``page_size`` is ``limit`` (1-100)."""
        return self._collect(self._models(page_size, filters))

    def list_instances(self, *, page_size: int = 100, **filters: Any) -> list[FabricInstance]:
        """All service instances (filters: ``name``, ``endpoint_id``, ``source_id``, ...)."""
        return self._collect(self._instances(page_size, filters))

    def get_instance(self, instance_id: str) -> FabricInstance:
        return self._one(self._instance(instance_id))

    def delete_instance(self, instance_id: str) -> None:
        self._one(self._delete(instance_id))

    def deploy(self, *, model_id: str, name: str, endpoint_id: str, spec_code: str,
               min: int = 1, max: int = 1, version_id: str | None = None,
               description: str | None = None) -> str:
        """Deploy a model version as a service instance (seed 003); returns the instance id.

        ``min`` <= ``max``, both in [1, 1000]; names and ids are checked before sending."""
        return self._one(self._deploy(
            model_id=model_id, name=name, endpoint_id=endpoint_id, spec_code=spec_code,
            min=min, max=max, version_id=version_id, description=description))

    def wait_until_running(self, instance_id: str, *, timeout: float = 900.0,
                           interval: float = 5.0,
                           on_status: StatusCallback | None = None) -> FabricInstance:
        poll = self._poll(instance_id, timeout, interval, on_status)
        return wait_sync(poll, lambda: self.get_instance(instance_id))


class AsyncFabricClient(_FabricBase, AsyncDriver):
    """The async twin of ``FabricClient``."""

    def __init__(self, workspace_id: str | None = None, *,
                 http_client: httpx.AsyncClient | None = None, **kwargs: Any) -> None:
        super().__init__(workspace_id, **kwargs)
        self._init_transport(self.base_url, self.auth, PROVIDER, http_client, **self._options)

    async def list_models(self, *, page_size: int = 100, **filters: Any) -> list[FabricModel]:
        return await self._collect(self._models(page_size, filters))

    async def list_instances(self, *, page_size: int = 100,
                             **filters: Any) -> list[FabricInstance]:
        return await self._collect(self._instances(page_size, filters))

    async def get_instance(self, instance_id: str) -> FabricInstance:
        return await self._one(self._instance(instance_id))

    async def delete_instance(self, instance_id: str) -> None:
        await self._one(self._delete(instance_id))

    async def deploy(self, *, model_id: str, name: str, endpoint_id: str, spec_code: str,
                     min: int = 1, max: int = 1, version_id: str | None = None,
                     description: str | None = None) -> str:
        return await self._one(self._deploy(
            model_id=model_id, name=name, endpoint_id=endpoint_id, spec_code=spec_code,
            min=min, max=max, version_id=version_id, description=description))

    async def wait_until_running(self, instance_id: str, *, timeout: float = 900.0,
                                 interval: float = 5.0,
                                 on_status: StatusCallback | None = None) -> FabricInstance:
        poll = self._poll(instance_id, timeout, interval, on_status)
        return await wait_async(poll, lambda: self.get_instance(instance_id))
