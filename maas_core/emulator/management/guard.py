"""Authentication of the Huawei management APIs and every platform's error bodies.

Huawei (PROTOCOLS.md D.5, D.6): ``X-Auth-Token`` issued by the emulated IAM, or an AK/SK
``SDK-HMAC-SHA256`` signature verified as the gateway does (``apig``: an independent
implementation, the emulator never imports the client). Expired tokens get 401 "The token
must be updated.".

Error shapes: ModelArts ``{error_code, error_msg}`` (seed 000), Fabric
``{error_code, error_msg, solution_msg}`` (seeds 002/003), DashScope
``{request_id, code, message}`` (seed 004).
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from maas_core.emulator.management import apig
from maas_core.emulator.management.store import Management

MODELARTS = "modelarts"
FABRIC = "fabric"


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
    if apig.is_signed(request):  # raises apig.SignatureRejected, answered by the gateway
        config = mgmt.config
        apig.verify(request, body, access_key=config.access_key, secret_key=config.secret_key,
                    check_signature=config.verify_signatures)
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


def check_bearer(api_key: str, request: Request) -> None:
    """DashScope Bearer key (A.7 ``InvalidApiKey``)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or token.strip() != api_key:
        raise ManagementError(401, "InvalidApiKey", "Invalid API-key provided.")
