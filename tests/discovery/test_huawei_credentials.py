"""Huawei credentials end to end: IAM scope, secrets never echoed back, errors naming the
credential used, and ModelArts "My Services" paging (PROTOCOLS.md D.5-D.7, seed 000)."""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any

import httpx
import pytest

from maas_core import ChatClient
from maas_core.auth import AKSKAuth, IAMTokenAuth
from maas_core.discovery import AsyncModelArtsServices, FabricClient, ModelArtsServices
from maas_core.emulator import Emulator
from maas_core.emulator.management import ManagementConfig
from maas_core.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    error_from_body,
)
from maas_core.types import ChatRequest, Message

from .loopback import Answer, Received, serve

pytestmark = pytest.mark.emulator
OTHER_KEYS = ("MAAS_API_KEY", "DASHSCOPE_API_KEY")


def _services(url: str, auth: httpx.Auth, **kw: Any) -> ModelArtsServices:
    return ModelArtsServices(project_id="p-1", base_url=url, auth=auth, max_retries=0, **kw)


# ---- IAM scope and content type (D.5) -----------------------------------------------------------
def _iam(emu: Emulator, mcfg: ManagementConfig, **scope: str) -> IAMTokenAuth:
    return IAMTokenAuth(username=mcfg.username, password=mcfg.password, domain=mcfg.domain,
                        iam_url=emu.iam_url, **scope)


@pytest.mark.parametrize("scope", [{"project_id": "no-such-project"},
                                   {"project_name": "cn-nowhere-9"}])
def test_iam_refuses_an_unknown_project(emu: Emulator, mcfg: ManagementConfig,
                                        scope: dict[str, str]) -> None:
    with _services(emu.modelarts_url, _iam(emu, mcfg, **scope)) as client, \
            pytest.raises(AuthenticationError) as info:
        client.list_services()
    text = str(info.value)
    assert info.value.provider == "huawei-iam" and "project in the scope" in text
    assert "HUAWEICLOUD_SDK_PROJECT_ID" in text and "HUAWEICLOUD_IAM_PASSWORD" in text
    assert not any(key in text for key in OTHER_KEYS)


def test_iam_accepts_known_project_name_and_domain(emu: Emulator,
                                                   mcfg: ManagementConfig) -> None:
    named = _iam(emu, mcfg, project_name=mcfg.region_id)
    with ModelArtsServices(project_id=mcfg.project_id, base_url=emu.modelarts_url,
                           auth=named) as client:
        assert len(client.list_services()) == 26
    token_call = next(r for r in emu.requests if r.path == "/v3/auth/tokens")
    assert token_call.headers["content-type"] == "application/json;charset=utf-8"
    domain_scoped = httpx.post(f"{emu.iam_url}/v3/auth/tokens", json=_login(mcfg, {
        "domain": {"name": mcfg.domain}}))
    assert domain_scoped.status_code == 201 and "domain" in domain_scoped.json()["token"]


def _login(mcfg: ManagementConfig, scope: dict[str, Any]) -> dict[str, Any]:
    user = {"name": mcfg.username, "password": mcfg.password, "domain": {"name": mcfg.domain}}
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": user}},
                     "scope": scope}}


def test_iam_refuses_unknown_domain_and_non_json(emu: Emulator, mcfg: ManagementConfig) -> None:
    url = f"{emu.iam_url}/v3/auth/tokens"
    unknown = httpx.post(url, json=_login(mcfg, {"domain": {"name": "someone-else"}}))
    assert unknown.status_code == 401 and "domain" in unknown.json()["error"]["message"]
    text = httpx.post(url, content=json.dumps(_login(mcfg, {"domain": {"name": mcfg.domain}})),
                      headers={"Content-Type": "text/plain"})
    assert text.status_code == 400 and "Content-Type" in text.json()["error"]["message"]


# ---- no Huawei secret in any error, repr or log, when the server echoes it ----------------------
TOKENS = (f"iam-token-{n:04d}-0123456789abcdef" for n in itertools.count())


def _echoing(received: Received) -> Answer:
    """IAM issues tokens; everything else is refused with every request header echoed back."""
    if received.target.startswith("/v3/auth/tokens"):
        return 201, {"X-Subject-Token": next(TOKENS)}, {"token": {}}
    echoed = json.dumps(received.headers)
    return 401, {}, {"error_code": "APIG.0301", "error_msg": f"bad credentials {echoed}"}


def _assert_hidden(error: BaseException, secrets: list[str], log: str) -> None:
    shown = " ".join([str(error), repr(error), json.dumps(getattr(error, "body", "")), log])
    assert "bad credentials" in str(error)  # the echo is kept, the secret masked
    for secret in secrets:
        assert secret not in shown


def _auths(url: str) -> list[tuple[httpx.Auth, list[str]]]:
    return [
        (IAMTokenAuth(username="u", password="iam-password-1", domain="d", iam_url=url),
         ["iam-password-1", "iam-token-"]),
        (IAMTokenAuth(token="static-token-0123456789"), ["static-token-0123456789"]),
        (AKSKAuth("AKID0001", "secret-key-0123456789", security_token="sts-token-0123456789"),
         ["secret-key-0123456789", "sts-token-0123456789"]),
    ]


@pytest.mark.parametrize("which", [0, 1, 2], ids=["iam-login", "static-token", "aksk-sts"])
def test_discovery_hides_echoed_secrets(which: int, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with serve(_echoing) as server:
        auth, secrets = _auths(server.url)[which]
        with _services(server.url, auth) as client, pytest.raises(AuthenticationError) as info:
            client.list_services()
        assert any(s[:10] in json.dumps(r.headers) for r in server.received for s in secrets)
    _assert_hidden(info.value, secrets, caplog.text)
    assert secrets[0] not in repr(auth)


@pytest.mark.parametrize("which", [0, 1, 2], ids=["iam-login", "static-token", "aksk-sts"])
async def test_async_discovery_hides_echoed_secrets(which: int,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with serve(_echoing) as server:
        auth, secrets = _auths(server.url)[which]
        async with AsyncModelArtsServices(project_id="p-1", base_url=server.url, auth=auth,
                                          max_retries=0) as client:
            with pytest.raises(AuthenticationError) as info:
                await client.list_services()
    _assert_hidden(info.value, secrets, caplog.text)


@pytest.mark.parametrize("which", [0, 1, 2], ids=["iam-login", "static-token", "aksk-sts"])
def test_chat_client_auth_hides_echoed_secrets(which: int,
                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    request = ChatRequest(model="m", messages=(Message("user", "hi"),))
    with serve(_echoing) as server:
        auth, secrets = _auths(server.url)[which]
        with ChatClient("fabric", base_url=f"{server.url}/v1/ws/invocations", auth=auth,
                        max_retries=0) as client, pytest.raises(AuthenticationError) as info:
            client.chat(request)
    _assert_hidden(info.value, secrets, caplog.text)
    assert "HUAWEICLOUD_" in str(info.value)
    assert not any(key in str(info.value) for key in OTHER_KEYS)


def test_iam_login_failure_hides_echoed_password() -> None:
    def refuse(received: Received) -> Answer:
        return 401, {}, {"error": {"code": 401, "title": "Unauthorized",
                                   "message": f"bad credentials {received.body.decode()}"}}

    with serve(refuse) as server:
        auth = IAMTokenAuth(username="u", password="iam-password-2", domain="d",
                            iam_url=server.url)
        with _services(server.url, auth) as client, pytest.raises(AuthenticationError) as info:
            client.list_services()
    _assert_hidden(info.value, ["iam-password-2"], "")
    assert "HUAWEICLOUD_IAM_USERNAME" in str(info.value)


# ---- auth errors name the credential that was used ----------------------------------------------
def test_aksk_failure_names_the_aksk_variables(emu: Emulator, mcfg: ManagementConfig) -> None:
    bad = AKSKAuth(mcfg.access_key, "wrong-secret-key", project_id=mcfg.project_id)
    with ModelArtsServices(project_id=mcfg.project_id, base_url=emu.modelarts_url,
                           auth=bad) as client, pytest.raises(AuthenticationError) as info:
        client.list_services()
    text = str(info.value)
    assert "HUAWEICLOUD_SDK_AK" in text and "HUAWEICLOUD_SDK_SK" in text and "clock" in text
    assert "HUAWEICLOUD_IAM" not in text and not any(key in text for key in OTHER_KEYS)


def test_token_failure_names_the_token(emu: Emulator, mcfg: ManagementConfig) -> None:
    auth = IAMTokenAuth(token="not-a-token-issued-here")
    with FabricClient(workspace_id=mcfg.fabric_workspace, base_url=emu.fabric_url,
                      auth=auth) as client, pytest.raises(AuthenticationError) as info:
        client.list_models()
    text = str(info.value)
    assert "HUAWEICLOUD_TOKEN" in text and not any(key in text for key in OTHER_KEYS)


def test_iam_password_failure_names_the_iam_variables(emu: Emulator,
                                                      mcfg: ManagementConfig) -> None:
    auth = IAMTokenAuth(username=mcfg.username, password="wrong", domain=mcfg.domain,
                        iam_url=emu.iam_url)
    with _services(emu.modelarts_url, auth) as client, pytest.raises(AuthenticationError) as info:
        client.list_services()
    text = str(info.value)
    assert "HUAWEICLOUD_IAM_PASSWORD" in text and "HUAWEICLOUD_SDK_AK" not in text
    assert not any(key in text for key in OTHER_KEYS)


@pytest.mark.parametrize(("platform", "variable", "other"), [
    ("maas", "MAAS_API_KEY", "DASHSCOPE_API_KEY"),
    ("dashscope", "DASHSCOPE_API_KEY", "MAAS_API_KEY"),
])
def test_api_key_401_names_only_its_platform_variable(platform: str, variable: str,
                                                      other: str) -> None:
    def refuse(received: Received) -> Answer:
        return 401, {}, {"error_code": "ModelArts.81003", "error_msg": "Invalid authorization "
                         "header.", "code": "InvalidApiKey", "message": "Invalid API-key"}

    request = ChatRequest(model="qwen-plus", messages=(Message("user", "hi"),))
    with serve(refuse) as server, ChatClient(platform, api_key="k-1234", base_url=server.url,
                                             max_retries=0) as client, \
            pytest.raises(AuthenticationError) as info:
        client.chat(request)
    text = str(info.value)
    assert variable in text and other not in text and "HUAWEICLOUD" not in text


# ---- ModelArts "My Services" paging (seed 000; ListInferServices rules) -----------------------
def _services_url(emu: Emulator, mcfg: ManagementConfig) -> str:
    return (f"{emu.modelarts_url}/v1/{mcfg.project_id}/maas/services/custom-endpoint/services/"
            f"{mcfg.region_id}")


def _get(emu: Emulator, mcfg: ManagementConfig, iam: IAMTokenAuth,
         params: dict[str, Any]) -> httpx.Response:
    return httpx.get(_services_url(emu, mcfg), params=params, auth=iam,
                     headers={"Content-Type": "application/json"})


@pytest.mark.parametrize(("params", "words"), [
    ({"offset": 7, "limit": 5}, "multiple of limit"),
    ({"limit": 501}, "limit=501"),
    ({"limit": 0}, "limit=0"),
    ({"offset": -5, "limit": 5}, "offset=-5"),
])
def test_emulator_enforces_the_paging_rule(emu: Emulator, mcfg: ManagementConfig,
                                           iam: IAMTokenAuth, params: dict[str, Any],
                                           words: str) -> None:
    answer = _get(emu, mcfg, iam, params)
    assert answer.status_code == 400 and words in answer.json()["error_msg"]


def test_emulator_pages_by_item_offset(emu: Emulator, mcfg: ManagementConfig,
                                       iam: IAMTokenAuth) -> None:
    first = _get(emu, mcfg, iam, {"offset": 0, "limit": 500}).json()
    assert first["pages"] == 1 and len(first["data"]) == first["total"]
    ids = [s["id"] for s in first["data"]]
    third = _get(emu, mcfg, iam, {"offset": 10, "limit": 5}).json()
    assert [s["id"] for s in third["data"]] == ids[10:15] and third["pages"] == -(-len(ids) // 5)


def test_one_request_when_the_first_answer_says_one_page(emu: Emulator, mcfg: ManagementConfig,
                                                         iam: IAMTokenAuth) -> None:
    with ModelArtsServices(project_id=mcfg.project_id, base_url=emu.modelarts_url, auth=iam,
                           page_size=500) as client:
        assert len(client.list_services()) == 26
    sent = [r for r in emu.requests if "/maas/services/" in r.path]
    assert len(sent) == 1 and "limit=500" in sent[0].query


def test_client_stops_on_pages_even_if_the_server_keeps_answering() -> None:
    def always_full(received: Received) -> Answer:
        return 200, {}, {"data": [{"id": received.target, "name": "s"}], "pages": 3,
                         "total": 3}

    with serve(always_full) as server:
        with _services(server.url, IAMTokenAuth(token="tok-0000000001"), page_size=1) as client:
            found = client.list_services()
        offsets = [r.target.split("offset=")[1].split("&")[0] for r in server.received]
    assert len(found) == 3 and offsets == ["0", "1", "2"]


def test_page_size_above_the_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="500"):
        ModelArtsServices(project_id="p", base_url="http://127.0.0.1:9", page_size=501,
                          auth=IAMTokenAuth(token="tok-0000000001"))


def test_status_errors_of_paging_are_bad_requests(emu: Emulator, mcfg: ManagementConfig,
                                                  iam: IAMTokenAuth) -> None:
    answer = _get(emu, mcfg, iam, {"offset": 3, "limit": 2})
    error: APIStatusError = error_from_body(answer.status_code, answer.text)
    assert isinstance(error, BadRequestError) and error.code == "ModelArts.0101"
