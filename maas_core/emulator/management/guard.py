"""Authentication of the Huawei management APIs and every platform's error bodies.

Huawei (PROTOCOLS.md D.5, D.6): ``X-Auth-Token`` issued by the emulated IAM, or an AK/SK
``SDK-HMAC-SHA256`` signature recomputed here with the known SK (an independent implementation:
the emulator never imports the client). Expired tokens get 401 "The token must be updated.".

Error shapes: ModelArts ``{error_code, error_msg}`` (seed 000), Fabric
``{error_code, error_msg, solution_msg}`` (seeds 002/003), DashScope
``{request_id, code, message}`` (seed 004).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from typing import Any
from urllib.parse import quote, unquote

from starlette.requests import Request
from starlette.responses import JSONResponse

from maas_core.emulator.management.store import Management

MODELARTS = "modelarts"
FABRIC = "fabric"
_SIGNATURE = re.compile(
    r"^SDK-HMAC-SHA256\s+Access=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$"
)


class ManagementError(Exception):
    """An error answer in one platform's shape."""

    def __init__(self, status: int, code: str, message: str, *, solution: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.solution = status, code, message, solution

    def response(self, platform: str) -> JSONResponse:
        request_id = str(uuid.uuid4())
        body: dict[str, Any]
        if platform == "dashscope":
            body = {"request_id": request_id, "code": self.code, "message": self.message}
        else:
            body = {"error_code": self.code, "error_msg": self.message}
            if platform == FABRIC:
                body["solution_msg"] = self.solution or ""
        return JSONResponse(body, self.status, headers={"x-request-id": request_id})


def bad_request(platform: str, message: str) -> ManagementError:
    if platform == FABRIC:  # seed 002/003 400 example code
        return ManagementError(400, "common.01000001", message,
                               solution="check the request parameters against the API reference")
    return ManagementError(400, "ModelArts.0101", message)


def not_found(platform: str, message: str) -> ManagementError:
    code = "common.01000001" if platform == FABRIC else "ModelArts.0106"
    return ManagementError(404, code, message, solution="check the id")


# ---- token / signature checks ---------------------------------------------------------------
def check_huawei_auth(mgmt: Management, request: Request, body: bytes, platform: str) -> None:
    """Accept a valid IAM token or a valid AK/SK signature; raise ``ManagementError`` otherwise."""
    authorization = request.headers.get("authorization", "")
    if authorization.startswith("SDK-HMAC-SHA256"):
        _check_signature(mgmt, request, body, authorization)
        return
    token = request.headers.get("x-auth-token")
    if not token:
        raise ManagementError(401, "APIG.1000", "The request has no X-Auth-Token header.",
                              solution="authenticate with an IAM token or AK/SK")
    state = mgmt.token_state(token)
    if state == "expired":  # PROTOCOLS.md D.5 wording
        raise ManagementError(401, "APIG.0307", "The token must be updated.",
                              solution="obtain a new IAM token")
    if state == "unknown":
        if platform == MODELARTS:  # seed 000 error example (sent with 400)
            raise ManagementError(400, "ModelArts.0104", "Invalid token.")
        raise ManagementError(401, "APIG.1002", "Incorrect token or token resolution failed",
                              solution="obtain a new IAM token")


def _check_signature(mgmt: Management, request: Request, body: bytes, header: str) -> None:
    match = _SIGNATURE.match(header.strip())
    if match is None:
        raise ManagementError(401, "APIG.0301", "Malformed SDK-HMAC-SHA256 authorization header")
    access, signed, signature = match.groups()
    config = mgmt.config
    if access != config.access_key:
        raise ManagementError(401, "APIG.0301", "Incorrect IAM authentication information: "
                              "access key not found")
    if not config.verify_signatures:
        return
    expected = expected_signature(request, body, signed.split(";"), config.secret_key)
    if not hmac.compare_digest(expected, signature):
        raise ManagementError(401, "APIG.0301", "Incorrect IAM authentication information: "
                              "verify aksk signature fail")


def expected_signature(request: Request, body: bytes, signed: list[str], sk: str) -> str:
    """PROTOCOLS.md D.6, recomputed from what the server received."""
    segments = unquote(request.url.path).split("/")
    uri = "/".join(quote(s, safe="~") for s in segments)
    uri = uri if uri.endswith("/") else uri + "/"
    pairs = sorted((quote(k, safe="~"), quote(v, safe="~"))
                   for k, v in request.query_params.multi_items())
    query = "&".join(f"{k}={v}" for k, v in pairs)
    headers = "".join(f"{name}:{request.headers.get(name, '').strip()}\n" for name in signed)
    payload = request.headers.get("x-sdk-content-sha256") or hashlib.sha256(body).hexdigest()
    canonical = "\n".join([request.method, uri, query, headers, ";".join(signed), payload])
    date = request.headers.get("x-sdk-date", "")
    to_sign = f"SDK-HMAC-SHA256\n{date}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    return hmac.new(sk.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


def check_bearer(api_key: str, request: Request) -> None:
    """DashScope Bearer key (A.7 ``InvalidApiKey``)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or token.strip() != api_key:
        raise ManagementError(401, "InvalidApiKey", "Invalid API-key provided.")
