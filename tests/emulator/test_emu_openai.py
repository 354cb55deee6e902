"""MaaS (vLLM framing, D.1-D.4) and DashScope compatible mode (B, F4a-F4c) over raw HTTP."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.emulator.helpers import (
    COMPAT_PATH,
    MAAS_PATH,
    TIME_TOOL,
    WEATHER_TOOL,
    chat_body,
    openai_chunks,
)

pytestmark = pytest.mark.emulator


def _stream(client: httpx.Client, path: str, body: dict, **headers: str) -> list:
    r = client.post(path, json={**body, "stream": True}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    return openai_chunks(r.text)


def _reasoning(chunks: list, field: str = "reasoning_content") -> str:
    return "".join(c["choices"][0]["delta"].get(field) or "" for c in chunks if c["choices"])


def _content(chunks: list) -> str:
    return "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])


# ---- MaaS -------------------------------------------------------------------------------------
def test_maas_reasoning_stream_usage_on_every_chunk(client: httpx.Client) -> None:
    chunks = _stream(client, MAAS_PATH, chat_body("DeepSeek-R1"))
    assert chunks[-1] == "[DONE]"
    data = chunks[:-1]
    assert all(re.fullmatch(r"chat-[0-9a-f]{32}", c["id"]) for c in data)
    assert data[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    completion = [c["usage"]["completion_tokens"] for c in data]
    assert completion[0] == 0 and completion == sorted(completion)  # cumulative, every chunk
    assert all(
        c["usage"]["total_tokens"] == c["usage"]["prompt_tokens"] + c["usage"]["completion_tokens"]
        for c in data
    )
    assert _reasoning(data).startswith("The user asks: Say hello.")
    assert _content(data) == "Echo: Say hello"
    assert data[-1]["choices"][0]["finish_reason"] == "stop"
    assert data[-1]["choices"][0]["stop_reason"] is None


def test_maas_include_usage_false_and_nonstream_shape(client: httpx.Client) -> None:
    body = chat_body("DeepSeek-V3", stream_options={"include_usage": False})
    chunks = _stream(client, MAAS_PATH, body)
    assert all("usage" not in c for c in chunks[:-1])
    r = client.post(MAAS_PATH, json=chat_body("DeepSeek-R1")).json()
    assert r["object"] == "chat.completion" and r["prompt_logprobs"] is None
    message = r["choices"][0]["message"]
    assert message["tool_calls"] == [] and message["content"] == "Echo: Say hello"
    assert message["reasoning_content"].endswith("Let me think step by step.")
    assert set(r["usage"]) == {"prompt_tokens", "total_tokens", "completion_tokens"}


def test_maas_rejects_extra_fields(client: httpx.Client) -> None:
    r = client.post(MAAS_PATH, json=chat_body("DeepSeek-R1", enable_thinking=True))
    assert r.status_code == 400
    assert r.json() == {
        "object": "error",
        "message": "[{'type': 'extra_forbidden', 'loc': ('body', 'enable_thinking'), 'msg': "
        "'Extra inputs are not permitted', 'input': True}]",
        "type": "BadRequestError",
        "param": None,
        "code": 400,
    }
    thinking = {"thinking": {"type": "enabled"}}
    assert client.post(MAAS_PATH, json=chat_body("deepseek-v3.2", **thinking)).status_code == 400
    assert (
        client.post("/v2/chat/completions", json=chat_body("deepseek-v3.2", **thinking)).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("auth", "status", "body"),
    [
        (
            None,
            400,
            {
                "error_code": "ModelArts.81002",
                "error_msg": "Failed to get the authorization header.",
            },
        ),
        (
            "Bearer wrong",
            401,
            {"error_code": "ModelArts.81003", "error_msg": "Invalid authorization header."},
        ),
    ],
)
def test_maas_auth_errors(emu, auth, status, body) -> None:
    headers = {"Authorization": auth} if auth else {}
    r = httpx.post(
        emu.maas_base_url + "/chat/completions", json=chat_body("DeepSeek-R1"), headers=headers
    )
    assert (r.status_code, r.json()) == (status, body)


def test_maas_unknown_model_is_vllm_404(client: httpx.Client) -> None:
    r = client.post(MAAS_PATH, json=chat_body("deepseek-r1"))
    assert r.status_code == 404
    assert r.json()["message"] == "The model `deepseek-r1` does not exist."
    assert r.json()["type"] == "NotFoundError"


@pytest.mark.parametrize(
    ("path", "model", "extra", "reasons"),
    [
        (MAAS_PATH, "qwen3-32b", {}, True),
        (MAAS_PATH, "qwen3-32b", {"chat_template_kwargs": {"enable_thinking": False}}, False),
        (MAAS_PATH, "deepseek-v3.2", {}, False),
        (MAAS_PATH, "deepseek-v3.2", {"chat_template_kwargs": {"thinking": True}}, True),
        (MAAS_PATH, "deepseek-v3.2", {"chat_template_kwargs": {"enable_thinking": True}}, False),
        ("/v2/chat/completions", "deepseek-v3.1", {"thinking": {"type": "enabled"}}, True),
        ("/openai/v1/chat/completions", "DeepSeek-V3", {}, False),
    ],
)
def test_maas_thinking_switches(client: httpx.Client, path, model, extra, reasons) -> None:
    message = client.post(path, json=chat_body(model, **extra)).json()["choices"][0]["message"]
    assert bool(message["reasoning_content"]) is reasons


def test_maas_models_lists(client: httpx.Client) -> None:
    data = client.get("/v1/models").json()
    assert data["object"] == "list"
    assert {"id": "DeepSeek-R1", "object": "model", "created": 0, "owned_by": ""} in data["data"]
    service = client.get("/v1/infers/svc-1/v1/models").json()["data"][0]
    assert service["id"] == "DeepSeek-R1-Distill-Qwen-1.5B" and service["max_model_len"] == 20096


def test_my_services_think_tags_in_content(client: httpx.Client, emu) -> None:
    base = "/v1/infers/svc-1/v1/chat/completions"
    message = client.post(base, json=chat_body("DeepSeek-R1-Distill-Qwen-1.5B")).json()["choices"][
        0
    ]["message"]
    assert message["reasoning_content"] is None
    assert message["content"] == (
        "<think>\nThe user asks: Say hello. Let me think step by step.\n</think>\n\nEcho: Say hello"
    )
    emu.config.services["svc-2"] = "DeepSeek-V3"
    r = client.post(
        "/v1/infers/svc-2/v1/chat/completions", json=chat_body("DeepSeek-R1-Distill-Qwen-1.5B")
    )
    assert r.status_code == 404


def test_maas_max_tokens_counts_reasoning(client: httpx.Client) -> None:
    r = client.post(MAAS_PATH, json=chat_body("DeepSeek-V3", text="a b c d e", max_tokens=2)).json()
    assert r["choices"][0]["finish_reason"] == "length"
    assert r["choices"][0]["message"]["content"] == "Echo: a"
    assert r["usage"]["completion_tokens"] == 2


def test_maas_tool_stream_vllm_ids(client: httpx.Client) -> None:
    body = chat_body("DeepSeek-V3", text="weather in Paris", tools=[WEATHER_TOOL])
    chunks = _stream(client, MAAS_PATH, body)[:-1]
    calls = [t for c in chunks for t in c["choices"][0]["delta"].get("tool_calls", [])]
    assert re.fullmatch(r"chatcmpl-tool-[0-9a-f]{32}", calls[0]["id"])
    assert all("id" not in t for t in calls[1:])
    assert json.loads("".join(t["function"]["arguments"] for t in calls))["location"] == "Paris"
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_maas_reasoning_passback_required_for_v32(client: httpx.Client) -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    messages = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "content": "1", "tool_call_id": "c1"},
    ]
    body = {
        "model": "deepseek-v3.2",
        "messages": messages,
        "chat_template_kwargs": {"thinking": True},
    }
    r = client.post(MAAS_PATH, json=body)
    assert r.status_code == 400 and "message index 1" in r.json()["message"]
    body["chat_template_kwargs"] = {"thinking": False}
    assert client.post(MAAS_PATH, json=body).status_code == 200


# ---- DashScope compatible mode ----------------------------------------------------------------
def test_compat_stream_with_include_usage_matches_f4a(client: httpx.Client) -> None:
    options = {"enable_thinking": True, "stream_options": {"include_usage": True}}
    chunks = _stream(client, COMPAT_PATH, chat_body("qwen-plus", "F4a", **options))
    assert chunks[-1] == "[DONE]"
    first, *middle, finish, usage = chunks[:-1]
    assert first["choices"][0]["delta"] == {
        "content": None,
        "role": "assistant",
        "reasoning_content": "",
    }
    assert first["usage"] is None and first["system_fingerprint"] is None
    assert re.fullmatch(r"chatcmpl-[0-9a-f-]{36}", first["id"])
    reasoning = [c for c in middle if c["choices"][0]["delta"]["content"] is None]
    assert reasoning and all(c["choices"][0]["delta"]["reasoning_content"] for c in reasoning)
    assert finish["choices"][0]["delta"] == {"content": "", "reasoning_content": None}
    assert finish["choices"][0]["finish_reason"] == "stop" and finish["usage"] is None
    assert usage["choices"] == []
    assert usage["usage"]["completion_tokens_details"]["reasoning_tokens"] == len(reasoning)
    assert usage["usage"]["prompt_tokens_details"] == {"cached_tokens": 0}
    assert {c["id"] for c in chunks[:-1]} == {first["id"]}


def test_compat_no_usage_by_default(client: httpx.Client) -> None:
    chunks = _stream(client, COMPAT_PATH, chat_body("qwen-turbo"))
    assert all(c["usage"] is None and c["choices"] for c in chunks[:-1])


def test_compat_tool_stream_matches_f4c(client: httpx.Client) -> None:
    text = "get_current_time and get_current_weather in Paris"
    chunks = _stream(
        client, COMPAT_PATH, chat_body("qwen-plus", text=text, tools=[TIME_TOOL, WEATHER_TOOL])
    )
    calls = [t for c in chunks[:-1] for t in c["choices"][0]["delta"].get("tool_calls", [])]
    firsts = [t for t in calls if t["id"]]
    assert [t["index"] for t in firsts] == [0, 1]  # parallel by default (OpenAI style)
    assert all(t["id"] == "" and t["type"] == "function" for t in calls if t not in firsts)
    assert chunks[-2]["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "tool_calls",
    }


def test_compat_errors(client: httpx.Client, emu) -> None:
    r = httpx.post(
        emu.dashscope_compatible_base_url + "/chat/completions",
        json=chat_body("qwen-plus"),
        headers={"Authorization": "Bearer nope"},
    )
    assert r.status_code == 401
    assert r.json()["error"] == {
        "message": "Incorrect API key provided.",
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_api_key",
    }
    r = client.post(COMPAT_PATH, json=chat_body("qwen-nope"))
    assert (r.status_code, r.json()["error"]["code"]) == (404, "model_not_found")
    r = client.post(COMPAT_PATH, json=chat_body("qwq-plus"))
    assert r.status_code == 400 and r.json()["error"]["message"].startswith(
        "This model only support stream"
    )
    assert client.get("/compatible-mode/v1/models").json()["data"][0]["object"] == "model"


def test_compat_accepts_dashscope_extras_and_vision_parts(client: httpx.Client) -> None:
    extras = {
        "enable_search": True,
        "top_k": 20,
        "repetition_penalty": 1.1,
        "preserve_thinking": True,
    }
    assert client.post(COMPAT_PATH, json=chat_body("qwen-max", **extras)).status_code == 200
    parts = [
        {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
        {"type": "text", "text": "what"},
    ]
    body = {"model": "qwen3-vl-plus", "messages": [{"role": "user", "content": parts}]}
    assert (
        client.post(COMPAT_PATH, json=body).json()["choices"][0]["message"]["content"]
        == "Echo: what"
    )
    body["model"] = "qwen-max"
    assert client.post(COMPAT_PATH, json=body).status_code == 400


SCHEMA = {
    "type": "object",
    "$defs": {
        "Pet": {
            "type": "object",
            "properties": {
                "kind": {"enum": ["cat", "dog"]},
                "age": {"type": "integer", "minimum": 1},
            },
            "required": ["kind"],
        }
    },
    "properties": {
        "name": {"type": "string"},
        "score": {"type": "number", "maximum": 1},
        "ok": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
        "pet": {"$ref": "#/$defs/Pet"},
        "nickname": {"anyOf": [{"type": "null"}, {"type": "string", "maxLength": 3}]},
    },
    "required": ["name", "score", "pet"],
}


@pytest.mark.parametrize(
    ("path", "model"), [(COMPAT_PATH, "qwen-plus"), (MAAS_PATH, "DeepSeek-V3")]
)
def test_structured_output_valid_for_schema(client: httpx.Client, path, model) -> None:
    fmt = {"type": "json_schema", "json_schema": {"name": "x", "schema": SCHEMA}}
    body = chat_body(model, text="Tell me about Rex", response_format=fmt)
    value = json.loads(client.post(path, json=body).json()["choices"][0]["message"]["content"])
    assert value["name"] == "Rex" and isinstance(value["score"], float) and value["score"] <= 1
    assert value["ok"] is True and len(value["tags"]) == 2
    assert value["pet"]["kind"] == "cat" and value["pet"]["age"] >= 1
    assert isinstance(value["nickname"], str) and len(value["nickname"]) <= 3
    streamed = _content(_stream(client, path, body)[:-1])
    assert json.loads(streamed).keys() == value.keys()


def test_json_object_mode(client: httpx.Client) -> None:
    body = chat_body("qwen-plus", text="reply in JSON", response_format={"type": "json_object"})
    content = client.post(COMPAT_PATH, json=body).json()["choices"][0]["message"]["content"]
    assert json.loads(content) == {"answer": "Echo: reply in JSON"}
