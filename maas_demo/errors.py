"""One line per failure: which platform, its code and message, and what to do.

A scene may fail inside LangChain (the error is a ``maas_core`` error that is also a
``langchain_core`` ``ModelError``), inside a LlamaIndex workflow (which re-raises it, sometimes
wrapped, with the original as ``__cause__``) or in discovery. ``find_error`` digs the
``maas_core.MaaSError`` out of any of these; ``one_line`` words it for the terminal.
"""

from __future__ import annotations

import re

from maas_core import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    MaaSError,
    MissingCredentialsError,
    PermissionDeniedError,
)

from .targets import Target

__all__ = ["find_error", "one_line"]

_HUAWEI = "the HUAWEICLOUD_* variables"
# provider -> (name shown, what to check)
_PROVIDERS = {
    "huawei-maas": ("MaaS", "MAAS_API_KEY"),
    "dashscope": ("DashScope", "DASHSCOPE_API_KEY"),
    "huawei-iam": ("Huawei IAM", _HUAWEI),
    "huawei-modelarts": ("ModelArts", _HUAWEI),
    "huawei-fabric": ("DataArts Fabric", _HUAWEI),
}
_PREFIX = re.compile(r"^\[[\w-]+\]\s*")  # "[huawei-maas] " opening a maas_core message
_BASE_URL_VARS = {"maas": "MAAS_BASE_URL", "dashscope": "DASHSCOPE_BASE_URL"}


def find_error(exc: BaseException) -> MaaSError | None:
    """The ``MaaSError`` that ``exc`` is, wraps (cause/context) or groups; ``None`` if none."""
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, MaaSError):
            return current
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
        pending += list(getattr(current, "exceptions", ()))
    return None


def one_line(error: MaaSError, target: Target | None = None) -> str:
    """``error: DashScope rejected the API key (401 InvalidApiKey) - check DASHSCOPE_API_KEY``."""
    return "error: " + _squash(_describe(error, target))


def _describe(error: MaaSError, target: Target | None) -> str:
    if isinstance(error, MissingCredentialsError):
        return f"{error} (or run with --emulator)"
    name, env = _who(error, target)
    if isinstance(error, AuthenticationError):
        what = "the credentials" if env == _HUAWEI else "the API key"
        return f"{name} rejected {what} ({_status(error)}){_rid(error)} - check {env}"
    if isinstance(error, PermissionDeniedError):
        return (f"{name} refused access ({_status(error)}: {error.message}){_rid(error)} - "
                f"{error.hint}")
    if isinstance(error, APIConnectionError):
        var = _BASE_URL_VARS[target.platform] if target else "the base URL"
        return (f"cannot reach {name} ({_PREFIX.sub('', error.message)}) - check {var} and "
                "your network")
    if isinstance(error, APIStatusError):
        hint = f" - {error.hint}" if error.hint else ""
        return f"{name} answered {_status(error)}: {error.message}{_rid(error)}{hint}"
    return f"{name}: {error}"


def _who(error: MaaSError, target: Target | None) -> tuple[str, str]:
    provider = getattr(error, "provider", None)
    if provider in _PROVIDERS:
        return _PROVIDERS[provider]
    if target is not None:
        return target.label, target.env_key
    return "the platform", "your API key"


def _status(error: APIStatusError) -> str:
    return f"{error.status} {error.code}" if error.code else str(error.status)


def _rid(error: APIStatusError) -> str:
    return f" [request_id {error.request_id}]" if error.request_id else ""


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
