"""AK/SK signing against the vendor's own signer, and the emulator's gateway check (D.6).

Known answers: each request of ``vendor_signer.CASES`` is signed by ``huaweicloudsdkcore``
(``BasicCredentials`` / ``GlobalCredentials`` + ``Signer``, fixed ``X-Sdk-Date``) and by
``AKSKAuth``; the ``Authorization`` header and the request target must be identical byte for byte.
The emulator must accept what the vendor SDK sends (sent with ``requests``, as the SDK does) and
answer APIG's 401 to a tampered header, body, query or date.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest

from maas_core.auth import AKSKAuth
from maas_core.discovery import ModelArtsServices
from maas_core.emulator import Emulator
from maas_core.emulator.management import ManagementConfig

from .vendor_signer import CASES, SignCase, our_sign, ours, vendor_sign

pytestmark = pytest.mark.emulator


# ---- known answers --------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_known_answer_matches_vendor_signer(case: SignCase) -> None:
    vendor, mine = vendor_sign(case), our_sign(case)
    assert mine.authorization == vendor.authorization
    assert mine.target == vendor.target


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_signed_header_is_sent_with_its_signed_value(case: SignCase) -> None:
    mine = our_sign(case)
    names = mine.authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    vendor = vendor_sign(case)
    assert {n: mine.headers[n] for n in names} == {n: vendor.headers[n] for n in names}


def test_hop_by_hop_and_rewritten_headers_are_not_signed() -> None:
    request = ours(SignCase("post", method="POST", headers={"Content-Type": "application/json"},
                            body=b'{"a":1}'))
    signed = request.headers["authorization"].split("SignedHeaders=")[1].split(",")[0]
    assert set(signed.split(";")) == {"content-type", "host", "user-agent", "x-project-id",
                                      "x-sdk-date"}
    for sent_but_unsigned in ("accept", "accept-encoding", "connection", "content-length"):
        assert sent_but_unsigned in request.headers


def test_table_covers_the_documented_request_kinds() -> None:
    methods = {c.method for c in CASES}
    assert {"GET", "POST", "PUT", "DELETE"} <= methods and len(CASES) >= 20
    assert any(c.security_token for c in CASES) and any(c.domain_id for c in CASES)


# ---- the emulator verifies like the gateway -----------------------------------------------------
def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _vendor_request(emu: Emulator, cfg: ManagementConfig, *, method: str = "GET",
                    query: list[tuple[str, Any]] | None = None, body: bytes = b"",
                    date: str | None = None, path: str | None = None,
                    headers: dict[str, str] | None = None) -> SdkRequest:
    """A request to the emulated ModelArts services listing, signed by the vendor SDK."""
    base = httpx.URL(emu.modelarts_url)
    resource = path or (f"/v1/{cfg.project_id}/maas/services/custom-endpoint/services/"
                        f"{cfg.region_id}")
    sent = {"Content-Type": "application/json", "X-Sdk-Date": date or _now(),
            "User-Agent": "huaweicloud-usdk-python/3.0", **(headers or {})}
    request = SdkRequest(method=method, schema=base.scheme, host=base.netloc.decode(),
                         resource_path=base.path.rstrip("/") + resource,
                         query_params=list(query or []), header_params=sent, body=body)
    credentials = BasicCredentials(cfg.access_key, cfg.secret_key, cfg.project_id)
    return credentials.sign_request(request)


def _send(request: SdkRequest, **override: Any) -> requests.Response:
    """Send as the SDK's HTTP client does (``requests``), optionally tampered with."""
    headers = {**request.header_params, **override.get("headers", {})}
    url = override.get("url", request.url)
    with requests.Session() as session:
        return session.request(request.method, url, headers=headers,
                               data=override.get("body", request.body), timeout=10)


def test_emulator_accepts_vendor_signed_requests(emu: Emulator, mcfg: ManagementConfig) -> None:
    signed = _vendor_request(emu, mcfg, query=[("workspace_id", "0"), ("limit", "5"),
                                               ("offset", "5")])
    answer = _send(signed)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["data"]) == 5
    odd = _vendor_request(emu, mcfg, query=[("workspace_id", "my ws+é/~"), ("limit", "5")])
    assert _send(odd).status_code == 200


def test_emulator_accepts_a_vendor_signed_non_ascii_header(emu: Emulator,
                                                          mcfg: ManagementConfig) -> None:
    signed = _vendor_request(emu, mcfg, headers={"X-Request-Tag": "数据 café"})
    assert _send(signed).status_code == 200
    tampered = "数据 cafe".encode().decode("latin-1")  # written on the wire as the SDK does
    _assert_apig_401(_send(signed, headers={"X-Request-Tag": tampered}), "signature fail")


def test_emulator_accepts_vendor_signed_body(emu: Emulator, mcfg: ManagementConfig) -> None:
    path = f"/v1/workspaces/{mcfg.fabric_workspace}/services/instances"
    signed = _vendor_request(emu, mcfg, method="POST", path=path, body=b'{"name": "x"}')
    answer = _send(signed, url=str(httpx.URL(emu.fabric_url).join(signed.uri.lstrip("/"))))
    assert answer.status_code == 400, answer.text  # past the gateway: the service's own 400


def _assert_apig_401(answer: requests.Response, detail: str) -> None:
    assert answer.status_code == 401, answer.text
    body = answer.json()
    assert body["error_code"] == "APIG.0301" and body["request_id"]
    assert body["error_msg"].startswith("Incorrect IAM authentication information")
    assert detail in body["error_msg"]


def test_emulator_rejects_tampered_requests(emu: Emulator, mcfg: ManagementConfig) -> None:
    signed = _vendor_request(emu, mcfg, query=[("workspace_id", "a b"), ("limit", "5")])
    assert _send(signed).status_code == 200
    _assert_apig_401(_send(signed, headers={"X-Project-Id": "other"}), "signature fail")
    _assert_apig_401(_send(signed, url=signed.url.replace("limit=5", "limit=6")),
                     "signature fail")
    # The gateway reads the query strictly: "+" is a plus sign, not the space that was signed.
    _assert_apig_401(_send(signed, url=signed.url.replace("a%20b", "a+b")), "signature fail")
    later = (datetime.now(timezone.utc) + timedelta(seconds=5)).strftime("%Y%m%dT%H%M%SZ")
    _assert_apig_401(_send(signed, headers={"X-Sdk-Date": later}), "signature fail")


def test_emulator_rejects_a_tampered_body(emu: Emulator, mcfg: ManagementConfig) -> None:
    path = f"/v1/workspaces/{mcfg.fabric_workspace}/services/instances"
    signed = _vendor_request(emu, mcfg, method="POST", path=path, body=b'{"name": "x"}')
    url = str(httpx.URL(emu.fabric_url).join(signed.uri.lstrip("/")))
    _assert_apig_401(_send(signed, url=url, body=b'{"name": "y"}'), "signature fail")


def test_emulator_rejects_an_old_date(emu: Emulator, mcfg: ManagementConfig) -> None:
    old = (datetime.now(timezone.utc) - timedelta(minutes=16)).strftime("%Y%m%dT%H%M%SZ")
    _assert_apig_401(_send(_vendor_request(emu, mcfg, date=old)), "expired")


def test_emulator_rejects_wrong_secret_from_vendor(emu: Emulator,
                                                   mcfg: ManagementConfig) -> None:
    wrong = dataclasses.replace(mcfg, secret_key="not-the-secret")
    _assert_apig_401(_send(_vendor_request(emu, wrong)), "signature fail")


def test_our_signed_awkward_query_is_accepted(emu: Emulator, mcfg: ManagementConfig) -> None:
    auth = AKSKAuth(mcfg.access_key, mcfg.secret_key, project_id=mcfg.project_id)
    with ModelArtsServices(project_id=mcfg.project_id, base_url=emu.modelarts_url, auth=auth,
                           workspace_id="my ws+é/~", page_size=5) as client:
        assert client.list_services() == []
    sent = [r for r in emu.requests if "/maas/services/" in r.path]
    assert sent and "workspace_id=my%20ws%2B%C3%A9%2F~" in sent[0].query
