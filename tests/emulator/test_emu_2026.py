"""The emulator's 2026 rules over raw HTTP (PROTOCOLS-2026 A.9, D.7): endpoint split with the
exact ``url error``, multimodal shapes and usage, thinking defaults, thinking-mode 400s,
``reasoning_effort`` validation, MaaS V2 ``thinking`` and glm-5.3."""

from __future__ import annotations

import httpx
import pytest

from maas_core.emulator.validation import URL_ERROR
from tests.emulator.helpers import (
    MM_PATH,
    NATIVE_PATH,
    SSE_ON,
    WEATHER_TOOL,
    chat_body,
    native_body,
    native_events,
)


def _mm(model: str, text: str = "Say hello", **parameters: object) -> dict:
    return {
        "model": model,
        "input": {"messages": [{"role": "user", "content": [{"text": text}]}]},
        "parameters": {"incremental_output": True, **parameters},
    }


@pytest.mark.parametrize(
    ("model", "path"),
    [("qwen3.6-plus", NATIVE_PATH), ("qwen3.8-max", NATIVE_PATH), ("deepseek-v4-pro", MM_PATH),
     ("glm-5.2", MM_PATH), ("kimi-k2.6", MM_PATH)],
)
def test_wrong_endpoint_answers_the_real_url_error(client: httpx.Client, model: str, path: str):
    body = native_body(model) if path == NATIVE_PATH else _mm(model)
    r = client.post(path, json=body)
    assert r.status_code == 400
    assert r.json()["code"] == "InvalidParameter" and r.json()["message"] == URL_ERROR
    assert set(r.json()) == {"request_id", "code", "message"}  # flat native body (A.7)


def test_multimodal_stream_shapes_and_usage(client: httpx.Client) -> None:
    r = client.post(MM_PATH, json=_mm("qwen3.6-plus", tools=[WEATHER_TOOL]), headers=SSE_ON)
    assert r.status_code == 200
    events = native_events(r.text)
    messages = [e["data"]["output"]["choices"][0]["message"] for e in events]
    thinking = [m for m in messages if m.get("reasoning_content")]
    assert thinking and all(m["content"] == [] for m in thinking)  # default ON, content []
    assert any(m.get("tool_calls") for m in messages)
    usage = events[-1]["data"]["usage"]
    assert usage["prompt_tokens_details"] == {}
    assert usage["input_tokens_details"]["text_tokens"] == usage["input_tokens"]
    details = usage["output_tokens_details"]
    assert details["reasoning_tokens"] + details["text_tokens"] == usage["output_tokens"]


def test_multimodal_non_stream_thinking_by_default(client: httpx.Client) -> None:
    r = client.post(MM_PATH, json=_mm("qwen3.8-max"))
    message = r.json()["output"]["choices"][0]["message"]
    assert message["content"] == [{"text": "Echo: Say hello"}]
    assert message["reasoning_content"]


def test_multimodal_content_items_are_one_modality(client: httpx.Client) -> None:
    body = _mm("qwen3.6-plus")
    body["input"]["messages"][0]["content"] = [{"type": "text", "text": "x"}]
    r = client.post(MM_PATH, json=body)
    assert r.status_code == 400
    assert r.json()["message"] == "The item of content should be a message of a certain modal."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_mm("qwen3.7-plus", "answer in json", response_format={"type": "json_object"}),
         "Json mode response is not supported when enable_thinking is true"),
        (_mm("qwen3.7-plus", tools=[WEATHER_TOOL], tool_choice="required"),
         'tool_choice is one of the strings that should be ["none", "auto"]'),
        (native_body("MiniMax-M2.5", enable_thinking=False),
         "The value of the enable_thinking parameter is restricted to True."),
        (native_body("deepseek-v4-pro", reasoning_effort="max"),
         "The reasoning_effort parameter must be one of [low, medium, high, xhigh]."),
        (native_body("qwen-plus", reasoning_effort="high"),
         "The reasoning_effort parameter is not supported by model qwen-plus."),
    ],
)
def test_thinking_mode_400s(client: httpx.Client, body: dict, message: str) -> None:
    path = MM_PATH if body["model"].startswith("qwen3.") else NATIVE_PATH
    r = client.post(path, json=body, headers=SSE_ON)
    assert r.status_code == 400 and r.json()["message"] == message


def test_thinking_off_allows_json_mode(client: httpx.Client) -> None:
    body = _mm("qwen3.7-plus", "answer in json", response_format={"type": "json_object"},
               enable_thinking=False)
    assert client.post(MM_PATH, json=body).status_code == 200


def test_reasoning_effort_accepted(client: httpx.Client) -> None:
    body = native_body("deepseek-v4-pro", enable_thinking=True, reasoning_effort="xhigh",
                       incremental_output=False)
    r = client.post(NATIVE_PATH, json=body)
    assert r.status_code == 200
    usage = r.json()["usage"]
    assert usage["output_tokens_details"]["reasoning_tokens"] > 0


def test_maas_v2_thinking_defaults_and_glm_53(client: httpx.Client) -> None:
    r = client.post("/v2/chat/completions", json=chat_body("glm-5.2"))
    assert r.json()["choices"][0]["message"]["reasoning_content"]
    off = chat_body("glm-5.2", thinking={"type": "disabled"})
    message = client.post("/v2/chat/completions", json=off).json()["choices"][0]["message"]
    assert not message.get("reasoning_content")
    refused = client.post("/v2/chat/completions",
                          json=chat_body("glm-5.3", thinking={"type": "disabled"}))
    assert refused.status_code == 400 and "cannot be disabled" in refused.text
    v1 = client.post("/v1/chat/completions",
                     json=chat_body("glm-5.3", thinking={"type": "enabled"}))
    assert v1.status_code == 400 and "extra_forbidden" in v1.text  # V1 has no "thinking"
