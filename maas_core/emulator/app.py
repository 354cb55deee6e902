"""The Starlette application, assembled from per-API route lists.

Each API module exposes ``routes(state) -> list[Route]``; a management module (ModelArts services,
IAM, Fabric, DashScope deployments) is appended the same way via ``extra_routes``. Every request is
recorded in ``state.requests`` by a small ASGI middleware before any route runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from starlette.applications import Starlette
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from maas_core.emulator import dashscope_native, embeddings, management, openai_compat
from maas_core.emulator.config import EmulatorConfig
from maas_core.emulator.state import EmulatorState, RecordedRequest

RouteFactory = Callable[[EmulatorState], Iterable[BaseRoute]]

API_MODULES: list[RouteFactory] = [openai_compat.routes, dashscope_native.routes, management.routes]
API_MODULES.append(embeddings.routes)  # PROTOCOLS-2026 E: embeddings and rerank


def create_app(
    config: EmulatorConfig | None = None,
    *,
    state: EmulatorState | None = None,
    extra_routes: Iterable[RouteFactory] = (),
) -> Starlette:
    """A Starlette app serving every emulated API; ``app.state.emulator`` is the live state."""
    state = state or EmulatorState(config or EmulatorConfig())
    routes = [route for factory in (*API_MODULES, *extra_routes) for route in factory(state)]
    app = Starlette(routes=routes)
    app.state.emulator = state
    app.add_middleware(RecordRequests, state=state)
    return app


class RecordRequests:
    """Reads the body once, records the request, then replays the body to the app."""

    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        self.state.record(_recorded(scope, body))
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _recorded(scope: Scope, body: bytes) -> RecordedRequest:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    parsed: Any = None
    if body:
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
    return RecordedRequest(
        scope["method"],
        scope["path"],
        headers,
        parsed,
        body,
        scope.get("query_string", b"").decode("latin-1"),
    )
