"""DashScope native generation: ``/api/v1/services/aigc/{text,multimodal}-generation/generation``.

Request: ``{"model", "input": {"messages"}, "parameters": {...}}``; SSE is selected by the header
``X-DashScope-SSE: enable`` or ``Accept: text/event-stream`` (A.2, A.5). Each model lives on one
of the two endpoints; the other answers the 2026 ``url error`` (PROTOCOLS-2026 A.9.1-A.9.2).
Multimodal answers use list content (``[]`` without text) and the multimodal usage (A.9.6).
Validation follows A.3 / A.7 with the exact messages (see ``validation``).
``X-DashScope-WorkSpace`` is accepted (and recorded like every header).
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
from maas_core.emulator.native_frames import NativeFramer
from maas_core.emulator.state import EmulatorState
from maas_core.emulator.streaming import StreamResponse, build_steps

BASE = "/api/v1/services/aigc"
SSE = "text/event-stream;charset=UTF-8"


def routes(state: EmulatorState) -> list[Route]:
    native = partial(endpoint, state, errors.NATIVE)
    return [
        Route(
            f"{BASE}/text-generation/generation",
            native(partial(_generation, multimodal=False)),
            methods=["POST"],
        ),
        Route(
            f"{BASE}/multimodal-generation/generation",
            native(partial(_generation, multimodal=True)),
            methods=["POST"],
        ),
        Route("/api/v1/models", native(_catalogue), methods=["GET"]),
    ]


# ---- model catalogue (PROTOCOLS-2026 A.9.8) ---------------------------------------------------
async def _catalogue(ctx: Context, request: Request) -> Response:
    """``GET /api/v1/models``: ``output.models[]`` paged by ``page_no`` / ``page_size``
    (default 20), filtered by ``model``; the fields of the third-party descriptions (A.9.8)."""
    ctx.check_bearer(request)
    query = request.query_params
    try:
        page_no = int(query.get("page_no", 1))
        page_size = int(query.get("page_size", 20))
    except ValueError as exc:
        raise validation.bad("page_no and page_size must be integers") from exc
    names = models.names(models.DASHSCOPE)
    if "model" in query:
        names = [n for n in names if n == query["model"]]
    start = (page_no - 1) * page_size
    entries = [_catalogue_entry(models.lookup(models.DASHSCOPE, n)) for n in names]
    output = {
        "total": len(names),
        "page_no": page_no,
        "page_size": page_size,
        "models": entries[start : start + page_size],
    }
    return JSONResponse(
        {"request_id": ctx.request_id, "output": output}, headers={"x-request-id": ctx.request_id}
    )


def _catalogue_entry(spec: models.ModelSpec | None) -> dict[str, Any]:
    assert spec is not None
    capabilities = ["TG"] + (["Reasoning"] if spec.reasoning != "never" else [])
    capabilities += ["VU"] if spec.vision else []
    features = (["function-calling"] if spec.tools else []) + (
        ["structured-outputs"] if spec.json_schema else []
    )
    info: dict[str, Any] = {
        "context_window": spec.context_window,
        "max_input_tokens": spec.context_window - spec.max_output,
        "max_output_tokens": spec.max_output,
    }
    if spec.reasoning != "never":
        info["max_reasoning_tokens"] = spec.max_thinking_budget
    return {
        "model": spec.name,
        "name": spec.name,
        "description": f"{spec.name} (emulated)",
        "provider": spec.name.split("-")[0].lower(),
        "inference_provider": "alibaba",
        "capabilities": capabilities,
        "features": [*features, "cache"],
        "inference_metadata": {
            "request_modality": ["Text", "Image"] if spec.vision else ["Text"],
            "response_modality": ["Text"],
        },
        "model_info": info,
    }


def _wants_sse(request: Request) -> bool:
    sse = request.headers.get("x-dashscope-sse", "").lower() == "enable"
    return sse or "text/event-stream" in request.headers.get("accept", "")


async def _generation(ctx: Context, request: Request, *, multimodal: bool) -> Response:
    ctx.check_bearer(request)
    body = await _body(request)
    spec = models.dashscope_model(str(body["model"]), ctx.state.deployed)
    if spec is None:
        raise PlatformError(404, "ModelNotFound", "Model can not be found.")
    if spec.native_endpoint != ("multimodal" if multimodal else "text"):
        raise validation.bad(validation.URL_ERROR)  # wrong endpoint (PROTOCOLS-2026 A.9.2)
    params: dict[str, Any] = body.get("parameters") or {}
    messages = _messages(body.get("input") or {}, multimodal)
    stream = _wants_sse(request)
    thinking = validation.check_request(params, spec, messages, stream)
    message_format = _native_checks(params, spec, thinking, stream, multimodal)
    req = _chat_input(ctx, params, spec, messages, thinking, body)
    framer = NativeFramer(
        make_plan(req),
        ctx.request_id,
        thinking=thinking,
        message_format=message_format,
        multimodal=multimodal,
        incremental=params.get("incremental_output", spec.incremental_default),
        n=req.n,
        logprobs=req.logprobs,
    )
    if not stream:
        return json_response(ctx, framer.body().encode())
    steps = build_steps(framer.plan, ctx.quirks, tool_finish_together=True)
    interrupt = stream_interrupt(ctx, ctx.native_error_frame, _malformed)
    return StreamResponse(
        framer.events(steps),
        media_type=SSE,
        headers={"x-request-id": ctx.request_id},
        interrupt=interrupt,
        flush_bytes=ctx.flush_bytes,
    )


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = await read_json(request)
    except ValueError as exc:
        raise validation.bad(
            "The input parameter requires json format.", "BadRequest.IllegalInput"
        ) from exc
    if not isinstance(body, dict) or not body.get("model"):
        raise validation.bad(
            'Required parameter "model" missing from request.', "BadRequest.EmptyModel"
        )
    return body


def _messages(input_: dict[str, Any], multimodal: bool) -> list[dict[str, Any]]:
    raw = input_.get("messages")
    if raw is None and input_.get("prompt"):  # legacy prompt protocol (A.3)
        raw = [{"role": "user", "content": input_["prompt"]}]
    messages = wire.normalise_all(raw)
    if not multimodal and any(m["has_list"] for m in messages):
        raise validation.bad("input content must be a string.")
    if multimodal:
        validation.check_multimodal_content(messages)
    return messages


def _native_checks(
    params: dict[str, Any], spec: models.ModelSpec, thinking: bool, stream: bool, multimodal: bool
) -> bool:
    """Native-only rules (A.3); returns whether the message result format is used."""
    default = "message" if spec.message_format_default or multimodal else "text"
    message_format = params.get("result_format", default) == "message"
    if thinking and not message_format:
        raise validation.bad(
            'The result_format parameter must be "message" when enable_thinking is true'
        )
    if wire.functions(params.get("tools")) and not message_format:
        # [INFER] A.3 says tools need result_format "message"; the exact text is not captured.
        raise validation.bad('The result_format parameter must be "message" when tools are used')
    incremental = params.get("incremental_output", spec.incremental_default)
    if stream and thinking and incremental is not True:
        raise validation.bad(
            'The incremental_output parameter must be "true" when enable_thinking is true'
        )
    return message_format


def _chat_input(
    ctx: Context,
    params: dict[str, Any],
    spec: models.ModelSpec,
    messages: list[dict[str, Any]],
    thinking: bool,
    body: dict[str, Any],
) -> ChatInput:
    stop = params.get("stop")
    return ChatInput(
        model=spec,
        messages=messages,
        thinking=thinking,
        tools=wire.functions(params.get("tools")),
        tool_choice=params.get("tool_choice"),
        parallel_tool_calls=params.get("parallel_tool_calls") is True,  # A.3: default false
        response_format=params.get("response_format"),
        thinking_budget=params.get("thinking_budget"),
        max_tokens=params.get("max_tokens"),
        stop=[stop] if isinstance(stop, str) else [s for s in stop or [] if isinstance(s, str)],
        forced_tokens=ctx.forced_tokens,
        cached=ctx.state.cache_hit(
            ctx.platform + spec.name, (body.get("input") or {}).get("messages") or []
        ),
        n=requested_n(params),
        logprobs=requested_logprobs(params),
    )


def _malformed(event_id: int) -> bytes:
    return (
        f"id:{event_id}\nevent:result\n:HTTP_STATUS/200\n"
        'data:{"output":{"choices":[{"message":{"content":"brok\n\n'
    ).encode()
