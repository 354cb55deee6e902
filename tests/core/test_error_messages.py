"""One message format for every platform and error class, with hints that fit the facts.

Each case sends a real request to the emulator (loopback HTTP) and reads ``str(error)`` as a user
would: no status repeated as a code, "retried" only when retries were allowed and made, a key
error naming only its platform's variable, a protocol / base URL mismatch named as such, a Fabric
404 naming the workspace.
"""

from __future__ import annotations

import json
import re
import socket

import pytest

from maas_core import ChatClient, ChatRequest, Message, errors
from maas_core.auth import IAMTokenAuth
from maas_core.discovery.fabric import FabricClient
from maas_core.emulator import Emulator

pytestmark = pytest.mark.emulator

HELLO = (Message(role="user", content="hello"),)


def _fault(kind: str = "status", **spec: object) -> dict[str, str]:
    return {"X-Emulator-Fault": json.dumps({"kind": kind, **spec})}


def _error(client: ChatClient, model: str = "DeepSeek-V3", stream: bool = False) -> Exception:
    request = ChatRequest(model=model, messages=HELLO)
    with pytest.raises(errors.MaaSError) as caught:
        if stream:
            list(client.stream(request))
        else:
            client.chat(request)
    return caught.value


@pytest.mark.parametrize("status", [404, 400, 429, 500])
def test_no_status_repeated_as_code(emu: Emulator, status: int) -> None:
    headers = {} if status in (404, 400) else _fault(status=status)
    model = "no-such-model" if status == 404 else "DeepSeek-V3"
    client = ChatClient("maas", api_key=emu.api_key, base_url=emu.maas_base_url, max_retries=0,
                        default_headers=headers)
    request = ChatRequest(model=model, messages=HELLO,
                          extra_body={"no_such_field": 1} if status == 400 else None)
    with pytest.raises(errors.APIStatusError) as caught:
        client.chat(request)
    text = str(caught.value)
    assert text.startswith(f"[huawei-maas] HTTP {status}")
    assert f"{status} {status}" not in text, text


def test_code_kept_when_it_is_not_the_status(emu: Emulator) -> None:
    client = ChatClient("dashscope", api_key=emu.api_key, base_url=emu.dashscope_base_url)
    text = str(_error(client, model="no-such-model"))
    assert "HTTP 404 ModelNotFound: " in text


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("status", [429, 500])
def test_no_retry_claim_with_max_retries_zero(emu: Emulator, status: int, stream: bool) -> None:
    client = ChatClient("maas", api_key=emu.api_key, base_url=emu.maas_base_url, max_retries=0,
                        default_headers=_fault(status=status))
    error = _error(client, stream=stream)
    assert error.retries == 0
    assert "retried" not in str(error) and "retry" not in error.hint


@pytest.mark.parametrize("stream", [False, True])
def test_retry_claim_counts_the_retries_made(emu: Emulator, stream: bool) -> None:
    client = ChatClient("maas", api_key=emu.api_key, base_url=emu.maas_base_url, max_retries=2,
                        default_headers=_fault(status=429, retry_after=0.01))
    error = _error(client, stream=stream)
    assert isinstance(error, errors.RateLimitError)
    assert str(error).endswith("slow down or raise the quota; retried 2 times with backoff "
                               "before giving up")
    assert len([r for r in emu.requests if r.path.endswith("/chat/completions")]) == 3


def test_not_retryable_rate_limit_makes_no_retry_claim(emu: Emulator) -> None:
    body = {"error": {"code": "insufficient_quota", "message": "quota exceeded"}}
    error = errors.error_from_payload(body, status=429, provider="dashscope")
    assert "retried" not in str(error)


def test_connection_error_hint_without_retries() -> None:
    with socket.socket() as sock:  # a port nobody listens on: bound, never listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        client = ChatClient("maas", api_key="sk-x", base_url=f"http://127.0.0.1:{port}/v1",
                            max_retries=0)
        error = _error(client)
    assert isinstance(error, errors.APIConnectionError)
    assert str(error).endswith(" - check the base URL and your network")


@pytest.mark.parametrize(("platform", "mine", "other"), [
    ("maas", "MAAS_API_KEY", "DASHSCOPE_API_KEY"),
    ("dashscope", "DASHSCOPE_API_KEY", "MAAS_API_KEY"),
    ("dashscope-compatible", "DASHSCOPE_API_KEY", "MAAS_API_KEY"),
])
def test_wrong_key_names_only_its_platform_variable(emu: Emulator, platform: str, mine: str,
                                                    other: str) -> None:
    base = {"maas": emu.maas_base_url, "dashscope": emu.dashscope_base_url,
            "dashscope-compatible": emu.dashscope_compatible_base_url}[platform]
    model = "DeepSeek-V3" if platform == "maas" else "qwen-plus"
    client = ChatClient(platform, api_key="sk-wrong-key", base_url=base)
    text = str(_error(client, model=model))
    assert mine in text and other not in text and "HUAWEICLOUD" not in text
    assert "sk-wrong-key" not in text


def test_compatible_protocol_on_native_url_says_so(emu: Emulator) -> None:
    client = ChatClient("dashscope-compatible", api_key=emu.api_key,
                        base_url=emu.dashscope_base_url)
    error = _error(client, model="qwen-plus")
    assert isinstance(error, errors.NotFoundError)
    assert 'speaks compatible mode (protocol="compatible"): pass protocol="native"' in str(error)
    assert "model name" not in str(error)


@pytest.mark.parametrize("stream", [False, True])
def test_native_protocol_on_compatible_url_says_so(emu: Emulator, stream: bool) -> None:
    client = ChatClient("dashscope", api_key=emu.api_key,
                        base_url=emu.dashscope_compatible_base_url)
    text = str(_error(client, model="qwen-plus", stream=stream))
    assert "is DashScope's compatible mode but this client speaks the native API" in text
    assert 'pass protocol="compatible"' in text and "model name" not in text


def test_maas_base_url_without_its_root_says_so(emu: Emulator) -> None:
    client = ChatClient("maas", api_key=emu.api_key, base_url=emu.url)
    text = str(_error(client))
    assert f"the base URL {emu.url} is not a MaaS inference root: it ends in /v1" in text
    assert "model name" not in text


def test_unknown_model_on_the_right_url_still_talks_about_names(emu: Emulator) -> None:
    client = ChatClient("dashscope-compatible", api_key=emu.api_key,
                        base_url=emu.dashscope_compatible_base_url)
    assert "check the model name" in str(_error(client, model="no-such-model"))


def _iam(emu: Emulator) -> IAMTokenAuth:
    cfg = emu.management.config
    return IAMTokenAuth(username=cfg.username, password=cfg.password, domain=cfg.domain,
                        project_id=cfg.project_id, iam_url=emu.iam_url)


def test_fabric_listing_404_names_the_workspace(emu: Emulator) -> None:
    with FabricClient("wrong-ws", base_url=emu.fabric_url, ep_url=emu.fabric_ep_url,
                      auth=_iam(emu)) as fabric, pytest.raises(errors.NotFoundError) as caught:
        fabric.list_models()
    text = str(caught.value)
    assert "check the Fabric workspace id 'wrong-ws'" in text
    assert "HUAWEICLOUD_FABRIC_WORKSPACE_ID" in text and "model name" not in text


def test_fabric_invocation_404_names_workspace_and_instance(emu: Emulator) -> None:
    url = f"{emu.fabric_ep_url}/v1/workspaces/wrong-ws/services/instances/inst-1/invocations"
    client = ChatClient("fabric", base_url=url, auth=_iam(emu))
    text = str(_error(client, model="any"))
    assert re.search(r"workspace id 'wrong-ws'.*instance id 'inst-1'", text), text


def test_same_format_for_connection_and_status_errors() -> None:
    status = errors.ServerError("boom", status=503, provider="dashscope")
    status.retries = 1
    assert str(status) == ("[dashscope] HTTP 503: boom - a platform-side failure; try again "
                           "later; retried once with backoff before giving up")
    timeout = errors.APITimeoutError("[dashscope] ReadTimeout calling http://x: timed out")
    assert str(timeout) == ("[dashscope] ReadTimeout calling http://x: timed out - raise "
                            "`timeout`, or stream long generations")
    plain = errors.UnsupportedParameterError("n > 1 cannot be streamed")
    assert str(plain) == "n > 1 cannot be streamed"
