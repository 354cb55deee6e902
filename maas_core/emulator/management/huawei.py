"""Huawei management routes: IAM tokens, ModelArts services, DataArts Fabric models / instances.

* ``POST /v3/auth/tokens`` (D.5): password auth -> 201, ``X-Subject-Token``, ``token.expires_at``.
* ``POST /v3/auth/tokens`` scope checked: an unknown project (id or name) or domain is refused.
* ``GET /v1/{project_id}/maas/services/custom-endpoint/services/{region_id}`` (seed 000):
  ``{data, pages, total}``, paged as ModelArts ``ListInferServices``: ``offset`` an item offset,
  a multiple of ``limit`` (1-500) [INFER: the seed documents no paging parameters].
* AK/SK signatures are verified as APIG does (``apig``); failures answer APIG's 401 body.
* ``GET /v1/workspaces/{ws}/models`` (seed 002): every filter, ranges checked, ``{total, models}``.
* ``GET|POST /v1/workspaces/{ws}/services/instances``, ``GET|DELETE …/{id}`` (D.8, seed 003),
  ``POST …/{id}/invocations`` answering an OpenAI ``chat.completion`` (or SSE when ``stream``).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from maas_core.emulator.management.apig import SignatureRejected
from maas_core.emulator.management.guard import (
    FABRIC,
    MODELARTS,
    ManagementError,
    bad_request,
    check_huawei_auth,
    not_found,
)
from maas_core.emulator.management.store import (
    Management,
    ManagementConfig,
    fabric_instance,
    iso,
    stable_id,
)

Handler = Callable[[Management, Request, bytes], Awaitable[Response]]
_WS = "/v1/workspaces/{workspace_id}"


def guarded(mgmt: Management, platform: str, handler: Handler, *, auth: bool = True
            ) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        body = await request.body()
        try:
            if auth:
                check_huawei_auth(mgmt, request, body, platform)
            return await handler(mgmt, request, body)
        except ManagementError as err:
            return err.response(platform)
        except SignatureRejected as err:  # the gateway answers before the service sees it
            return err.response()

    return run


def routes(mgmt: Management) -> list[Route]:
    def fabric(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        return guarded(mgmt, FABRIC, handler)

    return [
        Route("/v3/auth/tokens", guarded(mgmt, "iam", _tokens, auth=False), methods=["POST"]),
        Route("/v1/{project_id}/maas/services/custom-endpoint/services/{region_id}",
              guarded(mgmt, MODELARTS, _services), methods=["GET"]),
        Route(f"{_WS}/models", fabric(_models), methods=["GET"]),
        Route(f"{_WS}/services/instances", fabric(_list_instances), methods=["GET"]),
        Route(f"{_WS}/services/instances", fabric(_deploy), methods=["POST"]),
        Route(f"{_WS}/services/instances/{{instance_id}}", fabric(_get_instance),
              methods=["GET"]),
        Route(f"{_WS}/services/instances/{{instance_id}}", fabric(_delete_instance),
              methods=["DELETE"]),
        Route(f"{_WS}/services/instances/{{instance_id}}/invocations", fabric(_invoke),
              methods=["POST"]),
    ]


# ---- IAM ----------------------------------------------------------------------------------------
def _iam_error(status: int, message: str) -> Response:
    title = "Unauthorized" if status == 401 else "Bad Request"
    return JSONResponse({"error": {"code": status, "message": message, "title": title}}, status)


def _scope_error(scope: Any, config: ManagementConfig) -> Response | None:
    """IAM's refusal of ``scope`` (D.5: a project by id or name, or a domain by name or id)."""
    if not isinstance(scope, dict) or len(scope) != 1:
        return _iam_error(400, "The request body is invalid: scope needs one project or domain.")
    kind, target = next(iter(scope.items()))
    if kind not in ("project", "domain") or not isinstance(target, dict):
        return _iam_error(400, "The request body is invalid: scope needs one project or domain.")
    known = ({"id": config.project_id, "name": config.region_id} if kind == "project"
             else {"id": stable_id("domain", hex32=True), "name": config.domain})
    if not any(key in target and target[key] == known[key] for key in ("id", "name")):
        return _iam_error(401, f"The {kind} in the scope does not exist or the user has no "
                               "access to it.")
    return None


def _token_body(config: ManagementConfig, name: str, domain: str, scope: dict[str, Any],
                issued: float, expires: float) -> dict[str, Any]:
    domain_ref = {"id": stable_id("domain", hex32=True), "name": domain}
    token: dict[str, Any] = {
        "catalog": [], "expires_at": iso(expires), "issued_at": iso(issued),
        "methods": ["password"], "roles": [],
        "user": {"domain": {"name": domain}, "name": name, "id": stable_id("user", hex32=True)},
    }
    if "project" in scope:
        token["project"] = {"domain": domain_ref, "id": config.project_id,
                            "name": config.region_id}
    else:
        token["domain"] = domain_ref
    return {"token": token}


async def _tokens(mgmt: Management, request: Request, body: bytes) -> Response:
    if not request.headers.get("content-type", "").startswith("application/json"):
        return _iam_error(400, "The request body is invalid: Content-Type must be "
                               "application/json;charset=utf8.")
    try:
        auth = json.loads(body)["auth"]
        user = auth["identity"]["password"]["user"]
        name, password, domain = user["name"], user["password"], user["domain"]["name"]
    except (ValueError, KeyError, TypeError):
        return _iam_error(400, "The request body is invalid.")
    config = mgmt.config
    if (name, password, domain) != (config.username, config.password, config.domain):
        return _iam_error(401, "The username or password is wrong.")
    scope = auth.get("scope") or {"domain": {"name": domain}}
    refused = _scope_error(scope, config)
    if refused is not None:
        return refused
    token, issued, expires = mgmt.issue_token()
    payload = _token_body(config, name, domain, scope, issued, expires)
    return JSONResponse(payload, 201, headers={"X-Subject-Token": token})


# ---- ModelArts services (seed 000) --------------------------------------------------------------
def _int_param(request: Request, name: str, default: int, low: int, high: int,
               platform: str) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(platform, f"{name}={raw!r} is not an integer") from None
    if not low <= value <= high:
        raise bad_request(platform, f"{name}={value} is out of range [{low}, {high}]")
    return value


MAX_SERVICES_LIMIT = 500  # ListInferServices: limit <= 500


async def _services(mgmt: Management, request: Request, body: bytes) -> Response:
    if request.path_params["project_id"] != mgmt.config.project_id:
        raise ManagementError(403, "ModelArts.0103", "The project does not match the token.")
    limit = _int_param(request, "limit", mgmt.config.services_page_size, 1, MAX_SERVICES_LIMIT,
                       MODELARTS)
    offset = _int_param(request, "offset", 0, 0, 1_000_000_000, MODELARTS)
    if offset % limit:  # an item offset on page boundaries (ListInferServices)
        raise bad_request(MODELARTS, f"offset={offset} must be a multiple of limit={limit}")
    items = mgmt.services
    workspace = request.query_params.get("workspace_id")
    if workspace:
        items = [s for s in items if s["workspace_id"] == workspace]
    pages = (len(items) + limit - 1) // limit
    return JSONResponse({"data": items[offset:offset + limit], "pages": pages,
                         "total": len(items)})


# ---- Fabric models (seed 002) -------------------------------------------------------------------
_CHOICES = {
    "visibility": ("PRIVATE", "PUBLIC", "ALL"),
    "sort_by": ("CREATE_TIME", "UPDATE_TIME", "NAME"),
    "order_by": ("ASC", "DESC"),
}
_PATTERNS = {
    "name": (re.compile(r"^[A-Za-z0-9_-]{1,128}$"), "1-128 letters, digits, - or _"),
    "id": (re.compile(r"^[A-Za-z0-9-]{32,36}$"), "32-36 letters, digits or -"),
    "type": (re.compile(r"^.{1,128}$"), "1-128 characters"),
}
_SORT_KEYS = {"CREATE_TIME": "create_time", "UPDATE_TIME": "update_time", "NAME": "name"}


def _check_filters(request: Request) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, options in _CHOICES.items():
        value = request.query_params.get(key)
        if value is not None and value not in options:
            raise bad_request(FABRIC, f"{key}={value!r} must be one of {', '.join(options)}")
        if value is not None:
            found[key] = value
    for key, (pattern, rule) in _PATTERNS.items():
        value = request.query_params.get(key)
        if value is not None and not pattern.match(value):
            raise bad_request(FABRIC, f"{key}={value!r}: {rule}")
        if value is not None:
            found[key] = value
    return found


def filter_models(models: list[dict[str, Any]], filters: dict[str, str]) -> list[dict[str, Any]]:
    """Seed 002 semantics: fuzzy ``name``, exact ``id`` / ``type``, ``visibility``, sorting."""
    items = list(models)
    if "name" in filters:
        items = [m for m in items if filters["name"].lower() in m["name"].lower()]
    for key in ("id", "type"):
        if key in filters:
            items = [m for m in items if m[key] == filters[key]]
    if filters.get("visibility") in ("PRIVATE", "PUBLIC"):
        items = [m for m in items if m["visibility"] == filters["visibility"]]
    key = _SORT_KEYS[filters.get("sort_by", "CREATE_TIME")]
    items.sort(key=lambda m: str(m[key]).lower(), reverse=filters.get("order_by", "DESC") == "DESC")
    return items


def _page(request: Request, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    offset = _int_param(request, "offset", 0, 0, 1_000_000_000, FABRIC)
    limit = _int_param(request, "limit", 10, 1, 100, FABRIC)
    return items[offset:offset + limit]


def _check_workspace(mgmt: Management, request: Request) -> None:
    if request.path_params["workspace_id"] != mgmt.config.fabric_workspace:
        raise not_found(FABRIC, "response status exception, code: 404")


async def _models(mgmt: Management, request: Request, body: bytes) -> Response:
    _check_workspace(mgmt, request)
    items = filter_models(mgmt.fabric_models, _check_filters(request))
    return JSONResponse({"total": len(items), "models": _page(request, items)})


# ---- Fabric instances (D.8, seed 003) -----------------------------------------------------------
async def _list_instances(mgmt: Management, request: Request, body: bytes) -> Response:
    _check_workspace(mgmt, request)
    items = list(mgmt.instances.values())
    params = request.query_params
    for key in ("id", "endpoint_id", "type", "status"):
        if params.get(key):
            items = [i for i in items if i.get(key) == params[key]]
    if params.get("name"):
        items = [i for i in items if params["name"].lower() in i["name"].lower()]
    if params.get("source_id"):
        items = [i for i in items if i["source"]["id"] == params["source_id"]]
    return JSONResponse({"total": len(items), "service_instances": _page(request, items)})


def _instance(mgmt: Management, request: Request) -> dict[str, Any]:
    _check_workspace(mgmt, request)
    instance = mgmt.instances.get(request.path_params["instance_id"])
    if instance is None:
        raise not_found(FABRIC, "response status exception, code: 404")
    return instance


async def _get_instance(mgmt: Management, request: Request, body: bytes) -> Response:
    instance = _instance(mgmt, request)
    mgmt.advance(instance["id"], instance)
    return JSONResponse(instance)


async def _delete_instance(mgmt: Management, request: Request, body: bytes) -> Response:
    instance = _instance(mgmt, request)
    del mgmt.instances[instance["id"]]
    return Response(status_code=204)


_NAME = re.compile(r"^[\w\-. ]{1,64}$")
_ID = re.compile(r"^[A-Za-z0-9-]{1,36}$")


def _deploy_error(message: str) -> ManagementError:
    return bad_request(FABRIC, f"failed to read http request, please check your input, "
                               f"code: 400, reason: {message}")


def _check_deploy(body: Any) -> tuple[str, str, str, dict[str, Any]]:
    """Seed 003 Tables 3-7: (name, endpoint_id, spec_code, source) or a 400."""
    if not isinstance(body, dict):
        raise _deploy_error("Type mismatch.")
    source, name, endpoint_id = body.get("source"), body.get("name"), body.get("endpoint_id")
    if not isinstance(source, dict) or not _ID.match(str(source.get("id", ""))):
        raise _deploy_error("source.id is required (1-36 letters, digits or -)")
    if not isinstance(name, str) or not _NAME.match(name):
        raise _deploy_error("name is required (1-64 letters, digits, - _ . or spaces)")
    if not isinstance(endpoint_id, str) or not _ID.match(endpoint_id):
        raise _deploy_error("endpoint_id is required (1-36 letters, digits or -)")
    resource = ((body.get("config") or {}).get("model_instance_config") or {}).get("resource")
    resource = resource or {"min": 1, "max": 1, "spec_code": "default"}
    low, high = resource.get("min"), resource.get("max")
    if not (isinstance(low, int) and isinstance(high, int) and 1 <= low <= high <= 1000):
        raise _deploy_error(f"resource min={low} max={high}: need 1 <= min <= max <= 1000")
    return name, endpoint_id, str(resource.get("spec_code", "")), source


async def _deploy(mgmt: Management, request: Request, body: bytes) -> Response:
    _check_workspace(mgmt, request)
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        raise _deploy_error("Type mismatch.") from None
    name, endpoint_id, spec, source = _check_deploy(payload)
    model = next((m for m in mgmt.fabric_models if m["id"] == source["id"]), None)
    if model is None:
        raise not_found(FABRIC, f"model {source['id']} does not exist")
    if any(i["name"] == name for i in mgmt.instances.values()):
        raise ManagementError(409, "common.01000409", f"instance {name} already exists",
                              solution="choose another name")
    instance = fabric_instance(name, model, "PENDING", len(mgmt.instances), endpoint_id,
                               payload.get("description") or "")
    instance["id"] = stable_id("instance", name, str(uuid.uuid4()))
    mgmt.instances[instance["id"]] = instance
    mgmt.start_rollout(instance["id"], name, spec)
    return JSONResponse({"id": instance["id"]})


# ---- invocation ---------------------------------------------------------------------------------
def _answer(instance: dict[str, Any], payload: dict[str, Any]) -> tuple[str, str]:
    messages = payload.get("messages") or []
    last = next((m.get("content") for m in reversed(messages)
                 if isinstance(m, dict) and m.get("role") == "user"), "")
    text = last if isinstance(last, str) else json.dumps(last)
    return str(payload.get("model") or instance["name"]), f"[{instance['name']}] {text}"


def _completion(model: str, text: str, prompt_tokens: int) -> dict[str, Any]:
    completion = len(text.split())
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion",
        "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion,
                  "total_tokens": prompt_tokens + completion},
    }


def _chunks(model: str, text: str) -> list[bytes]:
    base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model}
    deltas = [{"role": "assistant", "content": ""}] + [{"content": w + " "} for w in text.split()]
    events = [{**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]}
              for d in deltas]
    events.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    return [f"data: {json.dumps(e)}\n\n".encode() for e in events] + [b"data: [DONE]\n\n"]


async def _invoke(mgmt: Management, request: Request, body: bytes) -> Response:
    instance = _instance(mgmt, request)
    if instance["status"] != "RUNNING":
        raise ManagementError(400, "common.01000001",
                              f"service instance {instance['name']} is {instance['status']}",
                              solution="wait until the instance is RUNNING")
    try:
        payload = json.loads(body)
    except ValueError:
        raise _deploy_error("Type mismatch.") from None
    if not isinstance(payload, dict) or not payload.get("messages"):
        raise bad_request(FABRIC, "messages is required")
    model, text = _answer(instance, payload)
    if payload.get("stream") is True:
        chunks = _chunks(model, text)

        async def stream() -> Any:
            for chunk in chunks:
                yield chunk

        return StreamingResponse(stream(), media_type="text/event-stream")
    prompt = sum(len(str(m.get("content", "")).split()) for m in payload["messages"])
    return JSONResponse(_completion(model, text, prompt))
