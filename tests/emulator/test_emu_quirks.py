"""Quirk switches, per request (X-Emulator-Quirks) and per instance (emu.config.quirks)."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.emulator.helpers import (
    COMPAT_PATH,
    MAAS_PATH,
    NATIVE_PATH,
    SSE_ON,
    WEATHER_TOOL,
    chat_body,
    native_body,
    native_events,
    openai_chunks,
)

pytestmark = pytest.mark.emulator


def _chunks(client: httpx.Client, quirks: str, body: dict, path: str = MAAS_PATH) -> list:
    r = client.post(path, json={**body, "stream": True}, headers={"X-Emulator-Quirks": quirks})
    assert r.status_code == 200, r.text
    return openai_chunks(r.text)


def _deltas(chunks: list) -> list[dict]:
    return [c["choices"][0]["delta"] for c in chunks if isinstance(c, dict) and c["choices"]]


@pytest.mark.parametrize(
    ("value", "fields"),
    [
        ("reasoning_content", {"reasoning_content"}),
        ("reasoning", {"reasoning"}),
        ("both", {"reasoning", "reasoning_content"}),
    ],
)
def test_reasoning_field(client: httpx.Client, value, fields) -> None:
    deltas = _deltas(_chunks(client, f"reasoning_field={value}", chat_body("DeepSeek-R1")))
    reasoning = [d for d in deltas if "content" not in d]
    assert reasoning and all(set(d) == fields for d in reasoning)
    message = client.post(
        MAAS_PATH,
        json=chat_body("DeepSeek-R1"),
        headers={"X-Emulator-Quirks": f"reasoning_field={value}"},
    ).json()
    assert fields <= set(message["choices"][0]["message"])


def test_usage_modes(client: httpx.Client) -> None:
    body = chat_body("DeepSeek-V3")
    none = _chunks(client, "usage=none", body)[:-1]
    assert all("usage" not in c for c in none)
    final = _chunks(client, "usage=final", body)[:-1]
    assert final[-1]["choices"] == [] and all("usage" not in c for c in final[:-1])
    finish = _chunks(client, "usage=finish", body)[:-1]
    assert finish[-1]["choices"][0]["finish_reason"] == "stop" and finish[-1]["usage"]
    assert all("usage" not in c for c in finish[:-1])
    every = _chunks(client, "usage=every", chat_body("qwen-plus"), COMPAT_PATH)[:-1]
    assert all(c["usage"]["completion_tokens"] >= 0 for c in every)


def test_usage_details_for_maas(client: httpx.Client) -> None:
    last = _chunks(client, "usage_details=true", chat_body("DeepSeek-R1"))[-2]
    assert last["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0
    assert "cached_tokens" in last["usage"]["prompt_tokens_details"]


@pytest.mark.parametrize("mode", ["fresh", "same"])
def test_repeat_tool_ids(client: httpx.Client, mode) -> None:
    body = chat_body("DeepSeek-V3", text="Paris", tools=[WEATHER_TOOL])
    calls = [
        t
        for d in _deltas(_chunks(client, f"repeat_tool_ids={mode}", body))
        for t in d.get("tool_calls", [])
    ]
    ids = [t["id"] for t in calls]
    assert len(ids) == 3 and all(re.fullmatch(r"chatcmpl-tool-[0-9a-f]+", i) for i in ids)
    assert len(set(ids)) == (3 if mode == "fresh" else 1)


def test_content_with_finish_and_reasoning_with_content(client: httpx.Client) -> None:
    chunks = _chunks(
        client, "content_with_finish=1;reasoning_with_content=1", chat_body("DeepSeek-R1")
    )
    deltas = _deltas(chunks)
    both = [d for d in deltas if d.get("reasoning_content") and d.get("content")]
    assert (
        len(both) == 1
        and both[0]["reasoning_content"] == " step."
        and both[0]["content"] == "Echo:"
    )
    last = chunks[-2]["choices"][0]
    assert last["finish_reason"] == "stop" and last["delta"]["content"] == " hello"


def test_native_content_with_finish(client: httpx.Client) -> None:
    r = client.post(
        NATIVE_PATH,
        json=native_body("qwen-max", incremental_output=True),
        headers={**SSE_ON, "X-Emulator-Quirks": "content_with_finish"},
    )
    last = native_events(r.text)[-1]["data"]["output"]["choices"][0]
    assert last == {"message": {"content": " hello", "role": "assistant"}, "finish_reason": "stop"}


def test_think_tags_no_open(client: httpx.Client) -> None:
    chunks = _chunks(
        client,
        "think_tags=no_open",
        chat_body("DeepSeek-R1-Distill-Qwen-1.5B"),
        "/v1/infers/s/v1/chat/completions",
    )
    text = "".join(d.get("content") or "" for d in _deltas(chunks))
    assert text.startswith("The user asks:") and "\n</think>\n\nEcho: Say hello" in text


@pytest.mark.parametrize(
    ("shape", "body"),
    [
        (
            "vllm_flat",
            {
                "object": "error",
                "message": "The model `x` does not exist.",
                "type": "NotFoundError",
                "param": None,
                "code": 404,
            },
        ),
        (
            "openai_nested",
            {
                "error": {
                    "message": "The model `x` does not exist.",
                    "type": "NotFoundError",
                    "param": None,
                    "code": 404,
                }
            },
        ),
        (
            "modelarts",
            {"error_code": "NotFoundError", "error_msg": "The model `x` does not exist."},
        ),
    ],
)
def test_error_shapes(client: httpx.Client, shape, body) -> None:
    r = client.post(
        MAAS_PATH, json=chat_body("x"), headers={"X-Emulator-Quirks": f"error_shape={shape}"}
    )
    assert r.status_code == 404 and r.json() == body


def test_error_shape_apig(client: httpx.Client, emu) -> None:
    emu.config.quirks.error_shape = "apig"  # instance-level switch
    r = client.post(MAAS_PATH, json=chat_body("x"))
    assert r.json()["error_code"] == "APIG.0101" and r.json()["request_id"]


def test_drop_done(client: httpx.Client) -> None:
    chunks = _chunks(client, "drop_done", chat_body("qwen-max"), COMPAT_PATH)
    assert chunks[-1] != "[DONE]" and chunks[-1]["choices"][0]["finish_reason"] == "stop"


def test_unknown_quirk_is_a_plain_400(client: httpx.Client) -> None:
    r = client.post(
        MAAS_PATH, json=chat_body("DeepSeek-V3"), headers={"X-Emulator-Quirks": "nope=1"}
    )
    assert r.status_code == 400 and "unknown quirk" in r.text
