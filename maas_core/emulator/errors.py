"""Platform error bodies: one ``PlatformError`` rendered in each platform's own shape.

* DashScope native: flat ``{"request_id","code","message"}`` (PROTOCOLS A.7);
* DashScope compatible mode: ``{"error":{"message","type","param","code"},"request_id"}`` (B.5);
* MaaS: ModelArts ``{"error_code","error_msg"}``, APIG ``{"error_msg","error_code","request_id"}``,
  vLLM flat ``{"object":"error",...}`` or nested ``{"error":{...}}`` (D.4, E.4). Each error has a
  natural MaaS shape (gateway codes -> ModelArts / APIG, backend errors -> vLLM flat); the quirk
  ``error_shape`` forces one.
"""

from __future__ import annotations

from typing import Any

NATIVE = "dashscope"
COMPAT = "compatible"
MAAS = "maas"

_VLLM_TYPES = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    429: "RateLimitError",
    500: "InternalServerError",
    503: "ServiceUnavailableError",
}
# Native code -> compatible-mode code (A.7 table lists "native / compat" spellings).
_COMPAT_CODES = {
    "InvalidApiKey": "invalid_api_key",
    "ModelNotFound": "model_not_found",
    "InvalidParameter": "invalid_request_error",
    "InvalidParameter.NotSupportEnableThinking": "invalid_request_error",
    "Throttling.RateQuota": "limit_requests",
    "Throttling.AllocationQuota": "insufficient_quota",
    "InternalError": "internal_error",
    "DataInspectionFailed": "data_inspection_failed",
    "AccessDenied": "access_denied",
}
_COMPAT_MESSAGES = {
    "InvalidApiKey": "Incorrect API key provided.",
}
_APIG_CODES = {404: "APIG.0101", 429: "APIG.0308", 502: "APIG.0203", 504: "APIG.0203"}

# Defaults for status faults (A.7 / D.4): (native code, message), (MaaS code, message).
DASHSCOPE_DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("InvalidParameter", "Required body invalid, please check the request body format."),
    401: ("InvalidApiKey", "Invalid API-key provided."),
    403: ("AccessDenied", "Access denied."),
    404: ("ModelNotFound", "Model can not be found."),
    429: ("Throttling.RateQuota", "Requests rate limit exceeded, please try again later."),
    500: (
        "InternalError",
        "An internal error has occured, please try again later or contact service support.",
    ),
    503: (
        "ModelServingError",
        "Too many requests. Your requests are being throttled due to "
        "system capacity limits. Please try again later.",
    ),
}
MAAS_DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("ModelArts.81001", "Invalid request body."),
    401: ("ModelArts.81003", "Invalid authorization header."),
    403: ("ModelArts.81004", "Invalid request because you do not have access to it."),
    404: ("ModelArts.81009", "Invalid model."),
    429: ("ModelArts.81101", "Too many requests, exceeded rate limit is 60 times per minute."),
    500: ("InternalServerError", "Internal server error."),
    502: ("APIG.0203", "Backend timeout."),
    503: ("ServiceUnavailableError", "The service is temporarily unavailable."),
    504: ("APIG.0203", "Backend timeout."),
}


class PlatformError(Exception):
    """An error the emulated platform answers with (``code`` is the native / MaaS code)."""

    def __init__(self, status: int, code: str, message: str, *, param: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.param = param


def default_error(
    platform: str, status: int, code: str | None, message: str | None
) -> PlatformError:
    table = MAAS_DEFAULTS if platform == MAAS else DASHSCOPE_DEFAULTS
    fallback = table.get(status) or table[500 if status >= 500 else 400]
    return PlatformError(status, code or fallback[0], message or fallback[1])


def native_body(err: PlatformError, request_id: str) -> dict[str, Any]:
    return {"request_id": request_id, "code": err.code, "message": err.message}


def compat_body(err: PlatformError, request_id: str) -> dict[str, Any]:
    code = _COMPAT_CODES.get(err.code, err.code)
    message = _COMPAT_MESSAGES.get(err.code, err.message)
    etype = "invalid_request_error" if err.status in (400, 401, 404) else code
    error = {"message": message, "type": etype, "param": err.param, "code": code}
    return {"error": error, "request_id": request_id}


def maas_body(err: PlatformError, request_id: str, shape: str | None) -> dict[str, Any]:
    shape = shape or _natural_shape(err.code)
    if shape == "modelarts":
        return {"error_code": err.code, "error_msg": err.message}
    if shape == "apig":
        code = (
            err.code if err.code.startswith("APIG.") else _APIG_CODES.get(err.status, "APIG.0201")
        )
        return {"error_msg": err.message, "error_code": code, "request_id": request_id}
    vllm = {
        "message": err.message,
        "type": _VLLM_TYPES.get(err.status, "BadRequestError"),
        "param": err.param,
        "code": err.status,
    }
    return {"error": vllm} if shape == "openai_nested" else {"object": "error", **vllm}


def _natural_shape(code: str) -> str:
    if code.startswith("ModelArts."):
        return "modelarts"
    return "apig" if code.startswith("APIG.") else "vllm_flat"


def body_for(
    platform: str, err: PlatformError, request_id: str, shape: str | None
) -> dict[str, Any]:
    if platform == NATIVE:
        return native_body(err, request_id)
    if platform == COMPAT:
        return compat_body(err, request_id)
    return maas_body(err, request_id, shape)
