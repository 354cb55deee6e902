"""DashScope native API: exact SSE framing (F2a / F3a), bodies, validation messages (A.3 / A.7)."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from maas_core.emulator.validation import URL_ERROR
from tests.emulator.helpers import (
    MM_PATH,
    NATIVE_PATH,
    SSE_ON,
    TIME_TOOL,
    WEATHER_TOOL,
    native_body,
    native_events,
)

pytestmark = pytest.mark.emulator

# One event of F2a, exactly: no spaces after colons, the :HTTP_STATUS comment, compact JSON.
EVENT = re.compile(
    r'id:(\d+)\nevent:result\n:HTTP_STATUS/200\ndata:\{"output":\{"choices":\[\{"message":'
    r'\{"content":"[^"]*","reasoning_content":"[^"]*","role":"assistant"\},'
    r'"finish_reason":"(null|stop)"\}\]\},"usage":\{"total_tokens":\d+,"output_tokens":\d+,'
    r'"input_tokens":\d+,"output_tokens_details":\{"reasoning_tokens":\d+\},'
    r'"prompt_tokens_details":\{"cached_tokens":\d+\}\},"request_id":"([0-9a-f-]{36})"\}\n\n'
)


def test_reasoning_stream_exact_framing(client: httpx.Client) -> None:
    body = native_body("qwen-plus", incremental_output=True, enable_thinking=True)
    r = client.post(NATIVE_PATH, json=body, headers=SSE_ON)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/event-stream;charset=UTF-8"
    matches = list(EVENT.finditer(r.text))
    assert "".join(m.group(0) for m in matches) == r.text  # nothing else, no [DONE]
    assert [int(m.group(1)) for m in matches] == list(range(1, len(matches) + 1))
    assert [m.group(2) for m in matches].count("stop") == 1 and matches[-1].group(2) == "stop"
    assert {m.group(3) for m in matches} == {r.headers["x-request-id"]}
    events = native_events(r.text)
    outputs = [e["data"]["usage"]["output_tokens"] for e in events]
    assert outputs == sorted(outputs) and outputs[-1] == outputs[-2]  # cumulative
    messages = [e["data"]["output"]["choices"][0]["message"] for e in events]
    reasoning = "".join(m["reasoning_content"] for m in messages)
    assert reasoning == "The user asks: Say hello. Let me think step by step."
    assert "".join(m["content"] for m in messages) == "Echo: Say hello"
    usage = events[-1]["data"]["usage"]
    assert usage["output_tokens_details"]["reasoning_tokens"] == len(reasoning.split())


def test_accept_header_selects_sse_and_plain_json_otherwise(client: httpx.Client) -> None:
    body = native_body("qwen-turbo")
    sse = client.post(NATIVE_PATH, json=body, headers={"Accept": "text/event-stream"})
    assert sse.text.startswith("id:1\nevent:result\n:HTTP_STATUS/200\ndata:{")
    plain = client.post(NATIVE_PATH, json=body).json()
    assert plain["output"]["choices"][0] == {
        "finish_reason": "stop",
        "message": {"role": "assistant", "content": "Echo: Say hello"},
    }
    assert plain["usage"]["total_tokens"] == plain["usage"]["input_tokens"] + 3
    assert re.fullmatch(r"[0-9a-f-]{36}", plain["request_id"])


def test_text_result_format_and_cumulative_output(client: httpx.Client) -> None:
    body = native_body("qwen-turbo", text="one two three")
    body["parameters"] = {"incremental_output": False}  # default result_format "text" (A.3)
    events = native_events(client.post(NATIVE_PATH, json=body, headers=SSE_ON).text)
    texts = [e["data"]["output"]["text"] for e in events]
    assert texts[:3] == ["Echo:", "Echo: one", "Echo: one two"]
    assert (
        texts[-1] == "Echo: one two three"
        and events[-1]["data"]["output"]["finish_reason"] == "stop"
    )


def test_tool_call_stream_fragments(client: httpx.Client) -> None:
    body = native_body(
        "qwen-plus",
        text="杭州天气 get_current_weather",
        incremental_output=True,
        enable_thinking=True,
        tools=[TIME_TOOL, WEATHER_TOOL],
    )
    events = native_events(client.post(NATIVE_PATH, json=body, headers=SSE_ON).text)
    frags = [
        (e["data"]["output"]["choices"][0], call)
        for e in events
        for call in e["data"]["output"]["choices"][0]["message"].get("tool_calls", [])
    ]
    assert len(frags) == 3
    first, rest = frags[0][1], [call for _, call in frags[1:]]
    assert first["index"] == 0 and first["type"] == "function"
    assert re.fullmatch(r"call_[0-9a-f]{22}", first["id"])
    assert first["function"]["name"] == "get_current_weather"
    assert all(
        c["id"] == "" and c["type"] == "function" and "name" not in c["function"] for c in rest
    )
    assert frags[-1][0]["finish_reason"] == "tool_calls"  # last fragment + finish together (F3a)
    args = json.loads("".join(call["function"]["arguments"] for _, call in frags))
    assert args == {"location": "杭州天气", "days": 42}


def test_parallel_tool_calls_get_their_own_index(client: httpx.Client) -> None:
    text = "use get_current_time and get_current_weather for Paris"
    body = native_body(
        "qwen-plus", text=text, tools=[TIME_TOOL, WEATHER_TOOL], parallel_tool_calls=True
    )
    message = client.post(NATIVE_PATH, json=body).json()["output"]["choices"][0]["message"]
    calls = message["tool_calls"]
    assert [c["index"] for c in calls] == [0, 1]
    assert [c["function"]["name"] for c in calls] == ["get_current_time", "get_current_weather"]
    assert json.loads(calls[1]["function"]["arguments"])["location"] == "Paris"


def test_tool_result_turn_answers_with_results(client: httpx.Client) -> None:
    messages = [
        {"role": "user", "content": "weather in Paris?"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_current_weather", "arguments": "{}"},
                }
            ],
        },
        {"role": "tool", "content": "sunny, 21C", "tool_call_id": "call_1"},
    ]
    body = {
        "model": "qwen-plus",
        "input": {"messages": messages},
        "parameters": {"result_format": "message", "tools": [WEATHER_TOOL]},
    }
    choice = client.post(NATIVE_PATH, json=body).json()["output"]["choices"][0]
    assert choice["message"]["content"] == "Based on the tool results: sunny, 21C."
    assert choice["finish_reason"] == "stop"


def test_thinking_budget_caps_reasoning_tokens(client: httpx.Client) -> None:
    body = native_body(
        "qwen-plus", incremental_output=True, enable_thinking=True, thinking_budget=3
    )
    events = native_events(client.post(NATIVE_PATH, json=body, headers=SSE_ON).text)
    assert events[-1]["data"]["usage"]["output_tokens_details"]["reasoning_tokens"] == 3


def test_cached_tokens_on_repeated_prefix(client: httpx.Client) -> None:
    body = native_body("qwen-max", text="a long shared system prompt for caching")
    first = client.post(NATIVE_PATH, json=body).json()["usage"]
    second = client.post(NATIVE_PATH, json=body).json()["usage"]
    assert first["prompt_tokens_details"]["cached_tokens"] == 0
    assert second["prompt_tokens_details"]["cached_tokens"] == second["input_tokens"] // 2 > 0


def test_multimodal_endpoint_list_content(client: httpx.Client) -> None:
    content = [{"image": "https://example.com/cat.png"}, {"text": "What is this?"}]
    body = {"model": "qwen-vl-plus", "input": {"messages": [{"role": "user", "content": content}]}}
    message = client.post(MM_PATH, json=body).json()["output"]["choices"][0]["message"]
    assert message["content"] == [{"text": "Echo: What is this?"}]
    events = native_events(client.post(MM_PATH, json=body, headers=SSE_ON).text)
    assert events[0]["data"]["output"]["choices"][0]["message"]["content"] == [{"text": "Echo:"}]


def test_workspace_header_recorded(client: httpx.Client, emu) -> None:
    client.post(
        NATIVE_PATH, json=native_body("qwen-max"), headers={"X-DashScope-WorkSpace": "llm-1"}
    )
    assert emu.requests[-1].headers["x-dashscope-workspace"] == "llm-1"
    assert emu.requests[-1].json["model"] == "qwen-max"


def _thinking(model: str = "qwen-plus", **params) -> dict:
    return native_body(model, enable_thinking=True, incremental_output=True, **params)


TOOL_MSGS = [
    {"role": "user", "content": "hi"},
    {"role": "tool", "content": "x", "tool_call_id": "c"},
]


@pytest.mark.parametrize(
    ("body", "sse", "code", "message"),
    [
        (
            native_body("qwen-plus", enable_thinking=True),
            True,
            "InvalidParameter",
            'The incremental_output parameter must be "true" when enable_thinking is true',
        ),
        (
            {**_thinking(), "parameters": {"enable_thinking": True, "result_format": "text"}},
            False,
            "InvalidParameter",
            'The result_format parameter must be "message" when enable_thinking is true',
        ),
        (
            native_body("qwen-turbo", enable_thinking=True),
            False,
            "InvalidParameter.NotSupportEnableThinking",
            "The model qwen-turbo does not support enable_thinking.",
        ),
        (
            native_body("qwq-plus"),
            False,
            "InvalidParameter",
            "This model only support stream mode, please enable the stream parameter to access the "
            "model.",
        ),
        (
            native_body("qwen3-235b-a22b-thinking-2507", enable_thinking=False),
            True,
            "InvalidParameter",
            "The value of the enable_thinking parameter is restricted to True.",
        ),
        (
            native_body("qwen3-32b"),
            False,
            "InvalidParameter",
            "parameter.enable_thinking must be set to false for non-streaming calls",
        ),
        (
            native_body("qwen-max", temperature=2.0),
            False,
            "InvalidParameter",
            "Temperature should be in [0.0, 2.0)",
        ),
        (
            native_body("qwen-max", top_p=0),
            False,
            "InvalidParameter",
            "Range of top_p should be (0.0, 1.0]",
        ),
        (
            native_body("qwen-max", max_tokens=0),
            False,
            "InvalidParameter",
            "Range of max_tokens should be [1, 8192]",
        ),
        (
            _thinking(thinking_budget=0),
            True,
            "InvalidParameter",
            "The thinking_budget parameter must be a positive integer and not greater than 38912",
        ),
        (
            {"model": "qwen-max", "input": {"messages": [{"role": "assistant", "content": "x"}]}},
            False,
            "InvalidParameter",
            'Role must be in ["user","assistant","system","function","plugin","tool"] and the role '
            'in last message must be in ["user","function","tool"]',
        ),
        (
            {"model": "qwen-max", "input": {"messages": TOOL_MSGS}},
            False,
            "InvalidParameter",
            'messages with role "tool" must be a response to a preceeding message with "tool_calls"',
        ),
        (
            _thinking(
                tools=[WEATHER_TOOL],
                tool_choice={"type": "function", "function": {"name": "get_current_weather"}},
            ),
            True,
            "InvalidParameter",
            'tool_choice is one of the strings that should be ["none", "auto"]',
        ),
        (
            native_body("qwen-max", response_format={"type": "json_object"}),
            False,
            "InvalidParameter",
            "'messages' must contain the word 'json' in some form, to use 'response_format' of type "
            "'json_object'.",
        ),
        (
            _thinking(text="answer in json", response_format={"type": "json_object"}),
            True,
            "InvalidParameter",
            "Json mode response is not supported when enable_thinking is true",
        ),
        (
            {
                "model": "qwen-max",
                "input": {"messages": [{"role": "user", "content": [{"text": "x"}]}]},
            },
            False,
            "InvalidParameter",
            "input content must be a string.",
        ),
        (native_body("qwen-vl-plus"), False, "InvalidParameter", URL_ERROR),
    ],
)
def test_validation_errors(client: httpx.Client, body, sse, code, message) -> None:
    r = client.post(NATIVE_PATH, json=body, headers=SSE_ON if sse else {})
    assert r.status_code == 400
    assert r.json() == {"request_id": r.headers["x-request-id"], "code": code, "message": message}


def test_auth_and_model_errors(client: httpx.Client, emu) -> None:
    r = httpx.post(emu.url + NATIVE_PATH, json=native_body("qwen-max"))
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (
        401,
        "InvalidApiKey",
        "Invalid API-key provided.",
    )
    r = client.post(NATIVE_PATH, json=native_body("Qwen-Max"))  # case-sensitive names
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (
        404,
        "ModelNotFound",
        "Model can not be found.",
    )


def test_deepseek_v32_reasoning_passback(client: httpx.Client) -> None:
    call = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    messages = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "", "tool_calls": [call]},
        {"role": "tool", "content": "1", "tool_call_id": "call_1"},
    ]
    body = {
        "model": "deepseek-v3.2",
        "input": {"messages": messages},
        "parameters": {
            "result_format": "message",
            "enable_thinking": True,
            "incremental_output": True,
        },
    }
    r = client.post(NATIVE_PATH, json=body, headers=SSE_ON)
    assert r.status_code == 400
    assert r.json()["message"] == (
        "Missing `reasoning_content` field in the assistant message at message index 1."
    )
    messages[1]["reasoning_content"] = "I should call f."
    assert client.post(NATIVE_PATH, json=body, headers=SSE_ON).status_code == 200
