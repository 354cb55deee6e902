"""Checks made before anything is sent: header values, plain-HTTP keys, obvious bad requests.

A request the platform would certainly refuse is refused here, with a typed error naming the
parameter, instead of costing a round trip (and, for headers, instead of an ``httpx`` error that
prints the value: an API key).
"""

from __future__ import annotations

import ipaddress
import math
import threading
import warnings
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from .errors import UnsupportedParameterError

__all__ = ["check_request", "clean_headers", "warn_if_plaintext"]


# ------------------------------------------------------------------------------ headers


def clean_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """Header values without surrounding whitespace (a key pasted with its newline).

    A value that still holds a control character is refused, naming the header, never the value.
    """
    cleaned = {}
    for name, value in (headers or {}).items():
        value = _clean_credentials(value.strip()) if name.lower() == "authorization" else value
        value = value.strip()
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            what = "the API key" if name.lower() == "authorization" else f"header {name!r}"
            raise UnsupportedParameterError(
                f"{what} holds a control character (a line break or tab inside it): "
                "copy it again without them"
            )
        cleaned[name] = value
    return cleaned


def _clean_credentials(value: str) -> str:
    """``Bearer  sk-...\\n`` -> ``Bearer sk-...``: whitespace around a token is not part of it."""
    scheme, _, token = value.partition(" ")
    return f"{scheme} {token.strip()}" if token else scheme


# ------------------------------------------------------------------------------ plain HTTP

_warned: set[str] = set()
_warned_lock = threading.Lock()


def warn_if_plaintext(base_url: str) -> None:
    """Warn once per host when credentials would go in clear to a host that is not loopback."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if parts.scheme != "http" or _is_loopback(host):
        return
    with _warned_lock:
        if host in _warned:
            return
        _warned.add(host)
    warnings.warn(
        f"{base_url} is plain http:// to a host that is not this machine: the API key is sent "
        "unencrypted; use https://",
        UserWarning,
        stacklevel=4,
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# ------------------------------------------------------------------------------ requests


def check_request(request: Any, *, max_temperature: float = 2.0) -> None:
    """Refuse obvious bad input of a ``ChatRequest`` before it is sent.

    ``max_temperature``: the platform's upper bound (DashScope [0, 2), A.3; OpenAI-style [0, 2]).
    """
    if not request.messages:
        raise UnsupportedParameterError("messages is empty: send at least one message")
    _check_sampling(request, max_temperature)
    _check_tools(request.tools)
    _check_images(request.messages)


def _check_sampling(request: Any, max_temperature: float) -> None:
    temperature = request.temperature
    if temperature is not None and not (
        math.isfinite(temperature) and 0 <= temperature <= max_temperature
    ):
        raise UnsupportedParameterError(
            f"temperature={temperature!r} is outside [0, {max_temperature:g}]"
        )
    max_tokens = request.max_tokens
    if max_tokens is not None and max_tokens <= 0:
        raise UnsupportedParameterError(f"max_tokens={max_tokens!r} must be a positive integer")
    top_p = request.top_p
    if top_p is not None and not (math.isfinite(top_p) and 0 < top_p <= 1):
        raise UnsupportedParameterError(f"top_p={top_p!r} is outside (0, 1]")


def _check_tools(tools: Sequence[Any] | None) -> None:
    for tool in tools or ():
        parameters = tool.parameters
        if not isinstance(parameters, Mapping) or parameters.get("type", "object") != "object":
            raise UnsupportedParameterError(
                f"tool {tool.name!r}: parameters must be a JSON-schema object "
                '({"type": "object", "properties": {...}}), got '
                f"{_short(parameters)}"
            )


_IMAGE_SCHEMES = ("http://", "https://", "data:", "file://", "oss://")


def _check_images(messages: Sequence[Any]) -> None:
    for number, message in enumerate(messages):
        content = message.content
        if isinstance(content, str):
            continue
        for part in content or ():
            url = getattr(part, "url", None)
            if url is not None and not (isinstance(url, str) and url.startswith(_IMAGE_SCHEMES)):
                raise UnsupportedParameterError(
                    f"messages[{number}]: image url {_short(url)} is not a URL "
                    "(http(s)://, data:, file:// or oss://)"
                )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
