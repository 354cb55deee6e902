"""The 2026 model generation (PROTOCOLS-2026 A.9, D.7): profiles, wire shapes, real captures.

Pure tests: family rules (and how they generalise to the next generation), the bodies the
dialects build, and the recorded qwen3.6-plus multimodal stream and deepseek-v4-pro
``reasoning_effort`` call replayed through the real parsers.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from maas_core import (
    DASHSCOPE,
    DASHSCOPE_COMPATIBLE,
    MAAS,
    ChatRequest,
    ImagePart,
    Message,
    ResponseFormat,
    TextPart,
    ToolCall,
    ToolSpec,
    UnsupportedParameterError,
    get_profile,
)
from maas_core.dialects import dashscope_native, openai_compat
from maas_core.providers import Platform
from tests.replay import decode, fixture_bytes

MM = "/services/aigc/multimodal-generation/generation"
TEXT = "/services/aigc/text-generation/generation"
F7A = "F7a_dashscope_multimodal_stream_thinking_parallel_tools_qwen3.6-plus_REAL"
F7B = "F7b_dashscope_native_nonstream_reasoning_effort_deepseek-v4-pro_REAL"

# (model, native endpoint, reasoning, thinking by default) per PROTOCOLS-2026 A.9.1.
DASHSCOPE_FAMILIES = [
    ("qwen3.8-max", "multimodal", "switchable", True),
    ("qwen3.8-flash", "multimodal", "switchable", True),
    ("qwen3.7-plus", "multimodal", "switchable", True),
    ("qwen3.7-flash-2026-07-15", "multimodal", "switchable", True),
    ("qwen3.7-max", "multimodal", "switchable", True),
    ("qwen3.7-max-preview", "multimodal", "always", True),
    ("qwen3.6-plus", "multimodal", "switchable", True),
    ("qwen3.6-flash", "multimodal", "switchable", True),
    ("qwen3.6-max-preview", "multimodal", "switchable", True),
    ("qwen3.5-plus-2026-02-15", "multimodal", "switchable", True),
    ("qwen3.5-flash", "multimodal", "switchable", True),
    ("qwen3.5-397b-a17b", "multimodal", "switchable", True),
    ("qwen3-vl-plus", "multimodal", "switchable", False),
    ("qwen3-max", "text", "switchable", False),
    ("qwen-plus", "text", "switchable", False),
    ("qwen3-32b", "text", "switchable", True),
    ("qwen3-coder-plus", "text", "never", False),
    ("deepseek-v4-pro", "text", "switchable", False),
    ("deepseek-v4-flash", "text", "switchable", False),
    ("kimi-k2.6", "multimodal", "switchable", False),
    ("kimi/kimi-k2.6", "multimodal", "switchable", True),
    ("kimi-k2.7-code", "multimodal", "always", True),
    ("glm-5.2", "text", "switchable", True),
    ("glm-4.7", "text", "switchable", True),
    ("MiniMax-M2.5", "text", "always", True),
]


@pytest.mark.parametrize(("model", "endpoint", "reasoning", "default"), DASHSCOPE_FAMILIES)
def test_dashscope_family_profiles(model: str, endpoint: str, reasoning: str, default: bool):
    profile = get_profile("dashscope", model)
    assert (profile.native_endpoint, profile.reasoning) == (endpoint, reasoning)
    assert profile.thinking_on(None) is default


@pytest.mark.parametrize("model", ["qwen3.9-plus", "qwen4-plus", "qwen4.2-flash", "qwen10-max"])
def test_future_qwen_generations_are_treated_like_the_newest(model: str) -> None:
    profile = get_profile("dashscope", model)
    newest = get_profile("dashscope", "qwen3.8-flash")
    assert profile.native_endpoint == "multimodal"
    assert profile.thinking_on(None) is True
    assert not profile.can_force_tool(None) and profile.can_force_tool(False)
    assert not profile.json_schema_usable(None) and profile.json_schema_usable(False)
    assert profile.preserve_thinking == newest.preserve_thinking is True


@pytest.mark.parametrize(
    ("model", "reasoning", "default"),
    [
        ("glm-5.3", "always", True),  # D.7.2: deep thinking cannot be disabled
        ("glm-5.2", "switchable", True),
        ("glm-5.1", "switchable", True),
        ("deepseek-v4-pro", "switchable", True),  # D.7.3: enabled by default on MaaS
        ("deepseek-v4.1-flash", "switchable", True),
        ("deepseek-v3.2", "switchable", False),
    ],
)
def test_maas_2026_profiles(model: str, reasoning: str, default: bool) -> None:
    profile = get_profile("maas", model)
    assert profile.reasoning == reasoning
    assert profile.thinking_on(None) is default
    assert profile.reasoning_effort == ()  # D.7.3: never sent to MaaS


def test_maas_limits_from_the_model_list() -> None:
    assert get_profile("maas", "glm-5.3").context_window == 1_000_000
    assert get_profile("maas", "glm-5.1").context_window == 202752
    assert get_profile("maas", "deepseek-v4-flash").max_output == 393216


def _native(request: ChatRequest, platform: Platform = DASHSCOPE) -> tuple[str, dict]:
    profile = get_profile("dashscope", request.model)
    path = dashscope_native.chat_path(request, platform, profile)
    return path, dashscope_native.build_body(request, platform, profile, "")


def _user(text: str) -> tuple[Message, ...]:
    return (Message("user", text),)


def test_text_only_qwen_goes_to_multimodal_with_list_content() -> None:
    history = (
        Message("user", "hi"),
        Message("assistant", "hello", reasoning="greet"),
        Message("user", "again"),
    )
    path, body = _native(ChatRequest(model="qwen3.6-plus", messages=history))
    assert path == MM
    assert [m["content"] for m in body["input"]["messages"]] == [
        [{"text": "hi"}],
        [{"text": "hello"}],
        [{"text": "again"}],
    ]
    assert "enable_thinking" not in body["parameters"]  # the model's default is kept
    path, body = _native(ChatRequest(model="qwen3-max", messages=_user("hi")))
    assert path == TEXT and body["input"]["messages"][0]["content"] == "hi"


def test_request_matches_the_recorded_multimodal_call() -> None:
    recorded = json.loads(fixture_bytes(F7A + ".request.json"))
    function = recorded["parameters"]["tools"][0]["function"]
    content = recorded["input"]["messages"][0]["content"]
    request = ChatRequest(
        model="qwen3.6-plus",
        messages=(
            Message("user", (ImagePart(content[0]["image"]), TextPart(content[1]["text"]))),
        ),
        tools=(ToolSpec(function["name"], function["description"], function["parameters"]),),
        parallel_tool_calls=True,
        enable_thinking=True,
        stream=True,
    )
    path, body = _native(request)
    assert path == MM
    assert body["input"] == recorded["input"]
    for key, value in recorded["parameters"].items():
        assert body["parameters"][key] == value


def test_recorded_multimodal_stream_reasoning_tools_and_usage() -> None:
    deltas, decoder = decode(fixture_bytes(F7A + ".sse"), "dashscope_native", chunk=97)
    result = decoder.result()
    message = result.message
    assert message.content == ""  # every event carried "content": []
    assert message.reasoning and message.reasoning.startswith("用户现在需要先获取杭州")
    assert [c.name for c in message.tool_calls] == ["get_current_weather"] * 2
    assert json.loads(message.tool_calls[1].arguments) == {"location": "上海市"}
    assert result.finish_reason == "tool_calls"
    usage = result.usage
    assert usage is not None
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (2807, 103, 2910)
    assert usage.reasoning_tokens == 38
    assert usage.output_tokens - usage.reasoning_tokens == 65  # answer tokens
    assert usage.cached_tokens is None  # "prompt_tokens_details": {} says nothing
    assert sum(1 for d in deltas if d.usage is not None) == 1


def test_recorded_reasoning_effort_call() -> None:
    recorded = json.loads(fixture_bytes(F7B + ".request.json"))
    request = ChatRequest(
        model="deepseek-v4-pro",
        messages=_user(recorded["input"]["messages"][0]["content"]),
        enable_thinking=True,
        reasoning_effort="xhigh",
    )
    path, body = _native(request)
    assert path == TEXT
    assert body["input"] == recorded["input"]
    assert body["parameters"]["reasoning_effort"] == "xhigh"
    assert body["parameters"]["enable_thinking"] is True
    result = dashscope_native.parse_result(json.loads(fixture_bytes(F7B + ".json")))
    assert result.message.content.endswith("**121**。")
    assert result.message.reasoning and "121" in result.message.reasoning
    assert result.usage is not None
    assert (result.usage.reasoning_tokens, result.usage.cached_tokens) == (1812, 0)
    assert result.usage.output_tokens - result.usage.reasoning_tokens == 129


@pytest.mark.parametrize(
    ("model", "effort", "match"),
    [
        ("deepseek-v4-pro", "max", "use one of low, medium, high, xhigh"),
        ("qwen3.6-plus", "high", "lists no reasoning_effort levels"),
    ],
)
def test_reasoning_effort_refused_where_not_accepted(model: str, effort: str, match: str):
    request = ChatRequest(model=model, messages=_user("x"), reasoning_effort=effort)
    with pytest.raises(UnsupportedParameterError, match=match):
        _native(request)


def test_reasoning_effort_never_reaches_maas() -> None:
    request = ChatRequest(model="deepseek-v4-pro", messages=_user("x"), reasoning_effort="high")
    with pytest.raises(UnsupportedParameterError, match="reasoning_effort"):
        openai_compat.build_body(request, MAAS, get_profile("maas", request.model), "")


def test_compatible_mode_sends_thinking_controls_top_level() -> None:
    request = ChatRequest(model="deepseek-v4-pro", messages=_user("x"), reasoning_effort="low")
    profile = get_profile("dashscope", request.model)
    body = openai_compat.build_body(request, DASHSCOPE_COMPATIBLE, profile, "")
    assert body["reasoning_effort"] == "low"
    assert body["messages"][0]["content"] == "x"  # compat keeps strings (A.9.7)


TOOL_LOOP = (
    Message("user", "weather?"),
    Message(
        "assistant",
        "",
        reasoning="need the tool",
        tool_calls=(ToolCall("c1", "get_weather", "{}"),),
    ),
    Message("tool", "sunny", tool_call_id="c1"),
)


def test_preserve_thinking_keeps_the_tool_loop_reasoning() -> None:
    _, body = _native(ChatRequest(model="qwen3.7-plus", messages=TOOL_LOOP))
    assert body["parameters"]["preserve_thinking"] is True
    assistant = body["input"]["messages"][1]
    assert assistant["reasoning_content"] == "need the tool"
    assert assistant["content"] == [{"text": ""}]
    # qwen3.5-plus is not on the list: the reasoning is stripped and nothing is sent.
    _, body = _native(ChatRequest(model="qwen3.5-plus", messages=TOOL_LOOP))
    assert "preserve_thinking" not in body["parameters"]
    assert "reasoning_content" not in body["input"]["messages"][1]


def test_preserve_thinking_explicit() -> None:
    request = ChatRequest(model="kimi-k2.6", messages=TOOL_LOOP, preserve_thinking=False)
    _, body = _native(request)
    assert body["parameters"]["preserve_thinking"] is False
    with pytest.raises(UnsupportedParameterError, match="preserve_thinking"):
        _native(ChatRequest(model="qwen-plus", messages=TOOL_LOOP, preserve_thinking=True))


@pytest.mark.parametrize("model", ["qwen3.6-plus", "glm-5.2", "kimi/kimi-k2.6"])
def test_json_mode_refused_before_sending_while_thinking_by_default(model: str) -> None:
    request = ChatRequest(
        model=model, messages=_user("json"), response_format=ResponseFormat("json_object")
    )
    with pytest.raises(UnsupportedParameterError, match=r"thinks by default.*enable_thinking=False"):
        _native(request)
    _, body = _native(dataclasses.replace(request, enable_thinking=False))
    assert body["parameters"]["response_format"] == {"type": "json_object"}


def test_forced_tool_refused_before_sending_while_thinking() -> None:
    tool = ToolSpec("get_weather")
    request = ChatRequest(model="qwen3.8-max", messages=_user("x"), tools=(tool,),
                          tool_choice="required")
    with pytest.raises(UnsupportedParameterError, match="enable_thinking=False"):
        _native(request)
    minimax = ChatRequest(model="MiniMax-M2.5", messages=_user("x"), tools=(tool,),
                          tool_choice="required", enable_thinking=None)
    with pytest.raises(UnsupportedParameterError, match="only takes 'auto' or 'none'"):
        _native(minimax)


def test_thinking_only_models_refuse_switching_off() -> None:
    with pytest.raises(UnsupportedParameterError, match="always thinks"):
        _native(ChatRequest(model="MiniMax-M2.5", messages=_user("x"), enable_thinking=False))
    request = ChatRequest(model="glm-5.3", messages=_user("x"), enable_thinking=False)
    with pytest.raises(UnsupportedParameterError, match="always thinks"):
        openai_compat.build_body(request, MAAS, get_profile("maas", "glm-5.3"), "")


def test_thinking_budget_checked_against_the_model() -> None:
    ok = ChatRequest(model="qwen3.8-max", messages=_user("x"), thinking_budget=262144)
    assert _native(ok)[1]["parameters"]["thinking_budget"] == 262144
    with pytest.raises(UnsupportedParameterError, match="not greater than 262144"):
        _native(dataclasses.replace(ok, thinking_budget=262145))
    with pytest.raises(UnsupportedParameterError, match="positive integer"):
        _native(dataclasses.replace(ok, thinking_budget=0))
