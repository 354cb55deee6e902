"""Fault injection: per request (``X-Emulator-Fault: <json>``) or queued on the instance.

Spec keys: ``kind`` (``status`` | ``html`` | ``sse_error_body`` | ``error_frame`` | ``disconnect`` |
``malformed`` | ``delay`` | ``drip``), ``status``, ``code``, ``message``, ``retry_after``,
``after`` (events before a stream fault), ``seconds``, ``bytes``, ``interval``, ``headers`` (extra
response headers of a ``status`` fault, e.g. ``retry-after-ms``), and:

* ``times``: fail only N requests, then let requests through. Counted per ``id`` (or per header
  text) so a client's retries of the same request hit one counter.
* queued only: ``platform`` (``maas`` | ``dashscope`` | ``compatible``) and ``path`` (substring)
  restrict which chat requests the fault applies to; a queued fault is used ``times`` times
  (default 1) and then removed.
"""

from __future__ import annotations

import json
from typing import Any

from maas_core.emulator.errors import PlatformError, default_error
from maas_core.emulator.state import EmulatorState

KINDS = frozenset(
    {"status", "html", "sse_error_body", "error_frame", "disconnect", "malformed", "delay", "drip"}
)
STREAM_KINDS = frozenset({"error_frame", "disconnect", "malformed", "drip"})

NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


class FaultSpecError(ValueError):
    """The test asked for a fault the emulator does not know (answered with a plain 400)."""


def parse_header(raw: str) -> dict[str, Any]:
    try:
        spec = json.loads(raw)
    except ValueError as exc:
        raise FaultSpecError(f"X-Emulator-Fault is not JSON: {exc}") from exc
    validate(spec)
    return spec


def validate(spec: Any) -> None:
    if not isinstance(spec, dict) or spec.get("kind") not in KINDS:
        raise FaultSpecError(f"fault spec needs a kind in {sorted(KINDS)}: {spec!r}")


def select(state: EmulatorState, header: str | None, platform: str, path: str) -> dict | None:
    """The fault for this request (header first, then the instance queue), counting ``times``."""
    if header:
        spec = parse_header(header)
        return spec if _take(state, str(spec.get("id", header)), spec.get("times")) else None
    with state.lock:
        for spec in list(state.config.faults):
            if _matches(spec, platform, path):
                _use_queued(state, spec)
                return spec
    return None


def _take(state: EmulatorState, key: str, times: Any) -> bool:
    if times is None:
        return True
    with state.lock:
        used = state.fault_counts.get(key, 0)
        if used >= int(times):
            return False
        state.fault_counts[key] = used + 1
        return True


def _matches(spec: dict, platform: str, path: str) -> bool:
    if spec.get("platform") not in (None, platform):
        return False
    return str(spec.get("path", "")) in path


def _use_queued(state: EmulatorState, spec: dict) -> None:
    key = f"queued:{id(spec)}"
    used = state.fault_counts.get(key, 0) + 1
    if used >= int(spec.get("times", 1)):
        state.config.faults.remove(spec)
        state.fault_counts.pop(key, None)
    else:
        state.fault_counts[key] = used


def error_of(spec: dict, platform: str) -> PlatformError:
    status = int(spec.get("status", 429 if spec["kind"] == "error_frame" else 500))
    return default_error(platform, status, spec.get("code"), spec.get("message"))


def retry_headers(spec: dict) -> dict[str, str]:
    headers = {str(k): str(v) for k, v in (spec.get("headers") or {}).items()}
    if spec.get("retry_after") is not None:
        headers["retry-after"] = str(spec["retry_after"])
    return headers
