"""Per-request plumbing shared by the inference routes: request id, quirks, faults, auth, errors."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from maas_core.emulator import errors, faults
from maas_core.emulator.config import Quirks
from maas_core.emulator.errors import PlatformError
from maas_core.emulator.state import EmulatorState
from maas_core.emulator.streaming import Interrupt, StreamResponse, dumps


@dataclass
class Context:
    state: EmulatorState
    platform: str  # errors.MAAS | errors.NATIVE | errors.COMPAT
    request_id: str
    quirks: Quirks
    fault: dict | None
    forced_tokens: int | None

    @property
    def flush_bytes(self) -> int:
        return self.state.config.flush_bytes

    def error_response(self, err: PlatformError, headers: dict[str, str] | None = None) -> Response:
        body = errors.body_for(self.platform, err, self.request_id, self.quirks.error_shape)
        all_headers = {"x-request-id": self.request_id, **(headers or {})}
        return JSONResponse(body, err.status, headers=all_headers)

    def native_error_frame(self, err: PlatformError, event_id: int) -> bytes:
        """DashScope SSE error event (A.5, A.7 variant 2), also seen on compat streams (B.5)."""
        data = dumps(errors.native_body(err, self.request_id))
        return f"id:{event_id}\nevent:error\n:HTTP_STATUS/{err.status}\ndata:{data}\n\n".encode()

    def check_bearer(self, request: Request) -> None:
        """Bearer API key check with the platform's own failures (A.7, B.5, D.4)."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if self.platform == errors.MAAS and (scheme.lower() != "bearer" or not token.strip()):
            raise PlatformError(400, "ModelArts.81002", "Failed to get the authorization header.")
        if token.strip() != self.state.config.api_key or scheme.lower() != "bearer":
            if self.platform == errors.MAAS:
                raise PlatformError(401, "ModelArts.81003", "Invalid authorization header.")
            raise PlatformError(401, "InvalidApiKey", "Invalid API-key provided.")


Handler = Callable[[Context, Request], Awaitable[Response]]


def endpoint(state: EmulatorState, platform: str, handler: Handler) -> Callable[..., Any]:
    """Wrap a route handler: build the context, apply pre-response faults, render errors."""

    async def run(request: Request) -> Response:
        try:
            ctx = _context(state, request, platform)
        except ValueError as exc:  # bad X-Emulator-* header: a test bug, say so plainly
            return PlainTextResponse(str(exc), 400)
        early = await _pre_fault(ctx)
        if early is not None:
            return early
        try:
            return await handler(ctx, request)
        except PlatformError as err:
            return ctx.error_response(err)

    return run


def _context(state: EmulatorState, request: Request, platform: str) -> Context:
    quirks = state.config.quirks
    if "x-emulator-quirks" in request.headers:
        quirks = quirks.override(request.headers["x-emulator-quirks"])
    fault = None
    if request.method == "POST" or "x-emulator-fault" in request.headers:
        fault = faults.select(
            state, request.headers.get("x-emulator-fault"), platform, request.url.path
        )
    tokens = request.headers.get("x-emulator-tokens")
    forced = int(tokens) if tokens else None
    return Context(state, platform, str(uuid.uuid4()), quirks, fault, forced)


async def _pre_fault(ctx: Context) -> Response | None:
    spec = ctx.fault
    if spec is None:
        return None
    kind = spec["kind"]
    if kind == "delay":
        await asyncio.sleep(float(spec.get("seconds", 1.0)))
        return None
    if kind == "status":
        return ctx.error_response(faults.error_of(spec, ctx.platform), faults.retry_headers(spec))
    if kind == "html":
        return HTMLResponse(faults.NGINX_502, int(spec.get("status", 502)))
    if kind == "sse_error_body":
        err = faults.error_of({"status": 400, **spec}, errors.NATIVE)
        body = ctx.native_error_frame(err, 1)
        return Response(body, err.status, {"x-request-id": ctx.request_id}, "application/json")
    return None


async def read_json(request: Request) -> Any:
    """The request body as JSON; raises ValueError on malformed JSON."""
    raw = await request.body()
    return json.loads(raw) if raw else None


def stream_interrupt(
    ctx: Context,
    error_frame: Callable[[PlatformError, int], bytes],
    malformed: Callable[[int], bytes],
) -> Interrupt | None:
    """The ``Interrupt`` for a stream fault, given the platform's error and broken-event framing."""
    spec = ctx.fault
    if spec is None or spec["kind"] not in faults.STREAM_KINDS:
        return None
    after = int(spec.get("after", 0))
    kind = spec["kind"]
    if kind == "drip":
        return Interrupt(drip=(int(spec.get("bytes", 7)), float(spec.get("interval", 0.01))))
    if kind == "disconnect":
        return Interrupt(after=after, abort=True)
    if kind == "malformed":
        return Interrupt(after=after, insert=malformed(after + 1))
    err = faults.error_of(spec, ctx.platform)
    # A.7 variant 2: an error stream that ends at once carries "x-dashscope-finished: true".
    headers = {"x-dashscope-finished": "true"} if after == 0 and ctx.platform != errors.MAAS else {}
    return Interrupt(after=after, insert=error_frame(err, after + 1), extra_headers=headers)


def json_response(ctx: Context, data: bytes) -> Response:
    """A non-stream JSON body, with stream faults degraded to their non-stream meaning."""
    headers = {"x-request-id": ctx.request_id}
    kind = (ctx.fault or {}).get("kind")
    if kind == "error_frame":
        return ctx.error_response(faults.error_of(ctx.fault or {}, ctx.platform))
    if kind == "malformed":
        return Response(data[: len(data) // 2], 200, headers, "application/json")
    if kind in ("disconnect", "drip"):
        events = [data[: len(data) // 2]] if kind == "disconnect" else [data]
        interrupt = stream_interrupt(ctx, lambda e, i: b"", lambda i: b"") or Interrupt()
        interrupt.after = 1 if kind == "disconnect" else None
        return StreamResponse(
            events,
            media_type="application/json",
            headers=headers,
            interrupt=interrupt,
            flush_bytes=ctx.flush_bytes,
        )
    return Response(data, 200, headers, "application/json")
