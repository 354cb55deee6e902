"""Known rejections: platform refusals we can name and repair, as data (DESIGN "Additions").

Each ``KnownRejection`` says which answer it recognises (status, code, message pattern, dialect)
and which repair fixes it. The client (``maas_core.client``) applies at most one repair per call,
records the learned fact for (platform, model) in the profile layer (``profiles.learn``), logs it
at INFO, and raises ``RepairFailedError`` naming what was tried when the repaired request fails
too. A rejection not in this table is raised as it is, never retried.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from .errors import APIStatusError, RepairFailedError
from .profiles import ModelProfile

__all__ = [
    "KNOWN_REJECTIONS",
    "KnownRejection",
    "Repair",
    "RepairFailedError",
    "find_repair",
    "repair_failed",
]

RepairKind = Literal["other_endpoint", "stream"]


@dataclass(frozen=True, slots=True)
class KnownRejection:
    name: str
    status: int
    code: str | None
    """The platform's code (``None``: any code)."""
    pattern: re.Pattern[str]
    """Searched in the message; matched on a stable prefix, never on the whole text."""
    repair: RepairKind
    dialects: frozenset[str]
    learned: tuple[tuple[str, Any], ...] = ()
    """Profile facts the repair establishes (``other_endpoint`` computes its own)."""


@dataclass(frozen=True, slots=True)
class Repair:
    """A repair chosen for one call: the rejection and the profile changes that fix it."""

    rejection: KnownRejection
    changes: dict[str, Any]

    def describe(self) -> str:
        what = ", ".join(f"{k}={v!r}" for k, v in self.changes.items())
        return f"{self.rejection.name} -> {what}"


_NATIVE = frozenset({"dashscope_native"})
_DASHSCOPE = frozenset({"dashscope_native", "openai_compat"})

KNOWN_REJECTIONS: tuple[KnownRejection, ...] = (
    # PROTOCOLS-2026 A.9.2: a chat model called on the other native endpoint. The message ends
    # with a full-width "！" and (2026) a "For details, see: …#error-url" suffix: prefix only.
    KnownRejection(
        "url error", 400, "InvalidParameter", re.compile(r"^url error"), "other_endpoint", _NATIVE
    ),
    # PROTOCOLS A.3: stream-only models ("This model only support stream mode, …").
    KnownRejection(
        "only support stream mode",
        400,
        None,
        re.compile(r"only support stream mode|does not support http call"),
        "stream",
        _DASHSCOPE,
        (("stream_only", True),),
    ),
    # PROTOCOLS-2026 A.9.4: "parameter.enable_thinking only support stream call" (open Qwen3);
    # the older wording asks to switch thinking off for non-streaming calls (A.3).
    KnownRejection(
        "thinking only support stream call",
        400,
        None,
        re.compile(
            r"enable_thinking only support stream call"
            r"|enable_thinking must be set to false for non-streaming"
        ),
        "stream",
        _DASHSCOPE,
        (("thinking_stream_only", True),),
    ),
)


def find_repair(
    error: APIStatusError, dialect: str, profile: ModelProfile, streaming: bool
) -> Repair | None:
    """The repair for ``error`` on a request shaped by ``profile``, or ``None``."""
    for rejection in KNOWN_REJECTIONS:
        if _matches(rejection, error, dialect):
            changes = _changes(rejection, profile, streaming)
            return None if changes is None else Repair(rejection, changes)
    return None


def _matches(rejection: KnownRejection, error: APIStatusError, dialect: str) -> bool:
    return (
        dialect in rejection.dialects
        and error.status == rejection.status
        and (rejection.code is None or error.code == rejection.code)
        and bool(rejection.pattern.search(error.message or ""))
    )


def _changes(
    rejection: KnownRejection, profile: ModelProfile, streaming: bool
) -> dict[str, Any] | None:
    if rejection.repair == "other_endpoint":
        other = "text" if profile.native_endpoint == "multimodal" else "multimodal"
        return {"native_endpoint": other}
    if streaming:  # already streamed: nothing left to repair
        return None
    return dict(rejection.learned)


def repair_failed(
    model: str, platform: str, first: APIStatusError, repair: Repair, second: APIStatusError
) -> RepairFailedError:
    """The typed error for a call whose repair was rejected too (says what was tried)."""
    message = (
        f"{model} on {platform} was rejected twice: first {first.message!r}; "
        f"then, after repairing it ({repair.describe()}), {second.message!r}. "
        "Check the model name and the base URL, or set profile_overrides for this model"
    )
    error = RepairFailedError(
        message,
        status=second.status,
        code=second.code,
        request_id=second.request_id,
        provider=second.provider,
        body=second.body,
    )
    error.tried = ("as profiled", repair.describe())
    return error
