"""Fault injection: status bodies per platform, N failures then success, stream faults, timing."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.emulator.helpers import (
    COMPAT_PATH,
    MAAS_PATH,
    NATIVE_PATH,
    SSE_ON,
    chat_body,
    native_body,
    native_events,
    openai_chunks,
)

pytestmark = pytest.mark.emulator

RATE = {"kind": "status", "status": 429, "retry_after": 0.05}


def _fault(spec: dict) -> dict[str, str]:
    return {"X-Emulator-Fault": json.dumps(spec)}


def test_status_fault_bodies_per_platform(client: httpx.Client) -> None:
    r = client.post(NATIVE_PATH, json=native_body("qwen-max"), headers=_fault(RATE))
    assert (r.status_code, r.headers["retry-after"]) == (429, "0.05")
    assert r.json()["code"] == "Throttling.RateQuota" and r.json()["request_id"]
    r = client.post(COMPAT_PATH, json=chat_body("qwen-max"), headers=_fault(RATE))
    assert r.json()["error"]["code"] == "limit_requests"
    r = client.post(MAAS_PATH, json=chat_body("DeepSeek-V3"), headers=_fault(RATE))
    assert r.json() == {
        "error_code": "ModelArts.81101",
        "error_msg": "Too many requests, exceeded rate limit is 60 times per minute.",
    }
    spec = {"kind": "status", "status": 503, "code": "ModelUnavailable", "message": "down"}
    r = client.post(NATIVE_PATH, json=native_body("qwen-max"), headers=_fault(spec))
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (
        503,
        "ModelUnavailable",
        "down",
    )


def test_times_counts_per_id(client: httpx.Client) -> None:
    headers = _fault({**RATE, "times": 2, "id": "retry-me"})
    statuses = [
        client.post(MAAS_PATH, json=chat_body("DeepSeek-V3"), headers=headers).status_code
        for _ in range(3)
    ]
    assert statuses == [429, 429, 200]


def test_queued_fault(client: httpx.Client, emu) -> None:
    emu.add_fault({"kind": "status", "status": 500, "times": 2, "platform": "compatible"})
    assert client.post(MAAS_PATH, json=chat_body("DeepSeek-V3")).status_code == 200
    codes = [client.post(COMPAT_PATH, json=chat_body("qwen-max")).status_code for _ in range(3)]
    assert codes == [500, 500, 200]
    assert emu.config.faults == []


def test_html_502(client: httpx.Client) -> None:
    r = client.post(
        MAAS_PATH, json=chat_body("DeepSeek-V3"), headers=_fault({"kind": "html", "status": 502})
    )
    assert r.status_code == 502 and r.headers["content-type"].startswith("text/html")
    assert "<center>nginx</center>" in r.text


def test_sse_error_body_with_json_content_type(client: httpx.Client) -> None:
    spec = {
        "kind": "sse_error_body",
        "status": 400,
        "message": "Range of max_tokens should be [1, 32768]",
    }
    r = client.post(NATIVE_PATH, json=native_body("qwen-max"), headers=_fault(spec))
    assert r.status_code == 400 and r.headers["content-type"] == "application/json"
    event = native_events(r.text)[0]
    assert (event["event"], event["status"]) == ("error", 400)
    assert event["data"]["message"] == "Range of max_tokens should be [1, 32768]"


def test_native_error_frame(client: httpx.Client) -> None:
    spec = {
        "kind": "error_frame",
        "after": 0,
        "status": 429,
        "code": "Throttling.AllocationQuota",
        "message": "Allocated quota exceeded, please increase your quota limit.",
    }
    r = client.post(NATIVE_PATH, json=native_body("qwen-max"), headers={**SSE_ON, **_fault(spec)})
    assert r.status_code == 200 and r.headers["x-dashscope-finished"] == "true"
    assert r.text == (
        "id:1\nevent:error\n:HTTP_STATUS/429\ndata:"
        + json.dumps(
            {
                "request_id": r.headers["x-request-id"],
                "code": "Throttling.AllocationQuota",
                "message": "Allocated quota exceeded, please increase your quota limit.",
            },
            separators=(",", ":"),
        )
        + "\n\n"
    )
    spec["after"] = 2
    events = native_events(
        client.post(
            NATIVE_PATH, json=native_body("qwen-max"), headers={**SSE_ON, **_fault(spec)}
        ).text
    )
    assert [e["event"] for e in events] == ["result", "result", "error"] and events[2]["id"] == "3"


def test_compat_error_frame_is_native_style(client: httpx.Client) -> None:
    spec = {"kind": "error_frame", "after": 1, "status": 429}
    r = client.post(COMPAT_PATH, json=chat_body("qwen-max", stream=True), headers=_fault(spec))
    assert r.text.startswith("data: {")
    assert "\n\nid:2\nevent:error\n:HTTP_STATUS/429\ndata:{" in r.text and "[DONE]" not in r.text


def test_maas_error_frame_then_done(client: httpx.Client) -> None:
    spec = {"kind": "error_frame", "after": 2, "status": 500, "message": "boom"}
    chunks = openai_chunks(
        client.post(
            MAAS_PATH, json=chat_body("DeepSeek-V3", stream=True), headers=_fault(spec)
        ).text
    )
    assert len(chunks) == 4 and chunks[-1] == "[DONE]"
    assert chunks[2] == {
        "error": {"message": "boom", "type": "InternalServerError", "param": None, "code": 500}
    }


@pytest.mark.parametrize(
    ("path", "body"),
    [(MAAS_PATH, chat_body("DeepSeek-V3", stream=True)), (NATIVE_PATH, native_body("qwen-max"))],
)
def test_disconnect_is_an_incomplete_body(client: httpx.Client, path, body) -> None:
    seen = []
    with (
        pytest.raises(httpx.RemoteProtocolError),
        client.stream(
            "POST",
            path,
            json=body,
            headers={**SSE_ON, **_fault({"kind": "disconnect", "after": 2})},
        ) as r,
    ):
        for line in r.iter_lines():
            seen.append(line)
    assert any(line.startswith("data:") for line in seen)
    assert "data: [DONE]" not in seen


def test_malformed_event(client: httpx.Client) -> None:
    r = client.post(
        MAAS_PATH,
        json=chat_body("DeepSeek-V3", stream=True),
        headers=_fault({"kind": "malformed", "after": 1}),
    )
    blocks = r.text.split("\n\n")
    json.loads(blocks[0][len("data: ") :])
    with pytest.raises(ValueError):
        json.loads(blocks[1][len("data: ") :])


def test_delay_triggers_client_timeout(client: httpx.Client) -> None:
    with pytest.raises(httpx.ReadTimeout):
        client.post(
            MAAS_PATH,
            json=chat_body("DeepSeek-V3"),
            timeout=0.1,
            headers=_fault({"kind": "delay", "seconds": 0.5}),
        )


def test_drip_splits_utf8(client: httpx.Client) -> None:
    spec = {"kind": "drip", "bytes": 5, "interval": 0}
    body = native_body("qwen-max", text="你好世界", incremental_output=True)
    with client.stream("POST", NATIVE_PATH, json=body, headers={**SSE_ON, **_fault(spec)}) as r:
        pieces = list(r.iter_raw())
    assert max(len(p) for p in pieces) <= 5 and len(pieces) > 20
    events = native_events(b"".join(pieces).decode())
    text = "".join(e["data"]["output"]["choices"][0]["message"]["content"] for e in events)
    assert text == "回答：你好世界"
