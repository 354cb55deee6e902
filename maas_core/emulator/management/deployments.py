"""DashScope deployment routes (PROTOCOLS.md C, G.6, seed 004) on ``/api/v1/deployments``.

List (``page_no`` / ``page_size`` 1-200), get, create (``NotFound`` for an unknown model,
``Conflict`` for a duplicate), scale, update throttling, delete (answers ``DELETING``). New
deployments go PENDING -> RUNNING (see ``store.Rollout``). Every answer is
``{"request_id", "output"}``; errors are ``{"request_id", "code", "message"}``.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from maas_core.emulator import models
from maas_core.emulator.management.guard import ManagementError, check_bearer
from maas_core.emulator.management.store import Management, deployment, local_time

BASE = "/api/v1/deployments"
Handler = Callable[[Management, Request, Any], Awaitable[Response]]


def routes(mgmt: Management, api_key: Callable[[], str]) -> list[Route]:
    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            try:
                check_bearer(api_key(), request)
                return await handler(mgmt, request, await _json(request))
            except ManagementError as err:
                return err.response("dashscope")

        return run

    return [
        Route(BASE, wrap(_list), methods=["GET"]),
        Route(BASE, wrap(_create), methods=["POST"]),
        Route(BASE + "/{deployed_model}", wrap(_get), methods=["GET"]),
        Route(BASE + "/{deployed_model}", wrap(_delete), methods=["DELETE"]),
        Route(BASE + "/{deployed_model}/scale", wrap(_scale), methods=["PUT"]),
        Route(BASE + "/{deployed_model}/update", wrap(_update), methods=["PUT"]),
    ]


async def _json(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise _invalid("Required body invalid, please check the request body format.") from None


def _invalid(message: str) -> ManagementError:
    return ManagementError(400, "InvalidParameter", message)


def _ok(output: dict[str, Any]) -> Response:
    return JSONResponse({"request_id": str(uuid.uuid4()), "output": output})


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise _invalid(f"{name} must be an integer") from None
    if not low <= value <= high:
        raise _invalid(f"{name} ({value}) must be between {low} and {high}")
    return value


async def _list(mgmt: Management, request: Request, body: Any) -> Response:
    page_no = _int(request, "page_no", 1, 1, 1_000_000)
    page_size = _int(request, "page_size", 50, 1, 200)  # C: default 50, range 1-200
    items = list(mgmt.deployments.values())
    chunk = items[(page_no - 1) * page_size:page_no * page_size]
    return _ok({"page_no": page_no, "page_size": page_size, "total": len(items),
                "deployments": chunk})


def _find(mgmt: Management, request: Request) -> dict[str, Any]:
    name = request.path_params["deployed_model"]
    found = mgmt.deployments.get(name)
    if found is None:  # seed 004 error example
        raise ManagementError(404, "NotFound", f"Model: {name} not found!")
    return found


async def _get(mgmt: Management, request: Request, body: Any) -> Response:
    found = _find(mgmt, request)
    mgmt.advance(found["deployed_model"], found)
    if found["status"] == "RUNNING":
        found["ready_capacity"] = found["capacity"]
    return _ok(found)


def _check_capacity(value: Any) -> int:
    if not isinstance(value, int) or not 0 <= value < 1000:  # seed 004 InvalidParameter text
        raise _invalid(f"Invalid capacity ({value}), capacity must be larger than or equal to 0 "
                       "and multiples of 1 and less than 1000!")
    return value


async def _create(mgmt: Management, request: Request, body: Any) -> Response:
    if not isinstance(body, dict) or not body.get("model_name"):
        raise _invalid("model_name is required")
    model = str(body["model_name"])
    if model != "emulator-stuck" and models.lookup(models.DASHSCOPE, model) is None:
        raise ManagementError(404, "NotFound", f"Model: {model} not found!")
    capacity = _check_capacity(body.get("capacity", 1)) if "ptu_capacity" not in body else 0
    suffix = body.get("suffix") or body.get("name") or hashlib.sha1(
        f"{model}{time.time_ns()}".encode()).hexdigest()[:8]
    deployed = f"{model}-{suffix}"
    if deployed in mgmt.deployments:
        raise ManagementError(409, "Conflict",
                              f"Deployed model {deployed} already exists, please specify a suffix.")
    record = deployment(model, deployed, "PENDING", capacity, mgmt.config.dashscope_workspace,
                        time.time())
    if "ptu_capacity" in body:
        record.update(plan="ptu", ptu_capacity=body["ptu_capacity"])
    mgmt.deployments[deployed] = record
    mgmt.start_rollout(deployed, str(suffix), model)
    return _ok(record)


async def _scale(mgmt: Management, request: Request, body: Any) -> Response:
    found = _find(mgmt, request)
    if not isinstance(body, dict) or ("capacity" not in body and "ptu_capacity" not in body):
        raise _invalid("capacity or ptu_capacity is required")
    if "capacity" in body:
        found["capacity"] = _check_capacity(body["capacity"])
    else:
        found["ptu_capacity"] = body["ptu_capacity"]
    found["gmt_modified"] = local_time(time.time())
    return _ok(found)


async def _update(mgmt: Management, request: Request, body: Any) -> Response:
    found = _find(mgmt, request)
    body = body if isinstance(body, dict) else {}
    limits = {k: body[k] for k in ("rpm_limit", "tpm_limit") if k in body}
    if not limits:
        raise _invalid("at least one of rpm_limit / tpm_limit is required")
    found.update(limits, gmt_modified=local_time(time.time()))
    return _ok(found)


async def _delete(mgmt: Management, request: Request, body: Any) -> Response:
    found = _find(mgmt, request)
    del mgmt.deployments[found["deployed_model"]]
    mgmt.publish()
    return _ok({**found, "status": "DELETING", "gmt_modified": local_time(time.time())})
