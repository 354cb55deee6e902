"""Request building: what each platform receives, and what is refused before sending."""

from __future__ import annotations

import pytest

from maas_core import (
    DASHSCOPE,
    DASHSCOPE_COMPATIBLE,
    MAAS,
    VLLM,
    ChatRequest,
    ForcedTool,
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

TOOL = ToolSpec("get_weather", "Weather of a city", {"type": "object", "properties": {}})
OTHER = ToolSpec("get_time", "Time now", {"type": "object", "properties": {}})
USER = (Message("user", "hi"),)
MAAS_V1 = "https://api.modelarts-maas.com/v1"


def _openai(request, platform=MAAS, base=MAAS_V1):
    profile = get_profile(platform.name, request.model)
    return openai_compat.build_body(request, platform, profile, base)


def _native(request):
    return dashscope_native.build_body(
        request, DASHSCOPE, get_profile("dashscope", request.model), ""
    )


def test_maas_body_has_only_fields_it_accepts():
    request = ChatRequest(
        model="deepseek-v3.2",
        messages=USER,
        enable_thinking=True,
        top_k=5,
        stream=True,
        tools=(TOOL,),
        tool_choice="auto",
    )
    body = _openai(request)
    assert set(body) <= MAAS.accepted_fields
    assert body["chat_template_kwargs"] == {"thinking": True}
    assert body["stream_options"] == {"include_usage": True}


def test_maas_qwen3_thinking_key_and_v2_switch():
    request = ChatRequest(model="qwen3-32b", messages=USER, enable_thinking=False)
    assert _openai(request)["chat_template_kwargs"] == {"enable_thinking": False}
    v2 = _openai(request, base="https://api.modelarts-maas.com/v2")
    assert v2["thinking"] == {"type": "disabled"} and "chat_template_kwargs" not in v2


def test_unknown_model_on_vllm_gets_both_template_keys():
    body = _openai(ChatRequest(model="my-model", messages=USER, enable_thinking=True), VLLM)
    assert body["chat_template_kwargs"] == {"thinking": True, "enable_thinking": True}


def test_thinking_budget_never_sent_to_maas():
    with pytest.raises(UnsupportedParameterError, match="thinking_budget"):
        _openai(ChatRequest(model="deepseek-v3.2", messages=USER, thinking_budget=100))


def test_dashscope_compatible_thinking_fields_top_level():
    body = _openai(
        ChatRequest(model="qwen-plus", messages=USER, enable_thinking=True, thinking_budget=50),
        DASHSCOPE_COMPATIBLE,
        "",
    )
    assert body["enable_thinking"] is True and body["thinking_budget"] == 50


def test_native_body_shape():
    request = ChatRequest(
        model="qwen-plus",
        messages=USER,
        stream=True,
        enable_thinking=True,
        thinking_budget=50,
        temperature=0.5,
        stop=("x",),
        extra_body={"enable_search": True},
    )
    body = _native(request)
    assert body["input"] == {"messages": [{"role": "user", "content": "hi"}]}
    assert body["parameters"] == {
        "result_format": "message",
        "incremental_output": True,
        "temperature": 0.5,
        "stop": ["x"],
        "enable_thinking": True,
        "thinking_budget": 50,
        "enable_search": True,
    }
    assert "stream" not in body


def test_native_images_go_multimodal():
    message = Message("user", (TextPart("what is this"), ImagePart("https://x/cat.png")))
    request = ChatRequest(model="qwen-vl-plus", messages=(message,))
    profile = get_profile("dashscope", "qwen-vl-plus")
    assert dashscope_native.chat_path(request, DASHSCOPE, profile).endswith(
        "multimodal-generation/generation"
    )
    content = _native(request)["input"]["messages"][0]["content"]
    assert content == [{"text": "what is this"}, {"image": "https://x/cat.png"}]


def test_openai_image_parts():
    message = Message("user", (ImagePart("data:image/png;base64,AAA", "low"), TextPart("?")))
    body = _openai(ChatRequest(model="qwen2.5-vl-72b", messages=(message,)))
    assert body["messages"][0]["content"] == [
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAA", "detail": "low"}},
        {"type": "text", "text": "?"},
    ]


def test_native_rejects_frequency_penalty():
    with pytest.raises(UnsupportedParameterError, match="frequency_penalty"):
        _native(ChatRequest(model="qwen-max", messages=USER, frequency_penalty=0.5))


# --- tool_choice -----------------------------------------------------------------------------


def test_required_on_openai_platform_is_sent():
    body = _openai(
        ChatRequest(model="DeepSeek-V3", messages=USER, tools=(TOOL, OTHER), tool_choice="required")
    )
    assert body["tool_choice"] == "required"


def test_required_on_dashscope_names_the_single_tool():
    body = _native(
        ChatRequest(model="qwen-max", messages=USER, tools=(TOOL,), tool_choice="required")
    )
    assert body["parameters"]["tool_choice"] == {
        "type": "function",
        "function": {"name": "get_weather"},
    }


def test_required_on_dashscope_with_several_tools_is_refused():
    with pytest.raises(UnsupportedParameterError, match="several tools"):
        _native(
            ChatRequest(
                model="qwen-max", messages=USER, tools=(TOOL, OTHER), tool_choice="required"
            )
        )


def test_forced_tool_while_thinking_on_dashscope_is_refused():
    request = ChatRequest(
        model="qwen-plus",
        messages=USER,
        tools=(TOOL,),
        enable_thinking=True,
        tool_choice=ForcedTool("get_weather"),
    )
    with pytest.raises(UnsupportedParameterError, match="enable_thinking=False"):
        _native(request)
    body = _native(
        ChatRequest(
            model="qwen-plus", messages=USER, tools=(TOOL,), tool_choice=ForcedTool("get_weather")
        )
    )
    assert body["parameters"]["tool_choice"]["function"]["name"] == "get_weather"


# --- reasoning passback ----------------------------------------------------------------------


def _loop(policy: str, model="deepseek-v3.2") -> list[dict]:
    call = ToolCall("call_1", "get_weather", "{}")
    history = (
        Message("user", "old question"),
        Message("assistant", "old answer", reasoning="old thoughts"),
        Message("user", "weather?"),
        Message("assistant", "", reasoning="need a tool", tool_calls=(call,)),
        Message("tool", "sunny", tool_call_id="call_1"),
    )
    request = ChatRequest(
        model=model, messages=history, enable_thinking=True, reasoning_passback=policy
    )  # type: ignore[arg-type]
    return _openai(request)["messages"]


def test_passback_auto_sends_current_tool_loop_only():
    messages = _loop("auto")
    assert "reasoning_content" not in messages[1]
    assert messages[3]["reasoning_content"] == "need a tool"
    assert messages[4] == {"role": "tool", "content": "sunny", "tool_call_id": "call_1"}


def test_passback_auto_strips_where_not_needed():
    assert all("reasoning_content" not in m for m in _loop("auto", model="DeepSeek-R1"))


def test_passback_always_and_never():
    assert [m.get("reasoning_content") for m in _loop("always")][1:4:2] == [
        "old thoughts",
        "need a tool",
    ]
    assert all("reasoning_content" not in m for m in _loop("never"))


def test_response_format_json_schema():
    fmt = ResponseFormat("json_schema", {"type": "object"}, name="Answer", strict=True)
    body = _openai(ChatRequest(model="DeepSeek-V3", messages=USER, response_format=fmt))
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "Answer", "schema": {"type": "object"}, "strict": True},
    }


def test_extra_body_merged_last():
    body = _openai(
        ChatRequest(
            model="DeepSeek-V3",
            messages=USER,
            extra_body={"chat_template_kwargs": {"x": 1}, "top_k": 3},
        ),
        VLLM,
    )
    assert body["chat_template_kwargs"] == {"x": 1} and body["top_k"] == 3
