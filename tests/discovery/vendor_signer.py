"""Requests signed by the Huawei Cloud SDK itself (``huaweicloudsdkcore``), the AK/SK oracle.

A ``SignCase`` describes one request; ``vendor_sign`` signs it with the vendor's credentials and
``Signer`` (fixed ``X-Sdk-Date``) and returns the ``Authorization`` header, the request target it
sends and every header it sends; ``ours`` builds the same request with httpx (default client
headers included, as a real call carries them) and signs it with ``maas_core.auth.AKSKAuth``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit

import httpx
from huaweicloudsdkcore.auth.credentials import BasicCredentials, GlobalCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest

from maas_core.auth import AKSKAuth

SDK_DATE = "20261130T094500Z"
CLOCK = datetime(2026, 11, 30, 9, 45, 0, tzinfo=timezone.utc)
AK, SK = "HPUAKNOWNANSWER0001", "known-answer-secret-key-0123456789abcdef"
USER_AGENT = "huaweicloud-usdk-python/3.0"


@dataclass(frozen=True)
class SignCase:
    name: str
    method: str = "GET"
    base: str = "https://modelarts.ap-southeast-1.myhuaweicloud.com"
    segments: tuple[str, ...] = ("v1", "proj", "maas", "services")
    query: tuple[tuple[str, str], ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    project_id: str | None = "0a1b2c3d4e5f"
    domain_id: str | None = None
    security_token: str | None = None

    @property
    def resource_path(self) -> str:
        """The path as the SDK builds it: each parameter ``quote(v, safe='')`` (client.py)."""
        return "/" + "/".join(quote(s, safe="") for s in self.segments)


@dataclass(frozen=True)
class Signed:
    authorization: str
    target: str
    headers: dict[str, str]


def _credentials(case: SignCase) -> BasicCredentials | GlobalCredentials:
    creds: BasicCredentials | GlobalCredentials
    if case.domain_id:
        creds = GlobalCredentials(AK, SK, case.domain_id)
    else:
        creds = BasicCredentials(AK, SK, case.project_id)
    if case.security_token:
        creds = creds.with_security_token(case.security_token)
    return creds


def vendor_sign(case: SignCase) -> Signed:
    """Sign ``case`` exactly as the vendor SDK does before it hands the request to ``requests``."""
    parts = urlsplit(case.base)
    headers = {"User-Agent": USER_AGENT, "X-Sdk-Date": SDK_DATE, **case.headers}
    request = SdkRequest(method=case.method, schema=parts.scheme, host=parts.netloc,
                         resource_path=case.resource_path, query_params=list(case.query),
                         header_params=headers, body=case.body)
    signed = _credentials(case).sign_request(request)
    sent = {k.lower(): str(v) for k, v in signed.header_params.items()}
    return Signed(sent["authorization"], signed.uri, sent)


def ours(case: SignCase) -> httpx.Request:
    """The same request built by an httpx client and signed by ``AKSKAuth``."""
    with httpx.Client(headers={"User-Agent": USER_AGENT}) as client:
        request = client.build_request(
            case.method, case.base + case.resource_path, params=list(case.query),
            headers={"X-Sdk-Date": SDK_DATE, **case.headers}, content=case.body or None,
        )
    auth = AKSKAuth(AK, SK, project_id=None if case.domain_id else case.project_id,
                    domain_id=case.domain_id, security_token=case.security_token,
                    clock=lambda: CLOCK)
    flow = auth.sync_auth_flow(request)
    signed = next(flow)
    flow.close()
    return signed


def our_sign(case: SignCase) -> Signed:
    request = ours(case)
    return Signed(request.headers["authorization"], request.url.raw_path.decode("ascii"),
                  {k.lower(): v for k, v in request.headers.items()})


JSON = {"Content-Type": "application/json"}
CASES: tuple[SignCase, ...] = (
    SignCase("get, no query"),
    SignCase("get, sorted ascii query", query=(("workspace_id", "ws-1"), ("limit", "10"),
                                                ("offset", "0"))),
    SignCase("space in a query value is %20 on the wire", query=(("name", "deep seek v3"),)),
    SignCase("keys whose order changes under encoding", query=(("a/", "1"), ("a-", "2"),
                                                                ("a", "3"))),
    SignCase("values whose order changes under encoding", query=(("k", "é"), ("k", "z"),
                                                                  ("k", "Z"))),
    SignCase("repeated keys given out of order", query=(("tag", "b"), ("x", "1"), ("tag", "a"),
                                                         ("tag", "a b"))),
    SignCase("non-ascii query key and value", query=(("名称", "深度求索"), ("q", "naïve"))),
    SignCase("reserved characters in values", query=(("q", "a+b&c=d~e*f'(g)!"),
                                                      ("p", "50%/x?y#z"))),
    SignCase("empty query value", query=(("workspace_id", ""), ("a", "1"))),
    SignCase("path segments with spaces", segments=("v1", "proj", "my service", "a b")),
    SignCase("non-ascii path segments", segments=("v1", "proj", "服务", "café")),
    SignCase("sub-delimiters in a path segment", segments=("v1", "a:b@c", "d!$&'()*+,;=e")),
    SignCase("trailing slash path", segments=("v1", "proj", "services", "")),
    SignCase("post json body", method="POST", headers=dict(JSON),
             body=b'{"name":"svc","limit":10}'),
    SignCase("post json, empty body", method="POST", headers=dict(JSON)),
    SignCase("put json body with query", method="PUT", headers=dict(JSON),
             query=(("force", "true"),), body='{"name":"名前"}'.encode()),
    SignCase("delete, no body", method="DELETE", segments=("v1", "ws", "instances", "i-1")),
    SignCase("IAM content type", method="POST",
             headers={"Content-Type": "application/json;charset=utf-8"}, body=b'{"auth":{}}'),
    SignCase("non-json body is UNSIGNED-PAYLOAD", method="POST",
             headers={"Content-Type": "text/plain"}, body=b"hello"),
    SignCase("non-json empty body hashes the empty string", method="POST",
             headers={"Content-Type": "application/octet-stream"}),
    SignCase("temporary credentials", security_token="temporary-security-token-xyz",
             query=(("limit", "1"),)),
    SignCase("domain-scoped (global) credentials", project_id=None, domain_id="d0m41n1d",
             base="https://iam.myhuaweicloud.com", segments=("v3", "projects")),
    SignCase("header names with _ are not signed",
             headers={"X_Custom_Trace": "t-1", "X-Request-Tag": "blue  green"}),
    SignCase("loopback host with a port", base="http://127.0.0.1:8765",
             query=(("offset", "0"), ("limit", "500"))),
)
