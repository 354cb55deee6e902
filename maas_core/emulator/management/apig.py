"""API Gateway (APIG) verification of AK/SK signatures, from the request as received.

PROTOCOLS.md D.6, written from the gateway's side and independent of our client (the emulator
never imports ``maas_core.auth``):

* the canonical URI comes from the raw path as received, the query is read *strictly* from the raw
  query string (``%20`` is a space and ``+`` is a plus sign: the gateway does no form decoding);
* the headers named in ``SignedHeaders`` are taken as received; a signed header that did not
  arrive, an unsigned ``Host`` or ``X-Sdk-Date``, or a date more than 15 minutes away from the
  gateway's clock fails;
* the payload hash is the empty-string hash for no body, else a *signed* ``X-Sdk-Content-Sha256``
  (``UNSIGNED-PAYLOAD``), else the SHA-256 of the body.

Failures answer 401 with APIG's body ``{"error_msg", "error_code", "request_id"}`` (D.4).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, unquote

from starlette.requests import Request
from starlette.responses import JSONResponse

ALGORITHM = "SDK-HMAC-SHA256"
MAX_SKEW = timedelta(minutes=15)  # APIG rejects a signature older or newer than 15 minutes
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_HEADER = re.compile(
    r"^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$"
)


class SignatureRejected(Exception):
    """The gateway's 401 for a bad AK/SK signature."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def response(self) -> JSONResponse:
        request_id = uuid.uuid4().hex
        body = {"error_msg": f"Incorrect IAM authentication information: {self.detail}",
                "error_code": "APIG.0301", "request_id": request_id}
        return JSONResponse(body, 401, headers={"x-request-id": request_id})


def is_signed(request: Request) -> bool:
    return request.headers.get("authorization", "").startswith(ALGORITHM)


def verify(request: Request, body: bytes, *, access_key: str, secret_key: str,
           check_signature: bool = True, now: datetime | None = None) -> None:
    """Raise ``SignatureRejected`` unless ``request`` is signed by ``access_key``/``secret_key``."""
    match = _HEADER.match(request.headers.get("authorization", "").strip())
    if match is None:
        raise SignatureRejected("malformed SDK-HMAC-SHA256 authorization header")
    access, signed_text, signature = match.groups()
    if access != access_key:
        raise SignatureRejected("access key not found")
    if not check_signature:
        return
    signed = signed_text.split(";")
    _check_signed_names(signed)
    sdk_date = _check_date(request.headers.get("x-sdk-date", ""), now)
    canonical = canonical_request(request, body, signed)
    to_sign = f"{ALGORITHM}\n{sdk_date}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    expected = hmac.new(secret_key.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise SignatureRejected("verify aksk signature fail")


def _check_signed_names(signed: list[str]) -> None:
    if signed != sorted(signed) or any(name != name.lower() for name in signed):
        raise SignatureRejected("SignedHeaders must be lower-case and sorted")
    missing = {"host", "x-sdk-date"} - set(signed)
    if missing:
        raise SignatureRejected(f"{', '.join(sorted(missing))} must be signed")


def _check_date(text: str, now: datetime | None) -> str:
    try:
        stamp = datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise SignatureRejected("X-Sdk-Date is missing or not YYYYMMDDTHHMMSSZ") from None
    if abs((now or datetime.now(timezone.utc)) - stamp) > MAX_SKEW:
        raise SignatureRejected("the request has expired (X-Sdk-Date is off by more than "
                                "15 minutes)")
    return text


def strict_query_pairs(raw: bytes) -> list[tuple[str, str]]:
    """(key, value) pairs of a raw query string, percent-decoded only: ``+`` stays ``+``."""
    pairs = []
    for item in raw.decode("latin-1").split("&"):
        if item:
            key, _, value = item.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs


def _encode(text: str) -> str:
    return quote(text, safe="~")


def canonical_request(request: Request, body: bytes, signed: list[str]) -> str:
    """D.6 CanonicalRequest recomputed from the raw path, raw query and received headers."""
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    path = raw_path.decode("latin-1").partition("?")[0]
    uri = "/".join(_encode(s) for s in unquote(path).split("/"))
    uri = uri if uri.endswith("/") else uri + "/"
    pairs = sorted(strict_query_pairs(request.scope.get("query_string", b"")))
    query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs)
    lines = []
    for name in signed:
        values = request.headers.getlist(name)
        if not values:
            raise SignatureRejected(f"signed header {name} was not received")
        lines.append(f"{name}:{_as_sent(','.join(values)).strip()}\n")
    return "\n".join([request.method.upper(), uri, query, "".join(lines), ";".join(signed),
                      _payload_hash(request, body, signed)])


def _as_sent(value: str) -> str:
    """A header value as the client wrote it: the SDK sends UTF-8 bytes, the server reads
    latin-1, and the signature covers the UTF-8 text."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _payload_hash(request: Request, body: bytes, signed: list[str]) -> str:
    if not body:
        return _EMPTY_SHA256
    declared = request.headers.get("x-sdk-content-sha256")
    if declared and "x-sdk-content-sha256" in signed:
        return declared
    return hashlib.sha256(body).hexdigest()
