"""maas_core.auth: AK/SK known answer, IAM token caching / refresh, secrets never shown."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

import httpx
import pytest

from maas_core.auth import (
    AKSKAuth,
    BearerAuth,
    IAMTokenAuth,
    dashscope_auth,
    huawei_auth,
    maas_auth,
    sign_request,
)
from maas_core.client import MissingCredentialsError
from maas_core.discovery import AsyncModelArtsServices, ModelArtsServices
from maas_core.emulator import Emulator
from maas_core.emulator.management import ManagementConfig
from maas_core.errors import AuthenticationError

pytestmark = pytest.mark.emulator


# ---- AK/SK (PROTOCOLS.md D.6) -------------------------------------------------------------------
def test_aksk_known_answer() -> None:
    body = b'{"a":1}'
    request = httpx.Request(
        "POST", "https://fabric.cn-north-4.myhuaweicloud.com/v1/workspaces/ws-1/models",
        params=[("name", "qwen"), ("limit", "10"), ("a", "b c")],
        headers={"Content-Type": "application/json", "X-Sdk-Date": "20240102T030405Z"},
        content=body,
    )
    sign_request(request, "MYAK", "MYSK")

    # Independently, step by step (D.6): end-to-end headers signed (not Content-Length, which
    # proxies rewrite), sorted, trailing "/" on the URI, the query sorted then encoded.
    canonical = "\n".join([
        "POST",
        "/v1/workspaces/ws-1/models/",
        "a=b%20c&limit=10&name=qwen",
        "content-type:application/json\n"
        "host:fabric.cn-north-4.myhuaweicloud.com\nx-sdk-date:20240102T030405Z\n",
        "content-type;host;x-sdk-date",
        hashlib.sha256(body).hexdigest(),
    ])
    to_sign = ("SDK-HMAC-SHA256\n20240102T030405Z\n"
               + hashlib.sha256(canonical.encode()).hexdigest())
    signature = hmac.new(b"MYSK", to_sign.encode(), hashlib.sha256).hexdigest()
    assert request.headers["Authorization"] == (
        "SDK-HMAC-SHA256 Access=MYAK, SignedHeaders=content-type;host;x-sdk-date, "
        f"Signature={signature}"
    )
    assert request.url.query == b"a=b%20c&limit=10&name=qwen"  # sent as signed


def test_aksk_empty_body_and_unsigned_payload() -> None:
    request = httpx.Request("GET", "https://h.example/v1/x",
                            headers={"X-Sdk-Date": "20240102T030405Z"})
    sign_request(request, "AK", "SK")
    canonical = ("GET\n/v1/x/\n\nhost:h.example\nx-sdk-date:20240102T030405Z\n\n"
                 "host;x-sdk-date\n" + hashlib.sha256(b"").hexdigest())
    to_sign = f"SDK-HMAC-SHA256\n20240102T030405Z\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    expected = hmac.new(b"SK", to_sign.encode(), hashlib.sha256).hexdigest()
    assert request.headers["Authorization"].endswith(f"Signature={expected}")


def test_aksk_accepted_by_emulator_and_wrong_sk_rejected(emu: Emulator,
                                                         mcfg: ManagementConfig) -> None:
    good = AKSKAuth(mcfg.access_key, mcfg.secret_key, project_id=mcfg.project_id)
    with ModelArtsServices(project_id=mcfg.project_id, base_url=emu.modelarts_url,
                           auth=good) as client:
        assert len(client.list_services()) > 10
    sent = [r for r in emu.requests if "/maas/services/" in r.path]
    assert sent[0].headers["x-project-id"] == mcfg.project_id
    assert sent[0].headers["authorization"].startswith("SDK-HMAC-SHA256 Access=")
    bad = AKSKAuth(mcfg.access_key, "not-the-secret", project_id=mcfg.project_id)
    with ModelArtsServices(project_id=mcfg.project_id, base_url=emu.modelarts_url,
                           auth=bad) as client, pytest.raises(AuthenticationError) as info:
        client.list_services()
    assert info.value.code == "APIG.0301"
    assert "not-the-secret" not in str(info.value) + repr(bad)


# ---- IAM token (PROTOCOLS.md D.5) ---------------------------------------------------------------
def _services(emu: Emulator, mcfg: ManagementConfig, auth: httpx.Auth) -> ModelArtsServices:
    return ModelArtsServices(project_id=mcfg.project_id, base_url=emu.modelarts_url, auth=auth,
                             page_size=100)


def _token_requests(emu: Emulator) -> int:
    return sum(1 for r in emu.requests if r.path == "/v3/auth/tokens")


def test_iam_token_fetched_once_and_reused(emu: Emulator, mcfg: ManagementConfig,
                                           iam: IAMTokenAuth) -> None:
    with _services(emu, mcfg, iam) as client:
        for _ in range(3):
            client.list_services()
    assert iam.fetch_count == 1 and _token_requests(emu) == 1
    token_call = next(r for r in emu.requests if r.path == "/v3/auth/tokens")
    assert token_call.json["auth"]["identity"]["methods"] == ["password"]
    assert token_call.json["auth"]["scope"] == {"project": {"id": mcfg.project_id}}
    api_calls = [r for r in emu.requests if "/maas/" in r.path]
    assert len({r.headers["x-auth-token"] for r in api_calls}) == 1


def test_iam_token_renewed_before_expiry(emu: Emulator, mcfg: ManagementConfig,
                                         iam: IAMTokenAuth) -> None:
    mcfg.token_ttl = 0.3  # a short-lived token: the client renews it itself, no 401 needed
    with _services(emu, mcfg, iam) as client:
        client.list_services()
        time.sleep(0.35)
        client.list_services()
    assert iam.fetch_count == 2
    assert not any(r.path.endswith("/services/ap-southeast-1") and r.headers.get("x-auth-token")
                   is None for r in emu.requests)


def test_iam_token_refreshed_once_on_401(emu: Emulator, mcfg: ManagementConfig,
                                         iam: IAMTokenAuth) -> None:
    with _services(emu, mcfg, iam) as client:
        client.list_services()
        emu.management.expire_tokens()  # server-side: "The token must be updated."
        emu.requests.clear()
        assert len(client.list_services()) == 26
    assert iam.fetch_count == 2
    assert [r.path.split("/")[-1] for r in emu.requests] == ["ap-southeast-1", "tokens",
                                                             "ap-southeast-1"]


def test_iam_refresh_is_not_a_loop() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/v3/auth/tokens":
            return httpx.Response(201, headers={"X-Subject-Token": "tok-123456"},
                                  json={"token": {}})
        return httpx.Response(401, json={"error_code": "APIG.0307",
                                         "error_msg": "The token must be updated."})

    auth = IAMTokenAuth(username="u", password="p-secret", domain="d", iam_url="http://iam")
    http = httpx.Client(transport=httpx.MockTransport(handler))
    with ModelArtsServices(project_id="p", base_url="http://ma", auth=auth,
                           http_client=http) as client, pytest.raises(AuthenticationError):
        client.list_services()
    assert calls.count("/v3/auth/tokens") == 2 and len(calls) == 4


def test_iam_given_token_sent_as_is(emu: Emulator, mcfg: ManagementConfig) -> None:
    token, _, _ = emu.management.issue_token()
    auth = IAMTokenAuth(token=token)
    with _services(emu, mcfg, auth) as client:
        client.list_services()
    assert _token_requests(emu) == 0
    assert "***" in repr(auth) and token not in repr(auth)


def test_iam_secrets_never_logged_shown_or_raised(emu: Emulator, mcfg: ManagementConfig,
                                                  iam: IAMTokenAuth,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with _services(emu, mcfg, iam) as client:
        client.list_services()
        emu.management.expire_tokens()
        client.list_services()
    tokens = {r.headers["x-auth-token"] for r in emu.requests if "x-auth-token" in r.headers}
    assert len(tokens) == 2
    wrong = IAMTokenAuth(username=mcfg.username, password="wrong-password-123",
                         domain=mcfg.domain, iam_url=emu.iam_url)
    with _services(emu, mcfg, wrong) as client, pytest.raises(AuthenticationError) as info:
        client.list_services()
    assert "username or password is wrong" in str(info.value)
    shown = caplog.text + repr(iam) + repr(wrong) + str(info.value) + repr(client)
    for secret in [*tokens, mcfg.password, "wrong-password-123"]:
        assert secret not in shown


async def test_iam_async_cached_and_refreshed(emu: Emulator, mcfg: ManagementConfig,
                                              iam: IAMTokenAuth) -> None:
    async with AsyncModelArtsServices(project_id=mcfg.project_id, base_url=emu.modelarts_url,
                                      auth=iam) as client:
        await client.list_services()
        await client.list_services()
        assert iam.fetch_count == 1
        emu.management.expire_tokens()
        assert len(await client.list_services()) == 26
    assert iam.fetch_count == 2


# ---- credentials from the environment -----------------------------------------------------------
def test_huawei_auth_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(MissingCredentialsError) as info:
        huawei_auth()
    for name in ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_TOKEN", "HUAWEICLOUD_IAM_USERNAME"):
        assert name in str(info.value)
    monkeypatch.setenv("HUAWEICLOUD_IAM_USERNAME", "u")
    monkeypatch.setenv("HUAWEICLOUD_IAM_PASSWORD", "pw-secret")
    monkeypatch.setenv("HUAWEICLOUD_IAM_DOMAIN", "d")
    assert isinstance(huawei_auth(), IAMTokenAuth)
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "AK123")
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "SK-secret")
    monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", "proj")
    found = huawei_auth()
    assert isinstance(found, AKSKAuth) and found.project_id == "proj"
    assert "SK-secret" not in repr(found)
    assert isinstance(huawei_auth(token="explicit-token"), IAMTokenAuth)


def test_bearer_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(MissingCredentialsError, match="MAAS_API_KEY"):
        maas_auth()
    with pytest.raises(MissingCredentialsError, match="DASHSCOPE_API_KEY"):
        dashscope_auth()
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-secret-value")
    monkeypatch.setenv("DASHSCOPE_WORKSPACE_ID", "llm-ws")
    auth = dashscope_auth()
    request = httpx.Request("GET", "https://x")
    next(auth.auth_flow(request))
    assert request.headers["Authorization"] == "Bearer sk-secret-value"
    assert request.headers["X-DashScope-WorkSpace"] == "llm-ws"
    assert "sk-secret-value" not in repr(auth) and isinstance(auth, BearerAuth)
