"""One error hierarchy for every platform, and the one place wire error bodies are mapped to it.

```
MaaSError
├── APIStatusError            the platform answered with an error (status, code, request_id)
│   ├── BadRequestError       400 / 422: invalid parameters
│   ├── AuthenticationError   401, bad or missing key (also ModelArts.81002 sent as 400)
│   ├── PermissionDeniedError 403
│   ├── NotFoundError         404: unknown model, deployment, path
│   ├── ConflictError         409
│   ├── RateLimitError        429 and throttling codes (``retry_after``)
│   ├── ContentFilterError    content moderation (DataInspectionFailed, ModelArts.81011)
│   ├── ServerError           5xx
│   └── UnexpectedResponseError  a success status whose body is not the answer asked for
├── APIConnectionError        no answer: refused, reset, DNS
│   └── APITimeoutError
├── StreamError               truncated stream, malformed event, or an error frame inside a stream
└── UnsupportedParameterError a parameter the platform or model cannot take (raised before sending)
```

An error frame inside a 200 stream raises the class of its code that *also* derives from
``StreamError`` (``except RateLimitError`` and ``except StreamError`` both catch it).

Body shapes understood (PROTOCOLS.md A.7, B.5, D.4, E.4): DashScope flat ``{code, message,
request_id}``; OpenAI nested ``{"error": {...}}``; vLLM flat ``{"object": "error", ...}``;
ModelArts / Fabric / APIG ``{error_code, error_msg}``; FastAPI ``{"detail": ...}``; SSE-framed
``event:error`` text (also inside a 4xx labelled JSON); HTML pages from gateways.

Every error pickles (process pools hand errors back to the parent): with its class, also the
in-stream variants made at run time, its message, status, code, request id and ``partial``.
"""

from __future__ import annotations

import json
import re
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ContentFilterError",
    "MaaSError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "StreamError",
    "UnexpectedResponseError",
    "UnsupportedParameterError",
    "error_from_body",
    "error_from_payload",
    "redact",
    "register_recipe",
    "unexpected_body",
    "watch_secrets",
]


class MaaSError(Exception):
    """Base class of every error raised by maas_core.

    ``str(error)`` is built in one place (``_format``) for every class and platform:
    ``[provider] HTTP status code: message (request_id=...) - hint``, each part only when known.
    """

    base_hint: str = ""
    """What to do about it, per class (assigning ``hint`` replaces it for one error)."""
    retries: int | None = None
    """Retries made before this error was raised (set by ``ChatClient``); ``None``: unknown."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return _format(self)

    @property
    def hint(self) -> str:
        """What to do about it, with the retries made when there were any."""
        return self.base_hint + self._retry_note()

    @hint.setter
    def hint(self, value: str) -> None:
        self.base_hint = value

    def _retry_note(self) -> str:
        """Said only when retries were allowed and made (never with ``max_retries=0``)."""
        if not self.retries:
            return ""
        times = "once" if self.retries == 1 else f"{self.retries} times"
        return f"; retried {times} with backoff before giving up"

    def __reduce__(self) -> tuple[Any, ...]:
        # Classes made at run time (in-stream variants, framework mixes) are not importable by
        # name: pickle a recipe that makes them again.
        return (_restore, (_class_spec(type(self)), self.args, dict(self.__dict__)))


@dataclass(frozen=True)
class _Recipe:
    factory: Any
    args: tuple[Any, ...]


_RECIPES: dict[type, _Recipe] = {}


def register_recipe(cls: type, factory: Any, *args: Any) -> None:
    """Record how to rebuild the run-time class ``cls``: ``factory(*args)``."""
    _RECIPES[cls] = _Recipe(factory, args)


def _class_spec(cls: Any) -> Any:
    recipe = _RECIPES.get(cls) if isinstance(cls, type) else None
    if recipe is None:
        return cls
    return _Recipe(recipe.factory, tuple(_class_spec(arg) for arg in recipe.args))


def _class_of(spec: Any) -> Any:
    if not isinstance(spec, _Recipe):
        return spec
    return spec.factory(*(_class_of(arg) for arg in spec.args))


def _restore(spec: Any, args: tuple[Any, ...], state: dict[str, Any]) -> MaaSError:
    cls = _class_of(spec)
    error: MaaSError = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class StreamError(MaaSError):
    """A stream that was cut short, carried an undecodable event, or an error frame.

    ``partial`` holds what arrived before the failure (a ``ChatResult``), so nothing is lost.
    """

    partial: Any = None


class UnsupportedParameterError(MaaSError, ValueError):
    """A request the platform or model would reject; caught before anything is sent."""


class APIConnectionError(MaaSError):
    """The platform could not be reached, or the connection broke before an answer."""

    base_hint = "check the base URL and your network"


class APITimeoutError(APIConnectionError):
    base_hint = "raise `timeout`, or stream long generations"


class APIStatusError(MaaSError):
    """The platform answered with an error status or an error body."""

    default_status = 400

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        provider: str | None = None,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        self.status = status if status is not None else self.default_status
        self.retry_after = retry_after
        """Seconds the platform asked us to wait (``Retry-After``), if it did."""
        self.code = code
        self.request_id = request_id
        self.provider = provider
        self.body = body
        super().__init__(message)
        self.message = message

    @property
    def retryable(self) -> bool:
        return False


class BadRequestError(APIStatusError):
    base_hint = "fix the request parameters named in the message"


class AuthenticationError(APIStatusError):
    default_status = 401
    credential_hint: str | None = None
    """Which credential to check, set where the one used is known (``maas_core.auth``)."""

    @property
    def hint(self) -> str:
        """An API-key 401 names only its platform's variable; Huawei ones the Huawei names."""
        if self.credential_hint:
            return self.credential_hint
        provider = self.provider or ""
        if provider in _KEY_VARIABLES:
            return (f"check the API key (api_key=... or {_KEY_VARIABLES[provider]}) "
                    "and that it belongs to this region")
        if provider.startswith("huawei-"):
            return _HUAWEI_CREDENTIALS_HINT
        return "check the credentials given to this client and that they belong to this region"

    @hint.setter
    def hint(self, value: str) -> None:
        self.credential_hint = value


_KEY_VARIABLES = {"huawei-maas": "MAAS_API_KEY", "dashscope": "DASHSCOPE_API_KEY",
                  "vllm": "VLLM_API_KEY"}
_HUAWEI_CREDENTIALS_HINT = (
    "check the Huawei Cloud credentials: HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK (ak=, sk=), "
    "or HUAWEICLOUD_TOKEN (token=), or HUAWEICLOUD_IAM_USERNAME / HUAWEICLOUD_IAM_PASSWORD / "
    "HUAWEICLOUD_IAM_DOMAIN, and HUAWEICLOUD_SDK_PROJECT_ID"
)


class PermissionDeniedError(APIStatusError):
    default_status = 403
    base_hint = (
        "the key may not use this model or workspace; enable the service or use its own key")


class NotFoundError(APIStatusError):
    default_status = 404

    @property
    def hint(self) -> str:
        """Where the names are listed, per platform (the ``maas-models`` command)."""
        if self.base_hint:
            return self.base_hint
        listing = _NAME_LISTINGS.get(self.provider or "", "`maas-models` lists them")
        return f"check the model name (case-sensitive) and the base URL; {listing}"

    @hint.setter
    def hint(self, value: str) -> None:
        self.base_hint = value


_NAME_LISTINGS = {
    "huawei-maas": "`maas-models models` lists the served names",
    "dashscope": "`maas-models models --platform dashscope` and `maas-models deployments` "
                 "list the names",
}


class ConflictError(APIStatusError):
    default_status = 409


class RateLimitError(APIStatusError):
    default_status = 429
    base_hint = "slow down or raise the quota"
    _NOT_RETRYABLE = frozenset(
        {
            "insufficient_quota",
            "CommodityNotPurchased",
            "PrepaidBillOverdue",
            "PostpaidBillOverdue",
            "AllocationQuota.FreeTierOnly",
        }
    )

    @property
    def retryable(self) -> bool:
        return self.code not in self._NOT_RETRYABLE


class UnexpectedResponseError(APIStatusError):
    """A success status with a body that is not what was asked for (not JSON, not an answer)."""

    default_status = 200
    base_hint = "the platform or a gateway in between sent an unexpected body; check the base URL"


class ContentFilterError(APIStatusError):
    base_hint = "the platform's content moderation refused the input or output"


class ServerError(APIStatusError):
    default_status = 500
    base_hint = "a platform-side failure; try again later"

    @property
    def retryable(self) -> bool:
        return True


# Codes first (they are more precise than statuses: ModelArts.81002 is a 400 about auth,
# Throttling arrives inside 200 streams), then statuses. PROTOCOLS.md A.7, B.5, D.4, G.3.
_CODE_PREFIXES: tuple[tuple[str, type[APIStatusError]], ...] = (
    ("Throttling", RateLimitError),
    ("InternalError", ServerError),
    ("AccessDenied", PermissionDeniedError),
)
_CODES: dict[str, type[APIStatusError]] = {
    **dict.fromkeys(
        [
            "InvalidApiKey",
            "invalid_api_key",
            "NOT AUTHORIZED",
            "ModelArts.81002",
            "ModelArts.81003",
            "ModelArts.81015",
            "ModelArts.4905",
            "APIG.0301",
        ],
        AuthenticationError,
    ),
    **dict.fromkeys(
        [
            "limit_requests",
            "limit_burst_rate",
            "insufficient_quota",
            "LimitRequests",
            "ModelArts.81101",
            "ModelArts.81103",
            "APIG.0308",
            "CommodityNotPurchased",
            "PrepaidBillOverdue",
            "PostpaidBillOverdue",
        ],
        RateLimitError,
    ),
    **dict.fromkeys(
        [
            "DataInspectionFailed",
            "data_inspection_failed",
            "InvalidParameter.DataInspection",
            "ModelArts.81011",
            "FaqRuleBlocked",
            "CustomRoleBlocked",
            "IPInfringementSuspect",
        ],
        ContentFilterError,
    ),
    **dict.fromkeys(
        [
            "ModelNotFound",
            "model_not_found",
            "model_not_supported",
            "WorkSpaceNotFound",
            "NotFound",
            "ModelArts.81009",
            "APIG.0101",
        ],
        NotFoundError,
    ),
    **dict.fromkeys(
        [
            "Model.AccessDenied",
            "App.AccessDenied",
            "Workspace.AccessDenied",
            "AllocationQuota.FreeTierOnly",
            "ModelArts.81004",
            "ModelArts.81006",
            "ModelArts.81014",
        ],
        PermissionDeniedError,
    ),
    **dict.fromkeys(
        [
            "internal_error",
            "SystemError",
            "ModelServiceFailed",
            "RequestTimeOut",
            "ModelServingError",
            "ModelUnavailable",
            "APIG.0203",
        ],
        ServerError,
    ),
    "Conflict": ConflictError,
}
_STATUSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: BadRequestError,
    429: RateLimitError,
}


def _class_for(status: int | None, code: str | None) -> type[APIStatusError]:
    if code:
        if code in _CODES:
            return _CODES[code]
        for prefix, cls in _CODE_PREFIXES:
            if code.startswith(prefix):
                return cls
    if status is None:
        return BadRequestError
    if status >= 500:
        return ServerError
    return _STATUSES.get(status, APIStatusError)


_IN_STREAM_HINT = "sent inside the stream after it started (never retried then): call again"


def _format(error: MaaSError) -> str:
    """The one text of every error: ``[provider] HTTP status code: message (request_id) - hint``.

    The code is left out when it only repeats the status (vLLM and the OpenAI shape put the
    status in ``code`` when the platform has no code of its own).
    """
    if not isinstance(error, APIStatusError):
        hint = error.hint
        return f"{error.message} - {hint}" if hint else error.message
    where = f"[{error.provider}] " if error.provider else ""
    code = f" {error.code}" if error.code and error.code != str(error.status) else ""
    rid = f" (request_id={error.request_id})" if error.request_id else ""
    hint = _IN_STREAM_HINT if isinstance(error, StreamError) else error.hint
    hint = f" - {hint}" if hint else ""
    return f"{where}HTTP {error.status}{code}: {error.message}{rid}{hint}"
_IN_STREAM: dict[type[APIStatusError], type[APIStatusError]] = {}


def _in_stream(cls: type[APIStatusError]) -> type[APIStatusError]:
    """The variant of ``cls`` that is also a ``StreamError`` (error frames inside a stream)."""
    if cls not in _IN_STREAM:
        _IN_STREAM[cls] = type(cls.__name__, (cls, StreamError), {"__module__": __name__})
        register_recipe(_IN_STREAM[cls], _in_stream, cls)
    return _IN_STREAM[cls]


_SSE_STATUS = re.compile(r"^:HTTP_STATUS/(\d{3})", re.MULTILINE)
_SSE_DATA = re.compile(r"^data:(.*)$", re.MULTILINE)
_HTML_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def _fields(payload: Mapping[str, Any]) -> tuple[str | None, str, str | None, int | None]:
    """(code, message, request_id, status-in-body) of any JSON error shape we know."""
    request_id = payload.get("request_id") or payload.get("requestId")
    inner = payload.get("error")
    if isinstance(inner, Mapping):  # OpenAI / vLLM >= 0.10.1 / DashScope compatible mode
        code = inner.get("code") or inner.get("type")
        status = code if isinstance(code, int) else None
        return _str(code), str(inner.get("message") or ""), _str(request_id), status
    if "error_code" in payload:  # ModelArts, APIG, Fabric
        message = payload.get("error_msg") or payload.get("error_message") or ""
        if payload.get("solution_msg"):
            message = f"{message} (solution: {payload['solution_msg']})"
        return _str(payload["error_code"]), str(message), _str(request_id), None
    if "detail" in payload and "message" not in payload:  # FastAPI
        return None, str(payload["detail"]), _str(request_id), None
    code = payload.get("code") or payload.get("type")  # DashScope flat, vLLM <= 0.10.0 flat
    status = code if isinstance(code, int) else None
    message = payload.get("message") or payload.get("msg") or ""
    return _str(code), str(message), _str(request_id), status


def _str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def error_from_payload(
    payload: Mapping[str, Any],
    *,
    status: int | None = None,
    provider: str | None = None,
    retry_after: float | None = None,
    in_stream: bool = False,
) -> APIStatusError:
    """Map a decoded JSON error body (any shape) to a typed error."""
    code, message, request_id, body_status = _fields(payload)
    if status == 200 and not code and not message and not in_stream:
        return unexpected_body(
            "a chat completion", "no answer and no error in it", json.dumps(payload)[:_EXCERPT],
            provider=provider, request_id=request_id,
        )
    if status is None or (in_stream and body_status):
        status = body_status or status
    cls = _class_for(status, code)
    if in_stream:
        cls = _in_stream(cls)
    kw: dict[str, Any] = {
        "status": status,
        "code": code,
        "request_id": request_id,
        "provider": provider,
        "body": dict(payload),
        "retry_after": retry_after,
    }
    return cls(message or "(no message in the error body)", **kw)


def error_from_body(
    status: int,
    text: str,
    *,
    provider: str | None = None,
    request_id: str | None = None,
    retry_after: float | None = None,
) -> APIStatusError:
    """Map an HTTP error response body (JSON, SSE-framed, HTML or plain text) to a typed error."""
    payload = _json_object(text)
    if payload is None:
        payload = _sse_error_payload(text)
    if payload is not None:
        error = error_from_payload(
            payload, status=status, provider=provider, retry_after=retry_after
        )
        if error.request_id is None:
            error.request_id = request_id
        return error
    cls = _class_for(status, None)
    message = _describe_text(status, text)
    kw: dict[str, Any] = {
        "status": status,
        "request_id": request_id,
        "provider": provider,
        "body": text[:2000],
        "retry_after": retry_after,
    }
    return cls(message, **kw)


_EXCERPT = 200


def unexpected_body(
    what: str,
    why: str,
    text: str,
    *,
    status: int = 200,
    provider: str | None = None,
    request_id: str | None = None,
) -> UnexpectedResponseError:
    """The error for a success answer whose body is not ``what`` (with a bounded excerpt)."""
    excerpt = text[:_EXCERPT] + ("..." if len(text) > _EXCERPT else "")
    return UnexpectedResponseError(
        f"the platform answered {status} with a body that is not {what}: {why}; "
        f"the body starts {excerpt!r}",
        status=status,
        request_id=request_id,
        provider=provider,
        body=text[:2000],
    )


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _sse_error_payload(text: str) -> dict[str, Any] | None:
    """The JSON of the first ``data:`` line of an SSE-framed error body (PROTOCOLS.md A.7 #3)."""
    match = _SSE_DATA.search(text)
    return _json_object(match.group(1).strip()) if match else None


def _describe_text(status: int, text: str) -> str:
    title = _HTML_TITLE.search(text)
    if title:
        return f"gateway returned an HTML page: {title.group(1).strip()!r}"
    plain = " ".join(_TAGS.sub(" ", text).split())
    return plain[:300] if plain else f"empty response body with HTTP {status}"


def sse_frame_status(text: str) -> int | None:
    """The status in a ``:HTTP_STATUS/NNN`` comment line, if any."""
    match = _SSE_STATUS.search(text)
    return int(match.group(1)) if match else None


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret replaced: platforms sometimes echo part of a bad key.

    Also the current secrets of every credential object passed to ``watch_secrets``.
    """
    for secret in (*secrets, *_watched_secrets()):
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


_WATCHED: weakref.WeakSet[Any] = weakref.WeakSet()
_WATCHED_LOCK = threading.Lock()  # clients are built and fail on many threads at once


def watch_secrets(holder: Any) -> None:
    """Redact ``holder.secrets`` (read afresh each time) from every error text while it lives.

    For secrets a client cannot know when it is built: an IAM token obtained later, a token or
    security token inside an ``auth=`` object (``maas_core.auth`` registers every credential).
    """
    with _WATCHED_LOCK:
        _WATCHED.add(holder)


def _watched_secrets() -> list[str]:
    with _WATCHED_LOCK:
        holders = list(_WATCHED)
    return [secret for holder in holders for secret in holder.secrets]


class RepairFailedError(BadRequestError):
    """A known rejection was repaired once (``maas_core.repairs``) and the repaired request was
    rejected too; ``tried`` names the attempts. Never retried further."""

    tried: tuple[str, ...] = ()
