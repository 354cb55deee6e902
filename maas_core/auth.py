"""Credentials as ``httpx.Auth`` objects, so every ``Transport`` request carries them.

Three schemes (PROTOCOLS.md A.2, D.1, D.5, D.6, G.7):

* ``BearerAuth``: ``Authorization: Bearer <key>`` (MaaS inference, DashScope), plus
  ``X-DashScope-WorkSpace`` when a DashScope workspace is given.
* ``IAMTokenAuth``: ``X-Auth-Token`` (ModelArts / MaaS management, DataArts Fabric). Either a
  token you already have, or one obtained by IAM password authentication
  (``POST /v3/auth/tokens`` -> 201, token in the ``X-Subject-Token`` header), cached until shortly
  before its ``expires_at`` and fetched again once when the platform answers 401 or
  "The token must be updated" (D.5).
* ``AKSKAuth``: SDK-HMAC-SHA256 signing of every request as the Huawei Cloud SDK's ``Signer``
  signs it (D.6; checked byte for byte against ``huaweicloudsdkcore`` in the tests):
  ``X-Sdk-Date`` + ``Host``; the raw query pairs sorted, then encoded, and sent exactly as
  signed (``%20``, never ``+``); the end-to-end headers signed (no ``_`` in the name, nothing
  hop-by-hop or rewritten by proxies: ``Connection``, ``Accept``, ``Accept-Encoding``,
  ``Content-Length``); ``UNSIGNED-PAYLOAD`` for non-JSON bodies, the empty hash for no body.

Environment variables (the Huawei Cloud SDK's own names where the SDK has one):

==================================  ===========================================================
``HUAWEICLOUD_SDK_AK``              access key (AK/SK signing)
``HUAWEICLOUD_SDK_SK``              secret key (AK/SK signing)
``HUAWEICLOUD_SDK_SECURITY_TOKEN``  temporary AK/SK security token (``X-Security-Token``)
``HUAWEICLOUD_SDK_PROJECT_ID``      project id (``X-Project-Id``, IAM scope, ModelArts paths)
``HUAWEICLOUD_SDK_IAM_ENDPOINT``    IAM base URL (default ``https://iam.{region}.myhuaweicloud.com``)
``HUAWEICLOUD_TOKEN``               a ready IAM token (sent as ``X-Auth-Token``, never refreshed)
``HUAWEICLOUD_IAM_USERNAME``        IAM user name (password authentication)
``HUAWEICLOUD_IAM_PASSWORD``        IAM user password
``HUAWEICLOUD_IAM_DOMAIN``          account (domain) name the IAM user belongs to
``HUAWEICLOUD_REGION``              region, e.g. ``cn-southwest-2`` (IAM project-name scope)
``MAAS_API_KEY``                    MaaS inference API key (Bearer)
``DASHSCOPE_API_KEY``               DashScope API key (Bearer)
``DASHSCOPE_WORKSPACE_ID``          DashScope workspace (``X-DashScope-WorkSpace``)
==================================  ===========================================================

Precedence for Huawei management APIs: explicit arguments, then AK/SK, then ``HUAWEICLOUD_TOKEN``,
then IAM user/password. No secret ever appears in a ``repr``, a log line or an error message:
every credential object registers with ``errors.watch_secrets``, so even a token obtained later
is masked where a server echoes it. A 401 names the credential that was used (``hint``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import time
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, unquote

import httpx

from .client import MissingCredentialsError
from .errors import AuthenticationError, error_from_body, redact, watch_secrets

__all__ = [
    "AKSKAuth",
    "BearerAuth",
    "IAMTokenAuth",
    "SecretAuth",
    "dashscope_auth",
    "huawei_auth",
    "maas_auth",
    "sign_request",
]

logger = logging.getLogger("maas_core")

IAM_PROVIDER = "huawei-iam"
TOKEN_HEADER = "X-Auth-Token"
_EXPIRED_TEXT = "The token must be updated"  # D.5: IAM's words for an expired/invalid token
_DEFAULT_LIFETIME = 24 * 3600.0  # D.5: tokens are valid 24 hours
ALGORITHM = "SDK-HMAC-SHA256"
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


class SecretAuth(httpx.Auth):
    """An ``httpx.Auth`` that knows its secrets, so they are redacted from every error text
    (``errors.watch_secrets``), and which credential a 401 is about (``hint``)."""

    hint = ""

    @property
    def secrets(self) -> tuple[str, ...]:
        return ()

    def _watch(self) -> None:
        watch_secrets(self)  # tokens obtained later are read afresh at each redaction


# ---- Bearer -------------------------------------------------------------------------------------
class BearerAuth(SecretAuth):
    """``Authorization: Bearer <api_key>`` and, for DashScope, ``X-DashScope-WorkSpace`` (A.2)."""

    def __init__(self, api_key: str, *, workspace: str | None = None) -> None:
        if not api_key:
            raise MissingCredentialsError("BearerAuth needs a non-empty API key")
        self._api_key = api_key
        self.workspace = workspace
        self._watch()

    def __repr__(self) -> str:
        return f"BearerAuth(api_key='***', workspace={self.workspace!r})"

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self._api_key,)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._api_key}"
        if self.workspace:
            request.headers["X-DashScope-WorkSpace"] = self.workspace
        yield request


# ---- IAM token ----------------------------------------------------------------------------------
_SUBJECT_TOKEN = re.compile(r"(b?'x-subject-token',\s*)b?'[^']*'", re.IGNORECASE)


class _RedactSubjectToken(logging.Filter):
    """httpcore's DEBUG trace prints response headers, ``X-Subject-Token`` (the token) included."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "subject-token" in message.lower():
            record.msg, record.args = _SUBJECT_TOKEN.sub(r"\1'***'", message), None
        return True


def _guard_transport_logs() -> None:
    for name in ("httpcore.http11", "httpcore.http2"):
        target = logging.getLogger(name)
        if not any(isinstance(f, _RedactSubjectToken) for f in target.filters):
            target.addFilter(_RedactSubjectToken())


@dataclass(frozen=True)
class _Token:
    value: str
    expires_at: float
    issued_at: float

    def fresh(self, now: float, margin: float) -> bool:
        # Never keep a margin longer than a tenth of the lifetime (short-lived test tokens).
        margin = min(margin, (self.expires_at - self.issued_at) / 10)
        return now < self.expires_at - margin


class IAMTokenAuth(SecretAuth):
    """``X-Auth-Token`` from a given token or from IAM password authentication (PROTOCOLS D.5).

    The token is fetched lazily on the first request, reused until ``refresh_margin`` seconds
    before ``expires_at`` (at most a tenth of its lifetime), and fetched again once when a request
    is answered 401 or with "The token must be updated". A token passed as ``token=`` is used as
    is (there is nothing to refresh it with).
    """

    requires_response_body = True

    def __init__(
        self,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        domain: str | None = None,
        project_id: str | None = None,
        project_name: str | None = None,
        iam_url: str | None = None,
        region: str | None = None,
        refresh_margin: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not token and not (username and password and domain):
            raise MissingCredentialsError(
                "IAMTokenAuth needs token=..., or username=, password= and domain= "
                "(HUAWEICLOUD_TOKEN or HUAWEICLOUD_IAM_USERNAME/_PASSWORD/_DOMAIN)"
            )
        self.username, self.domain = username, domain
        self._password = password
        self.project_id, self.project_name = project_id, project_name or region
        self.iam_url = (iam_url or _iam_url(region)).rstrip("/")
        self.refresh_margin = refresh_margin
        self._clock = clock
        self._static = token
        self._token: _Token | None = None
        self._watch()
        _guard_transport_logs()
        self.fetch_count = 0
        """How many tokens were obtained from IAM (useful to check caching)."""

    def __repr__(self) -> str:
        who = "token='***'" if self._static else f"user={self.username!r}, domain={self.domain!r}"
        return f"IAMTokenAuth({who}, iam_url={self.iam_url!r})"

    @property
    def secrets(self) -> tuple[str, ...]:
        found = [self._static, self._password, self._token.value if self._token else None]
        return tuple(s for s in found if s)

    @property
    def hint(self) -> str:  # type: ignore[override]
        """Which credential to check when the platform refuses this one."""
        if self._static:
            return ("the IAM token (token= or HUAWEICLOUD_TOKEN) was refused: it lasts 24 hours "
                    "and must be scoped to this project; get a new one")
        return (f"the IAM token of user {self.username!r} was refused: check that user's "
                "permissions and its project (project_id= or HUAWEICLOUD_SDK_PROJECT_ID)")

    def login_hint(self) -> str:
        """What to check when IAM refuses the password login itself."""
        return ("check the IAM user name, password and account name (username=, password=, "
                "domain= or HUAWEICLOUD_IAM_USERNAME, HUAWEICLOUD_IAM_PASSWORD, "
                "HUAWEICLOUD_IAM_DOMAIN) and the scope (project_id= or HUAWEICLOUD_SDK_PROJECT_ID, "
                "else HUAWEICLOUD_REGION)")

    def invalidate(self) -> None:
        """Forget the cached token; the next request fetches a new one."""
        self._token = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._static:
            request.headers[TOKEN_HEADER] = self._static
            yield request
            return
        if self._token is None or not self._token.fresh(self._clock(), self.refresh_margin):
            self._store((yield self.token_request()))
        request.headers[TOKEN_HEADER] = self._current()
        response = yield request
        if token_rejected(response):  # refreshed once, never in a loop (D.5)
            logger.info("%s: token rejected (HTTP %s); fetching a new one",
                        IAM_PROVIDER, response.status_code)
            self._store((yield self.token_request()))
            request.headers[TOKEN_HEADER] = self._current()
            yield request

    def token_request(self) -> httpx.Request:
        """The IAM password-authentication request (D.5), project-scoped when a project is known."""
        return httpx.Request(
            "POST",
            f"{self.iam_url}/v3/auth/tokens",
            params={"nocatalog": "true"},
            json=password_auth_body(
                self.username or "", self._password or "", self.domain or "", self._scope()
            ),
            # The vendor SDK's spelling (D.5 shows ``charset=utf8``; IAM takes either).
            headers={"Content-Type": "application/json;charset=utf-8"},
        )

    def _scope(self) -> dict[str, Any]:
        if self.project_id:
            return {"project": {"id": self.project_id}}
        if self.project_name:
            return {"project": {"name": self.project_name}}
        return {"domain": {"name": self.domain}}

    def _current(self) -> str:
        assert self._token is not None
        return self._token.value

    def _store(self, response: httpx.Response) -> None:
        secrets = tuple(s for s in (self._password, response.headers.get("x-subject-token")) if s)
        if response.status_code not in (200, 201):
            error = error_from_body(
                response.status_code, redact(response.text, secrets), provider=IAM_PROVIDER,
                request_id=response.headers.get("x-request-id"),
            )
            if isinstance(error, AuthenticationError):
                error.hint = self.login_hint()
            raise error
        value = response.headers.get("x-subject-token")
        if not value:
            error = AuthenticationError("IAM answered without an X-Subject-Token header",
                                        status=response.status_code, provider=IAM_PROVIDER)
            error.hint = "check HUAWEICLOUD_SDK_IAM_ENDPOINT (iam_url=): it is not an IAM"
            raise error
        self._token = parse_token(value, response, self._clock())
        self.fetch_count += 1


def _iam_url(region: str | None) -> str:
    env = os.environ.get("HUAWEICLOUD_SDK_IAM_ENDPOINT")
    if env:
        return env
    return f"https://iam.{region}.myhuaweicloud.com" if region else "https://iam.myhuaweicloud.com"


def password_auth_body(
    username: str, password: str, domain: str, scope: Mapping[str, Any]
) -> dict[str, Any]:
    """The body of ``POST /v3/auth/tokens`` for password authentication (D.5, verbatim shape)."""
    user = {"name": username, "password": password, "domain": {"name": domain}}
    identity = {"methods": ["password"], "password": {"user": user}}
    return {"auth": {"identity": identity, "scope": dict(scope)}}


def parse_token(value: str, response: httpx.Response, now: float) -> _Token:
    """The token with its lifetime from the body's ``token.expires_at`` / ``issued_at``."""
    try:
        body = response.json().get("token") or {}
    except (ValueError, AttributeError):
        body = {}
    expires = _timestamp(body.get("expires_at")) or now + _DEFAULT_LIFETIME
    issued = _timestamp(body.get("issued_at")) or now
    return _Token(value, expires, min(issued, now))


def _timestamp(text: Any) -> float | None:
    """Seconds since the epoch of IAM's ``2020-01-04T09:05:22.701000Z``; None when unreadable."""
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def token_rejected(response: httpx.Response) -> bool:
    """401, or any error whose body says the token must be updated (D.5)."""
    if response.status_code == 401:
        return True
    return response.status_code >= 400 and _EXPIRED_TEXT in response.text


# ---- AK/SK signing ------------------------------------------------------------------------------
# D.6 as the vendor SDK signs (huaweicloudsdkcore ``Signer``), with one deliberate difference: we
# sign only end-to-end headers. httpx adds hop-by-hop and negotiable headers the vendor's HTTP
# library adds *after* signing; proxies and gateways rewrite or drop those (RFC 9110 7.6.1).
_NEVER_SIGNED = frozenset({
    "authorization", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
    "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
    "accept", "accept-encoding", "content-length",
})
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_CONTENT_HASH = "x-sdk-content-sha256"
_SIGNED_BODY_TYPES = ("application/json", "application/bson")  # the only hashed payloads (D.6)


def encode(text: str) -> str:
    """D.6 percent-encoding: every byte but ``A-Z a-z 0-9 - _ . ~`` (space is ``%20``)."""
    return quote(text, safe="~")


def canonical_uri(path: str) -> str:
    """D.6: unquote, quote each segment with ``safe='~'``, always end with ``/``."""
    uri = "/".join(encode(segment) for segment in unquote(path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def wire_path(raw_path: str) -> str:
    """The path as sent: each ``/``-separated segment in the D.6 encoding (an encoded ``%2F``
    stays inside its segment), so the gateway reads exactly the path that was signed."""
    return "/".join(encode(unquote(segment)) for segment in raw_path.split("/"))


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """D.6 as the vendor does it: sort the *raw* (key, value) pairs, then encode, join by ``&``.

    Sorting after encoding would order ``a-``/``a/`` or ``z``/``é`` differently.
    """
    return "&".join(f"{encode(k)}={encode(v)}" for k, v in sorted(pairs))


def signed_header_names(headers: Iterable[str], connection: str = "") -> list[str]:
    """Lower-cased, sorted names to sign: no ``_`` (nginx drops those), nothing hop-by-hop."""
    hop = {name.strip().lower() for name in connection.split(",")}
    names = {name.lower() for name in headers}
    return sorted(n for n in names if "_" not in n and n not in _NEVER_SIGNED and n not in hop)


def payload_hash(headers: Mapping[str, str], body: bytes) -> str:
    """D.6: the empty-string hash for no body, else ``X-Sdk-Content-Sha256``, else SHA-256."""
    if not body:
        return _EMPTY_SHA256
    lowered = {k.lower(): v for k, v in headers.items()}
    return lowered.get(_CONTENT_HASH) or hashlib.sha256(body).hexdigest()


def canonical_request(
    method: str,
    raw_path: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    body: bytes,
    signed: list[str],
) -> str:
    """CanonicalRequest of D.6 step 3 over the ``signed`` (lower-cased, sorted) header names.

    ``raw_path`` is the percent-encoded path as sent; ``query`` the decoded (key, value) pairs.
    """
    lowered = {k.lower(): v.strip() for k, v in headers.items()}
    canonical_headers = "".join(f"{name}:{lowered.get(name, '')}\n" for name in signed)
    return "\n".join([method.upper(), canonical_uri(raw_path), canonical_query(query),
                      canonical_headers, ";".join(signed), payload_hash(headers, body)])


def string_to_sign(sdk_date: str, canonical: str) -> str:
    """D.6 step 4."""
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return f"{ALGORITHM}\n{sdk_date}\n{digest}"


def signature(sk: str, sdk_date: str, canonical: str) -> str:
    """D.6 step 5: hex HMAC-SHA256 of the string to sign, keyed by the secret key."""
    to_sign = string_to_sign(sdk_date, canonical).encode()
    return hmac.new(sk.encode(), to_sign, hashlib.sha256).hexdigest()


def _prepare(request: httpx.Request, now: datetime | None) -> None:
    """D.6 step 1 plus the vendor's payload rule; the query and path rewritten as signed."""
    if "x-sdk-date" not in request.headers:
        stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
        request.headers["X-Sdk-Date"] = stamp
    if "host" not in request.headers:
        request.headers["Host"] = request.url.netloc.decode("ascii")
    content_type = request.headers.get("content-type")
    if content_type and not content_type.startswith(_SIGNED_BODY_TYPES):
        request.headers["X-Sdk-Content-Sha256"] = UNSIGNED_PAYLOAD
    # What goes on the wire is what was signed: "%20" for a space, never "+" (D.6).
    query = canonical_query(request.url.params.multi_items())
    target = wire_path(request.url.raw_path.decode("ascii").partition("?")[0])
    raw = target + (f"?{query}" if query else "")
    request.url = request.url.copy_with(raw_path=raw.encode("ascii"))


def sign_request(request: httpx.Request, ak: str, sk: str, *, now: datetime | None = None) -> None:
    """Add ``X-Sdk-Date`` / ``Host`` if missing and the ``Authorization`` header (D.6)."""
    request.headers.pop("Authorization", None)
    _prepare(request, now)
    signed = signed_header_names(request.headers.keys(), request.headers.get("connection", ""))
    raw_path = request.url.raw_path.decode("ascii").partition("?")[0]
    canonical = canonical_request(
        request.method, raw_path, request.url.params.multi_items(),
        dict(request.headers), request.content, signed,
    )
    hexsig = signature(sk, request.headers["x-sdk-date"], canonical)
    request.headers["Authorization"] = (
        f"{ALGORITHM} Access={ak}, SignedHeaders={';'.join(signed)}, Signature={hexsig}"
    )


class AKSKAuth(SecretAuth):
    """Huawei Cloud AK/SK request signing, SDK-HMAC-SHA256 (PROTOCOLS D.6).

    Adds ``X-Project-Id`` (project-scoped APIs) or ``X-Domain-Id`` and, for temporary credentials,
    ``X-Security-Token`` before signing, as the SDK credentials do.
    """

    requires_request_body = True

    def __init__(
        self,
        ak: str,
        sk: str,
        *,
        project_id: str | None = None,
        domain_id: str | None = None,
        security_token: str | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if not (ak and sk):
            raise MissingCredentialsError("AKSKAuth needs both ak and sk")
        self.ak, self._sk = ak, sk
        self.project_id, self.domain_id = project_id, domain_id
        self._security_token = security_token
        self._clock = clock
        self._watch()

    @property
    def hint(self) -> str:  # type: ignore[override]
        """Which credential to check when the gateway refuses the signature."""
        temporary = (", HUAWEICLOUD_SDK_SECURITY_TOKEN (security_token=) for temporary keys"
                     if self._security_token else "")
        return ("check the access key and secret key (ak=, sk= or HUAWEICLOUD_SDK_AK, "
                f"HUAWEICLOUD_SDK_SK){temporary}, the project (project_id= or "
                "HUAWEICLOUD_SDK_PROJECT_ID) and this machine's clock (X-Sdk-Date within 15 "
                "minutes)")

    def __repr__(self) -> str:
        return f"AKSKAuth(ak={self.ak[:4]!r}+'***', sk='***', project_id={self.project_id!r})"

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self._sk, self._security_token) if s)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.project_id:
            request.headers["X-Project-Id"] = self.project_id
        elif self.domain_id:
            request.headers["X-Domain-Id"] = self.domain_id
        if self._security_token:
            request.headers["X-Security-Token"] = self._security_token
        request.headers.pop("x-sdk-date", None)  # a retried request is signed afresh
        sign_request(request, self.ak, self._sk, now=self._clock() if self._clock else None)
        yield request


# ---- from arguments and environment -------------------------------------------------------------
def _env(name: str) -> str | None:
    return os.environ.get(name) or None


def huawei_auth(
    *,
    ak: str | None = None,
    sk: str | None = None,
    token: str | None = None,
    username: str | None = None,
    password: str | None = None,
    domain: str | None = None,
    project_id: str | None = None,
    region: str | None = None,
    iam_url: str | None = None,
    security_token: str | None = None,
) -> SecretAuth:
    """Huawei management credentials: explicit arguments first, then the environment.

    Raises ``MissingCredentialsError`` naming the variables to set when nothing is found.
    """
    project_id = project_id or _env("HUAWEICLOUD_SDK_PROJECT_ID")
    region = region or _env("HUAWEICLOUD_REGION")
    explicit = _choose(ak, sk, token, username, password, domain, security_token)
    chosen = explicit or _choose(
        _env("HUAWEICLOUD_SDK_AK"), _env("HUAWEICLOUD_SDK_SK"), _env("HUAWEICLOUD_TOKEN"),
        _env("HUAWEICLOUD_IAM_USERNAME"), _env("HUAWEICLOUD_IAM_PASSWORD"),
        _env("HUAWEICLOUD_IAM_DOMAIN"), _env("HUAWEICLOUD_SDK_SECURITY_TOKEN"),
    )
    if chosen is None:
        raise MissingCredentialsError(
            "no Huawei Cloud credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or "
            "HUAWEICLOUD_TOKEN, or HUAWEICLOUD_IAM_USERNAME, HUAWEICLOUD_IAM_PASSWORD and "
            "HUAWEICLOUD_IAM_DOMAIN"
        )
    kind, values = chosen
    if kind == "aksk":
        return AKSKAuth(values["ak"], values["sk"], project_id=project_id,
                        security_token=values.get("security_token"))
    if kind == "token":
        return IAMTokenAuth(token=values["token"])
    return IAMTokenAuth(username=values["username"], password=values["password"],
                        domain=values["domain"], project_id=project_id, region=region,
                        iam_url=iam_url)


def _choose(
    ak: str | None, sk: str | None, token: str | None, username: str | None,
    password: str | None, domain: str | None, security_token: str | None,
) -> tuple[str, dict[str, str]] | None:
    if ak and sk:
        extra = {"security_token": security_token} if security_token else {}
        return "aksk", {"ak": ak, "sk": sk, **extra}
    if token:
        return "token", {"token": token}
    if username and password and domain:
        return "password", {"username": username, "password": password, "domain": domain}
    return None


def maas_auth(api_key: str | None = None) -> BearerAuth:
    """MaaS inference key: ``api_key`` or ``MAAS_API_KEY``."""
    key = api_key or _env("MAAS_API_KEY")
    if not key:
        raise MissingCredentialsError("no MaaS API key: pass api_key=... or set MAAS_API_KEY")
    return BearerAuth(key)


def dashscope_auth(api_key: str | None = None, workspace: str | None = None) -> BearerAuth:
    """DashScope key and workspace: arguments, else DASHSCOPE_API_KEY / DASHSCOPE_WORKSPACE_ID."""
    key = api_key or _env("DASHSCOPE_API_KEY")
    if not key:
        raise MissingCredentialsError(
            "no DashScope API key: pass api_key=... or set DASHSCOPE_API_KEY")
    return BearerAuth(key, workspace=workspace or _env("DASHSCOPE_WORKSPACE_ID"))
