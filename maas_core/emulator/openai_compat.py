"""OpenAI-framed chat APIs: Huawei MaaS (V1, V2, /openai/v1, "My Services") and DashScope compat.

MaaS is vLLM behind a gateway (PROTOCOLS D.1-D.4): unknown body fields are rejected with the vLLM
``extra_forbidden`` 400, auth failures are ModelArts errors, unknown models the vLLM 404; usage is
cumulative on every chunk unless ``stream_options.include_usage`` is false (D.2). DashScope compat
mode (B) accepts its own top-level extras and validates like the native API.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from maas_core.emulator import errors, models, validation, wire
from maas_core.emulator.answer import ChatInput, make_plan, requested_logprobs, requested_n
from maas_core.emulator.context import Context, endpoint, json_response, read_json, stream_interrupt
from maas_core.emulator.errors import PlatformError
from maas_core.emulator.openai_frames import DONE, OpenAIFramer
from maas_core.emulator.state import EmulatorState
from maas_core.emulator.streaming import StreamResponse, build_steps, dumps

# D.2 Table 2 (V1 request fields); V2 adds "thinking" (D.2 V2 switch).
_V1_FIELDS = (
    "model messages stream stream_options max_tokens top_k top_p temperature stop n seed "
    "presence_penalty frequency_penalty length_penalty use_beam_search repetition_penalty "
    "tools tool_choice parallel_tool_calls response_format chat_template_kwargs logprobs "
    "top_logprobs user"
)
MAAS_FIELDS = frozenset(_V1_FIELDS.split(" "))
SSE = "text/event-stream; charset=utf-8"


def routes(state: EmulatorState) -> list[Route]:
    maas = partial(endpoint, state, errors.MAAS)
    compat = partial(endpoint, state, errors.COMPAT)
    found: list[Route] = []
    for prefix, version in (("/v1", "v1"), ("/v2", "v2"), ("/openai/v1", "v1")):
        chat = partial(_maas_chat, version=version)
        found.append(Route(f"{prefix}/chat/completions", maas(chat), methods=["POST"]))
        found.append(Route(f"{prefix}/models", maas(_maas_models), methods=["GET"]))
    found += [
        Route(
            "/v1/infers/{service_id}/v1/chat/completions",
            maas(partial(_maas_chat, version="v1")),
            methods=["POST"],
        ),
        Route("/v1/infers/{service_id}/v1/models", maas(_service_models), methods=["GET"]),
        Route("/compatible-mode/v1/chat/completions", compat(_compat_chat), methods=["POST"]),
        Route("/compatible-mode/v1/models", compat(_compat_models), methods=["GET"]),
    ]
    return found


# ---- MaaS -------------------------------------------------------------------------------------
def _vllm_400(message: str) -> PlatformError:
    return PlatformError(400, "BadRequestError", message)


async def _maas_chat(ctx: Context, request: Request, *, version: str) -> Response:
    ctx.check_bearer(request)
    body = await _maas_body(request, version)
    service_id = request.path_params.get("service_id")
    spec = _maas_model(ctx, str(body["model"]), service_id)
    messages = wire.normalise_all(body["messages"])
    _check_maas_request(body, messages)
    if any(m["has_image"] for m in messages) and not spec.vision:
        raise _vllm_400(f"Model `{spec.name}` does not support image inputs.")
    requested = _maas_thinking(body, spec, version)
    if requested is False and spec.thinking_only:
        # PROTOCOLS-2026 D.7.2: glm-5.3 "deep thinking cannot be disabled" [INFER: text].
        raise _vllm_400(f"Deep thinking cannot be disabled for model `{spec.name}`.")
    thinking = spec.thinking(requested)
    if spec.reasoning_passback and thinking:
        index = wire.missing_passback(messages)
        if index is not None:
            raise _vllm_400(wire.passback_message(index))
    req = _chat_input(ctx, body, spec, messages, thinking, parallel_default=True)
    req.max_tokens_counts_reasoning, req.tool_id_prefix = True, "chatcmpl-tool-"
    options = body.get("stream_options") or {}
    usage = ctx.quirks.usage or ("none" if options.get("include_usage") is False else "every")
    return _respond(ctx, "maas", req, body, usage, ctx.quirks.usage_details)


def _check_maas_request(body: dict[str, Any], messages: list[dict[str, Any]]) -> None:
    if not messages:  # D.4 ModelArts.81001 "Failed to format request body, %s is empty."
        message = "Failed to format request body, messages is empty."
        raise PlatformError(400, "ModelArts.81001", message)
    max_tokens = body.get("max_tokens")
    if isinstance(max_tokens, int) and max_tokens < 1:  # vLLM SamplingParams check (E)
        raise _vllm_400(f"max_tokens must be at least 1, got {max_tokens}.")
    temperature = body.get("temperature")
    if isinstance(temperature, (int, float)) and temperature < 0:
        raise _vllm_400(f"temperature must be non-negative, got {temperature}.")


async def _maas_body(request: Request, version: str) -> dict[str, Any]:
    try:
        body = await read_json(request)
    except ValueError as exc:
        raise _vllm_400(_pydantic("json_invalid", "0", "JSON decode error", {})) from exc
    if not isinstance(body, dict):
        raise _vllm_400(_pydantic("model_attributes_type", "", "Input should be an object", body))
    allowed = MAAS_FIELDS | ({"thinking"} if version == "v2" else set())
    extra = [k for k in body if k not in allowed]
    if extra:  # D.4: MaaS rejects unknown fields (pydantic extra="forbid")
        errs = [
            _pydantic_item("extra_forbidden", k, "Extra inputs are not permitted", body[k])
            for k in extra
        ]
        raise _vllm_400("[" + ", ".join(errs) + "]")
    for name in ("model", "messages"):
        if name not in body:
            raise _vllm_400(_pydantic("missing", name, "Field required", body))
    return body


def _pydantic_item(kind: str, loc: str, msg: str, value: Any) -> str:
    # Python repr, as vLLM formats pydantic's error list (D.4 verbatim example).
    return f"{{'type': '{kind}', 'loc': ('body', {loc!r}), 'msg': '{msg}', 'input': {value!r}}}"


def _pydantic(kind: str, loc: str, msg: str, value: Any) -> str:
    return f"[{_pydantic_item(kind, loc, msg, value)}]"


def _maas_model(ctx: Context, name: str, service_id: str | None) -> models.ModelSpec:
    if service_id is not None:
        served = ctx.state.config.services.get(service_id, ctx.state.config.default_service_model)
        spec = models.service_model(served) if name == served else None
    else:
        spec = models.lookup(models.MAAS, name)
    if spec is None:  # E.5: vLLM 404 for a model it does not serve
        raise PlatformError(404, "NotFoundError", f"The model `{name}` does not exist.")
    return spec


def _maas_thinking(body: dict[str, Any], spec: models.ModelSpec, version: str) -> bool | None:
    thinking = body.get("thinking")
    if version == "v2" and isinstance(thinking, dict) and "type" in thinking:
        return thinking["type"] == "enabled"
    kwargs = body.get("chat_template_kwargs") or {}
    if spec.maas_thinking_key and spec.maas_thinking_key in kwargs:
        return bool(kwargs[spec.maas_thinking_key])
    return None


async def _maas_models(ctx: Context, request: Request) -> Response:
    ctx.check_bearer(request)
    data = [
        {"id": n, "object": "model", "created": 0, "owned_by": ""}
        for n in models.names(models.MAAS)
    ]
    return JSONResponse({"object": "list", "data": data}, headers={"x-request-id": ctx.request_id})


async def _service_models(ctx: Context, request: Request) -> Response:
    ctx.check_bearer(request)
    served = ctx.state.config.services.get(
        request.path_params["service_id"], ctx.state.config.default_service_model
    )
    spec = models.service_model(served)
    entry = {
        "id": served,
        "object": "model",
        "created": 0,
        "owned_by": "vllm",
        "root": f"/data/{served}",
        "parent": None,
        "max_model_len": spec.context_window,
    }
    return JSONResponse({"object": "list", "data": [entry]})


# ---- DashScope compatible mode ----------------------------------------------------------------
async def _compat_chat(ctx: Context, request: Request) -> Response:
    ctx.check_bearer(request)
    try:
        body = await read_json(request)
    except ValueError as exc:
        raise validation.bad(
            "Required body invalid, please check the request body format."
        ) from exc
    if not isinstance(body, dict) or not body.get("model"):
        raise PlatformError(400, "invalid_request_error", "you must provide a model parameter.")
    spec = models.dashscope_model(str(body["model"]), ctx.state.deployed)
    if spec is None:
        message = f"The model `{body['model']}` does not exist or you do not have access to it."
        raise PlatformError(404, "ModelNotFound", message)
    messages = wire.normalise_all(body.get("messages"))
    stream = body.get("stream") is True
    thinking = validation.check_request(body, spec, messages, stream)
    req = _chat_input(ctx, body, spec, messages, thinking, parallel_default=True)
    req.thinking_budget = body.get("thinking_budget")
    include = (body.get("stream_options") or {}).get("include_usage") is True
    usage = ctx.quirks.usage or ("final" if include else "none")
    return _respond(ctx, "compat", req, body, usage, True)


async def _compat_models(ctx: Context, request: Request) -> Response:
    ctx.check_bearer(request)
    data = [
        {"id": n, "object": "model", "created": 0, "owned_by": "system"}
        for n in models.names(models.DASHSCOPE)
    ]
    return JSONResponse({"object": "list", "data": data}, headers={"x-request-id": ctx.request_id})


# ---- shared -----------------------------------------------------------------------------------
def _chat_input(
    ctx: Context,
    body: dict[str, Any],
    spec: models.ModelSpec,
    messages: list,
    thinking: bool,
    *,
    parallel_default: bool,
) -> ChatInput:
    stop = body.get("stop")
    return ChatInput(
        model=spec,
        messages=messages,
        thinking=thinking,
        tools=wire.functions(body.get("tools")),
        tool_choice=body.get("tool_choice"),
        parallel_tool_calls=body.get("parallel_tool_calls", parallel_default) is not False,
        response_format=body.get("response_format"),
        max_tokens=body.get("max_tokens") or body.get("max_completion_tokens"),
        stop=[stop] if isinstance(stop, str) else list(stop or []),
        forced_tokens=ctx.forced_tokens,
        think_open=ctx.quirks.think_tags != "no_open",
        cached=ctx.state.cache_hit(ctx.platform + spec.name, body.get("messages") or []),
        n=requested_n(body),
        logprobs=requested_logprobs(body),
    )


def _respond(
    ctx: Context, style: str, req: ChatInput, body: dict[str, Any], usage: str, details: bool
) -> Response:
    plan = make_plan(req)
    framer = OpenAIFramer(
        style,
        req.model.name,
        plan,
        thinking=req.thinking,
        quirks=ctx.quirks,
        usage_mode=usage,
        usage_details=details,
        n=req.n,
        logprobs=req.logprobs,
    )
    if body.get("stream") is not True:
        return json_response(ctx, dumps(framer.completion()).encode())
    interrupt = stream_interrupt(ctx, partial(_error_frame, ctx), partial(_malformed, framer.id))
    events = framer.events(build_steps(plan, ctx.quirks))
    return StreamResponse(
        events,
        media_type=SSE,
        headers={"x-request-id": ctx.request_id},
        interrupt=interrupt,
        flush_bytes=ctx.flush_bytes,
    )


def _error_frame(ctx: Context, err: PlatformError, event_id: int) -> bytes:
    if ctx.platform == errors.COMPAT:  # B.5: compat streams carry the native error frame
        return ctx.native_error_frame(err, event_id)
    # E.2: vLLM mid-stream error = an ErrorResponse data line, then [DONE].
    body = errors.maas_body(err, ctx.request_id, ctx.quirks.error_shape or "openai_nested")
    return f"data: {dumps(body)}\n\n".encode() + DONE


def _malformed(chunk_id: str, event_id: int) -> bytes:
    return f'data: {{"id":"{chunk_id}","choices":[{{"delta":{{"content":"brok\n\n'.encode()
