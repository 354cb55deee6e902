"""The management emulator speaks the seeds' shapes: status codes, field names, error bodies."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from maas_core.emulator import Emulator
from maas_core.emulator.management import ManagementConfig

pytestmark = pytest.mark.emulator


@pytest.fixture
def http(emu: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emu.url, timeout=10) as client:
        yield client


def _login(http: httpx.Client, mcfg: ManagementConfig, password: str | None = None
           ) -> httpx.Response:
    user = {"name": mcfg.username, "password": password or mcfg.password,
            "domain": {"name": mcfg.domain}}
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": user}},
                     "scope": {"project": {"name": mcfg.region_id}}}}
    return http.post("/v3/auth/tokens", json=body)


def test_iam_token(http: httpx.Client, mcfg: ManagementConfig) -> None:
    ok = _login(http, mcfg)
    assert ok.status_code == 201 and ok.headers["x-subject-token"]
    token = ok.json()["token"]
    assert token["expires_at"].endswith("Z") and token["methods"] == ["password"]
    bad = _login(http, mcfg, "nope")
    assert bad.status_code == 401 and bad.json()["error"]["message"]


def test_modelarts_shapes(http: httpx.Client, mcfg: ManagementConfig, emu: Emulator) -> None:
    path = f"/v1/{mcfg.project_id}/maas/services/custom-endpoint/services/{mcfg.region_id}"
    invalid = http.get(path, headers={"X-Auth-Token": "forged"})
    assert invalid.status_code == 400  # seed 000 error example
    assert invalid.json() == {"error_msg": "Invalid token.", "error_code": "ModelArts.0104"}
    token = _login(http, mcfg).headers["x-subject-token"]
    page = http.get(path, headers={"X-Auth-Token": token}).json()
    assert set(page) == {"data", "pages", "total"} and page["pages"] == 3
    assert set(page["data"][0]) == {"id", "name", "status", "version", "version_count",
                                    "description", "type", "deploy_type", "user_name",
                                    "workspace_id", "create_at", "update_at", "auth_type"}
    emu.management.expire_tokens()
    expired = http.get(path, headers={"X-Auth-Token": token})
    assert expired.status_code == 401 and expired.json()["error_msg"] == (
        "The token must be updated.")


def test_fabric_shapes(http: httpx.Client, mcfg: ManagementConfig) -> None:
    base = f"/v1/workspaces/{mcfg.fabric_workspace}"
    unauth = http.get(f"{base}/models", headers={"X-Auth-Token": "forged"})
    assert unauth.status_code == 401
    assert set(unauth.json()) == {"error_code", "error_msg", "solution_msg"}
    assert unauth.json()["error_code"] == "APIG.1002"
    headers = {"X-Auth-Token": _login(http, mcfg).headers["x-subject-token"]}
    too_big = http.get(f"{base}/models", params={"limit": 101}, headers=headers)
    assert too_big.status_code == 400 and too_big.json()["error_code"] == "common.01000001"
    listed = http.get(f"{base}/models", params={"limit": 2}, headers=headers).json()
    assert listed["total"] == 25 and len(listed["models"]) == 2
    deploy = http.post(f"{base}/services/instances", headers=headers, json={
        "source": {"id": listed["models"][0]["id"]}, "name": "x", "endpoint_id": "e",
        "config": {"model_instance_config": {"resource": {"min": 3, "max": 2,
                                                          "spec_code": "s"}}}})
    assert deploy.status_code == 400 and "min=3 max=2" in deploy.json()["error_msg"]
    instances = http.get(f"{base}/services/instances", headers=headers).json()
    stopped = next(i for i in instances["service_instances"] if i["status"] == "STOPPED")
    answer = http.post(f"{base}/services/instances/{stopped['id']}/invocations",
                       headers=headers, json={"messages": [{"role": "user", "content": "x"}]})
    assert answer.status_code == 400 and "STOPPED" in answer.json()["error_msg"]


def test_fabric_invocation_stream(http: httpx.Client, mcfg: ManagementConfig) -> None:
    headers = {"X-Auth-Token": _login(http, mcfg).headers["x-subject-token"]}
    base = f"/v1/workspaces/{mcfg.fabric_workspace}/services/instances"
    running = next(i for i in http.get(base, headers=headers).json()["service_instances"]
                   if i["status"] == "RUNNING")
    body = {"model": "m", "stream": True, "messages": [{"role": "user", "content": "a b"}]}
    text = http.post(f"{base}/{running['id']}/invocations", headers=headers, json=body).text
    assert text.startswith("data: {") and text.rstrip().endswith("data: [DONE]")


def test_dashscope_error_body(http: httpx.Client, emu: Emulator) -> None:
    missing = http.get("/api/v1/deployments/nope",
                       headers={"Authorization": f"Bearer {emu.api_key}"})
    assert missing.status_code == 404
    assert set(missing.json()) == {"request_id", "code", "message"}  # seed 004
    assert missing.json()["message"] == "Model: nope not found!"
    got = http.get("/api/v1/deployments/qwen-plus-2025-12-01-b6d61c71",
                   headers={"Authorization": f"Bearer {emu.api_key}"}).json()
    assert set(got) == {"request_id", "output"} and got["output"]["status"] == "RUNNING"


def test_management_emulator_is_independent_of_the_client() -> None:
    """The emulator judges the client: it imports nothing of maas_core outside the emulator."""
    import ast
    from pathlib import Path

    import maas_core.emulator.management as pkg

    for path in Path(pkg.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] if node.level == 0 else []
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert not name.startswith("maas_core") or name.startswith("maas_core.emulator"), (
                    f"{path.name} imports {name}")
