"""Tool calling: preparation per profile, parsing (also mid-stream), passback, structured output."""

from __future__ import annotations

import json
from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage, ThinkingBlock, ToolCallBlock
from llama_index.core.prompts import PromptTemplate
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel

from maas_core import BadRequestError, UnsupportedParameterError

pytestmark = pytest.mark.emulator


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


TOOLS = [FunctionTool.from_defaults(add), FunctionTool.from_defaults(multiply)]
ASK = "Please add and multiply 3 and 4"


def tool_blocks(message: ChatMessage) -> list[ToolCallBlock]:
    return [b for b in message.blocks if isinstance(b, ToolCallBlock)]


@pytest.mark.parametrize(
    ("kind", "model", "protocol"),
    [
        ("maas", "DeepSeek-V3", None),
        ("dashscope", "qwen-plus", "native"),
        ("dashscope", "qwen-plus", "compatible"),
    ],
)
def test_parallel_tool_calls(make, kind: str, model: str, protocol: str | None) -> None:
    llm = make(kind, model, protocol)
    response = llm.chat_with_tools(TOOLS, user_msg=ASK, allow_parallel_tool_calls=True)
    calls = llm.get_tool_calls_from_response(response)
    assert [(c.tool_name, c.tool_kwargs) for c in calls] == [
        ("add", {"a": 3, "b": 4}),
        ("multiply", {"a": 3, "b": 4}),
    ]
    assert all(c.tool_id for c in calls)


def test_parallel_calls_not_allowed_keeps_one(make, emu) -> None:
    llm = make("maas", "DeepSeek-V3")
    response = llm.chat_with_tools(TOOLS, user_msg=ASK, allow_parallel_tool_calls=False)
    assert emu.requests[-1].json["parallel_tool_calls"] is False
    assert len(llm.get_tool_calls_from_response(response)) == 1


def test_no_tool_call(make) -> None:
    llm = make("maas", "DeepSeek-V3")
    response = llm.chat([ChatMessage(role="user", content="hello")])
    assert llm.get_tool_calls_from_response(response, error_on_no_tool_call=False) == []
    with pytest.raises(ValueError, match="tool call"):
        llm.get_tool_calls_from_response(response)


@pytest.mark.parametrize("quirk", ["", "repeat_tool_ids=same", "repeat_tool_ids=fresh"])
@pytest.mark.parametrize("model", ["DeepSeek-V3", "deepseek-v3.2"])
def test_streamed_tool_calls(make, quirk: str, model: str) -> None:
    llm = make(
        "maas",
        model,
        enable_thinking=True,
        default_headers={"X-Emulator-Quirks": quirk} if quirk else None,
    )
    seen_partial = False
    last = None
    for chunk in llm.stream_chat_with_tools(TOOLS, user_msg=ASK, allow_parallel_tool_calls=True):
        calls = llm.get_tool_calls_from_response(chunk, error_on_no_tool_call=False)
        for block in tool_blocks(chunk.message):
            if isinstance(block.tool_kwargs, str) and block.tool_kwargs:
                seen_partial = True  # arguments still arriving: parsed leniently above
        assert all(isinstance(c.tool_kwargs, dict) for c in calls)
        last = chunk
    assert seen_partial
    assert last is not None
    blocks = tool_blocks(last.message)
    assert [(b.tool_name, b.tool_kwargs) for b in blocks] == [
        ("add", {"a": 3, "b": 4}),
        ("multiply", {"a": 3, "b": 4}),
    ]
    assert len({b.tool_call_id for b in blocks}) == 2
    if model == "deepseek-v3.2":
        assert isinstance(last.message.blocks[0], ThinkingBlock)


async def test_async_streamed_tool_calls(make) -> None:
    llm = make("dashscope", "qwen-plus", "native", enable_thinking=True)
    stream = await llm.astream_chat_with_tools(TOOLS, user_msg=ASK, allow_parallel_tool_calls=True)
    chunks = [c async for c in stream]
    calls = llm.get_tool_calls_from_response(chunks[-1])
    assert [c.tool_name for c in calls] == ["add", "multiply"]
    assert any(c.additional_kwargs.get("thinking_delta") for c in chunks)


def test_partial_json_is_tolerated(make) -> None:
    llm = make("maas", "DeepSeek-V3")
    message = ChatMessage(
        role="assistant",
        blocks=[
            ToolCallBlock(tool_call_id="c1", tool_name="add", tool_kwargs='{"a": 3, "b'),
            ToolCallBlock(tool_call_id="c2", tool_name="multiply", tool_kwargs="not json"),
        ],
    )
    from llama_index.core.base.llms.types import ChatResponse

    calls = llm.get_tool_calls_from_response(ChatResponse(message=message))
    assert [c.tool_kwargs for c in calls] == [{"a": 3}, {}]


def test_tool_required_per_profile(make, emu) -> None:
    make("maas", "DeepSeek-V3").chat_with_tools(TOOLS[:1], user_msg="add", tool_required=True)
    assert emu.requests[-1].json["tool_choice"] == "required"
    # DeepSeek-R1 cannot be forced: a clear error before sending, never a silent "auto".
    sent = len(emu.requests)
    with pytest.raises(UnsupportedParameterError, match="only takes 'auto' or 'none'"):
        make("maas", "DeepSeek-R1").chat_with_tools(TOOLS[:1], user_msg="add", tool_required=True)
    assert len(emu.requests) == sent
    # DashScope has no "required": the core names the only tool.
    make("dashscope", "qwen-plus").chat_with_tools(TOOLS[:1], user_msg="add", tool_required=True)
    choice = emu.requests[-1].json["parameters"]["tool_choice"]
    assert choice == {"type": "function", "function": {"name": "add"}}
    # qwen-plus while thinking takes only auto/none: the error names the fix.
    thinking = make("dashscope", "qwen-plus", enable_thinking=True)
    with pytest.raises(UnsupportedParameterError, match="enable_thinking=False"):
        thinking.chat_with_tools(TOOLS[:1], user_msg="add", tool_required=True)
    assert len(emu.requests) == sent + 1


def test_explicit_tool_choice(make, emu) -> None:
    llm = make("maas", "DeepSeek-V3")
    response = llm.chat_with_tools(TOOLS, user_msg=ASK, tool_choice="multiply")
    sent = emu.requests[-1].json["tool_choice"]
    assert sent == {"type": "function", "function": {"name": "multiply"}}
    assert [c.tool_name for c in llm.get_tool_calls_from_response(response)] == ["multiply"]
    with pytest.raises(UnsupportedParameterError):
        make("maas", "DeepSeek-R1").chat_with_tools(TOOLS, user_msg=ASK, tool_choice="add")


def _history(reasoning: str) -> list[ChatMessage]:
    call = ToolCallBlock(tool_call_id="call_1", tool_name="add", tool_kwargs={"a": 3, "b": 4})
    return [
        ChatMessage(role="user", content="add 3 and 4"),
        ChatMessage(role="assistant", blocks=[ThinkingBlock(content=reasoning), call]),
        ChatMessage(role="tool", content="7", additional_kwargs={"tool_call_id": "call_1"}),
    ]


def test_reasoning_stripped_when_asked(make, emu) -> None:
    # DeepSeek-V3.2 thinking with tools needs it: the platform says so with a typed 400.
    llm = make("maas", "deepseek-v3.2", enable_thinking=True, reasoning_passback="never")
    with pytest.raises(BadRequestError, match="reasoning_content") as info:
        llm.chat(_history("I should add."), tools=[TOOLS[0]])
    assert info.value.request_id
    assert "reasoning_content" not in emu.requests[-1].json["messages"][1]


@pytest.mark.parametrize(("policy", "sent"), [("auto", True), ("always", True)])
def test_reasoning_passback(make, emu, policy: str, sent: bool) -> None:
    llm = make("maas", "deepseek-v3.2", enable_thinking=True, reasoning_passback=policy)
    response = llm.chat(_history("I should add."), tools=[TOOLS[0]])
    assert "7" in (response.message.content or "")
    assistant = emu.requests[-1].json["messages"][1]
    assert assistant["tool_calls"][0]["function"] == {
        "name": "add",
        "arguments": '{"a": 3, "b": 4}',
    }
    assert emu.requests[-1].json["messages"][2]["tool_call_id"] == "call_1"
    assert (assistant.get("reasoning_content") == "I should add.") is sent


def test_reasoning_not_passed_back_where_not_needed(make, emu) -> None:
    make("maas", "DeepSeek-R1").chat(_history("hmm"), tools=[TOOLS[0]])
    assert "reasoning_content" not in emu.requests[-1].json["messages"][1]


class Album(BaseModel):
    """An album."""

    title: str
    year: int
    tracks: list[str]


PROMPT = PromptTemplate("Make up an album about {topic}.")


@pytest.mark.parametrize(
    ("kind", "model", "via"),
    [
        ("maas", "DeepSeek-V3", "tools"),
        ("dashscope", "qwen-plus", "tools"),
        ("maas", "qwen3-32b", "response_format"),  # no tools on MaaS: JSON schema instead
    ],
)
def test_structured_predict(make, emu, kind: str, model: str, via: str) -> None:
    llm = make(kind, model)
    album = llm.structured_predict(Album, PROMPT, topic="cats")
    assert isinstance(album, Album)
    body = emu.requests[-1].json
    sent = json.dumps(body)
    assert ('"tools"' in sent) is (via == "tools")
    assert ('"response_format"' in sent) is (via == "response_format")


async def test_astructured_predict_and_structured_llm(make) -> None:
    for model in ("DeepSeek-V3", "qwen3-32b"):
        llm = make("maas", model)
        assert isinstance(await llm.astructured_predict(Album, PROMPT, topic="dogs"), Album)
        structured = llm.as_structured_llm(Album)
        response = structured.chat([ChatMessage(role="user", content="an album about birds")])
        assert isinstance(response.raw, Album)


def test_openai_style_kwargs_are_accepted(make, emu) -> None:
    llm = make("maas", "DeepSeek-V3")
    tool: dict[str, Any] = TOOLS[0].metadata.to_openai_tool()
    response = llm.chat(
        [ChatMessage(role="user", content="add 1 and 2")],
        tools=[tool],
        tool_choice={"type": "function", "function": {"name": "add"}},
    )
    assert llm.get_tool_calls_from_response(response)[0].tool_name == "add"
    llm.chat([ChatMessage(role="user", content="json")], response_format={"type": "json_object"})
    assert emu.requests[-1].json["response_format"] == {"type": "json_object"}
