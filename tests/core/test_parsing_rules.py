"""The parsing rules of the foundation, each on recorded payloads or the exact shapes of PROTOCOLS.md."""

from __future__ import annotations

import json

import pytest

from maas_core.errors import RateLimitError, StreamError
from tests.replay import decode, fixture_bytes, native_sse, sse

OPENAI = "openai_compat"
NATIVE = "dashscope_native"


def _chunk(
    delta: dict | None = None,
    finish: str | None = None,
    usage: dict | None = None,
    choices: bool = True,
) -> str:
    body: dict = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "m"}
    body["choices"] = (
        [{"index": 0, "delta": delta or {}, "finish_reason": finish}] if choices else []
    )
    body["usage"] = usage
    return json.dumps(body, ensure_ascii=False)


def _text(deltas) -> tuple[str, str]:
    return "".join(d.content for d in deltas), "".join(d.reasoning for d in deltas)


def _usage_deltas(deltas):
    return [d for d in deltas if d.usage is not None]


# --- reasoning -------------------------------------------------------------------------------


def test_reasoning_content_and_reasoning_both_read_never_doubled():
    raw = sse(
        _chunk({"role": "assistant", "content": ""}),
        _chunk({"reasoning_content": "old "}),  # vLLM <= 0.11.0
        _chunk({"reasoning": "new "}),  # vLLM >= 0.16
        _chunk({"reasoning": "both", "reasoning_content": "both"}),  # 0.11.1 - 0.15.x
        _chunk({"content": "ok"}, finish="stop"),
    )
    deltas, decoder = decode(raw, OPENAI)
    assert _text(deltas) == ("ok", "old new both")
    assert decoder.result().message.reasoning == "old new both"


def test_reasoning_and_content_in_one_delta_both_kept():
    raw = sse(
        _chunk({"reasoning_content": "think"}),
        _chunk({"reasoning_content": " end", "content": "Answer"}),
        _chunk({"content": "!"}, finish="stop"),
    )
    deltas, decoder = decode(raw, OPENAI)
    assert _text(deltas) == ("Answer!", "think end")
    assert decoder.result().message.content == "Answer!"


def test_content_and_finish_reason_in_one_chunk():
    deltas, decoder = decode(
        sse(_chunk({"content": "Hi"}), _chunk({"content": " there"}, "stop")), OPENAI
    )
    assert _text(deltas)[0] == "Hi there"
    assert [d.finish_reason for d in deltas if d.finish_reason] == ["stop"]
    assert deltas[-1].finish_reason == "stop" and deltas[-1].content == ""


def test_deepseek_reasoner_recorded_stream():
    deltas, decoder = decode(
        fixture_bytes("F5_deepseek_reasoner_official_api_stream_pydantic-ai_REAL.sse"), OPENAI
    )
    result = decoder.result()
    assert result.message.reasoning and result.message.content.startswith("Hello")
    assert result.finish_reason == "stop"
    (closing,) = _usage_deltas(deltas)
    assert closing is deltas[-1]
    assert closing.usage.reasoning_tokens == 198 and closing.usage.cached_tokens == 0
    assert (closing.usage.input_tokens, closing.usage.output_tokens) == (6, 212)


# --- tool calls ------------------------------------------------------------------------------


def test_two_tool_calls_in_one_chunk():
    calls = [
        {
            "index": 0,
            "id": "call_a",
            "type": "function",
            "function": {"name": "add", "arguments": '{"a": 1'},
        },
        {
            "index": 1,
            "id": "call_b",
            "type": "function",
            "function": {"name": "mul", "arguments": '{"b": 2}'},
        },
    ]
    raw = sse(
        _chunk({"tool_calls": calls}),
        _chunk({"tool_calls": [{"index": 0, "function": {"arguments": "}"}}]}),
        _chunk({}, "tool_calls"),
    )
    deltas, decoder = decode(raw, OPENAI)
    message = decoder.result().message
    assert [(c.id, c.name, c.parsed_arguments()) for c in message.tool_calls] == [
        ("call_a", "add", {"a": 1}),
        ("call_b", "mul", {"b": 2}),
    ]
    assert [f.index for d in deltas for f in d.tool_calls] == [0, 1, 0]


@pytest.mark.parametrize("repeat", ["same", "fresh"])
def test_tool_call_id_repeated_on_every_fragment_kept_once(repeat):
    def frag(i, args, name=None):
        fid = "chatcmpl-tool-1" if repeat == "same" else f"chatcmpl-tool-{i}"
        fn = {"arguments": args} | ({"name": name} if name else {})
        return _chunk({"tool_calls": [{"index": 0, "id": fid, "type": "function", "function": fn}]})

    raw = sse(
        frag(1, "", "get_weather"),
        frag(2, '{"city": '),
        frag(3, '"Paris"}'),
        _chunk({}, "tool_calls"),
    )
    deltas, decoder = decode(raw, OPENAI)
    (call,) = decoder.result().message.tool_calls
    assert call.id == "chatcmpl-tool-1" and call.name == "get_weather"
    assert call.parsed_arguments() == {"city": "Paris"}
    ids = [f.id for d in deltas for f in d.tool_calls if f.id]
    assert ids == ["chatcmpl-tool-1"]  # handed out once: framework merges concatenate ids


def test_compat_tool_call_stream_recorded():
    deltas, decoder = decode(
        fixture_bytes("F4c_compat_stream_toolcall_qwen-plus_REAL-page.sse"), OPENAI
    )
    (call,) = decoder.result().message.tool_calls
    assert call.id == "call_0bdcc155f2534f65a05cb1" and call.name == "get_current_weather"
    assert call.parsed_arguments() == {"location": "杭州市"}
    assert decoder.result().finish_reason == "tool_calls"


def test_native_tool_call_stream_java_print_replayed_as_wire():
    # F3a is the Java SDK's print (requestId, no index): rebuilt as wire events (A.6).
    lines = fixture_bytes(
        "F3a_dashscope_native_stream_thinking_toolcall_qwen-plus_JAVA-SDK-PRINT.jsonl"
    )
    chunks = []
    for line in lines.decode().splitlines():
        event = json.loads(line)
        event["request_id"] = event.pop("requestId")
        chunks.append(json.dumps(event, ensure_ascii=False))
    deltas, decoder = decode(native_sse(*chunks), NATIVE)
    result = decoder.result()
    (call,) = result.message.tool_calls
    assert call.id == "call_ecc41296dccc47baa01567"
    assert call.parsed_arguments() == {"location": "杭州"}
    assert result.finish_reason == "tool_calls" and result.message.reasoning
    assert len(_usage_deltas(deltas)) == 1 and deltas[-1].usage.output_tokens == 108


def test_empty_tool_fragment_ignored():
    raw = sse(
        _chunk(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "f", "arguments": "{}"},
                    }
                ]
            }
        ),
        _chunk({"tool_calls": [{"function": {}, "index": 0, "id": "", "type": "function"}]}),
        _chunk({}, "tool_calls"),
    )
    _, decoder = decode(raw, OPENAI)
    assert decoder.result().message.tool_calls[0].arguments == "{}"


# --- DashScope native ------------------------------------------------------------------------


def test_native_null_finish_reasons_and_cumulative_usage_once():
    deltas, decoder = decode(
        fixture_bytes("F1b_dashscope_native_stream_incremental_qwen-plus_cached_tokens_DOC.sse"),
        NATIVE,
    )
    assert all(d.finish_reason is None for d in deltas[:-1])
    assert deltas[-1].finish_reason == "stop"
    (closing,) = _usage_deltas(deltas)
    assert (closing.usage.input_tokens, closing.usage.output_tokens) == (26, 66)
    assert closing.usage.cached_tokens == 0
    assert decoder.result().message.content.startswith("我是通义千")


def test_native_reasoning_stream_recorded():
    deltas, decoder = decode(
        fixture_bytes("F2a_dashscope_native_stream_reasoning_qwen-plus_DOC.sse"), NATIVE
    )
    result = decoder.result()
    assert result.message.reasoning.startswith("嗯，") and "帮助" in result.message.content
    assert result.usage.output_tokens == 367 and len(_usage_deltas(deltas)) == 1


def test_native_thinking_budget_reports_reasoning_tokens():
    deltas, _ = decode(
        fixture_bytes("F2b_dashscope_native_stream_thinking_budget50_DOC.sse"), NATIVE
    )
    assert deltas[-1].usage.reasoning_tokens == 50


def test_native_empty_events_are_not_the_end():
    deltas, decoder = decode(
        fixture_bytes("F2c_dashscope_native_stream_reasoning_code_interpreter_qwen3-max_DOC.sse"),
        NATIVE,
    )
    assert decoder.result().finish_reason == "stop" and decoder.result().message.content


def test_native_content_and_stop_in_one_event_multimodal_list_content():
    raw = native_sse(
        '{"output":{"choices":[{"message":{"content":[{"text":"Hello"}],"role":"assistant"},'
        '"finish_reason":"null"}]},"usage":{"input_tokens":92,"output_tokens":1},"request_id":"r1"}',
        '{"output":{"choices":[{"message":{"content":[{"text":" there"}],"role":"assistant"},'
        '"finish_reason":"stop"}]},"usage":{"input_tokens":92,"output_tokens":10},"request_id":"r1"}',
    )
    deltas, decoder = decode(raw, NATIVE)
    assert decoder.result().message.content == "Hello there"
    assert deltas[-1].request_id == "r1" and deltas[-1].usage.total_tokens == 102


# --- usage placement -------------------------------------------------------------------------

USAGE = {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}


@pytest.mark.parametrize("placement", ["final", "finish", "every"])
def test_usage_reported_exactly_once(placement):
    def usage_at(step: int) -> dict | None:
        if placement == "every":
            return {"prompt_tokens": 5, "completion_tokens": step, "total_tokens": 5 + step}
        return USAGE if placement == "finish" and step == 3 else None

    chunks = [
        _chunk({"content": w}, "stop" if i == 3 else None, usage_at(i))
        for i, w in enumerate(["a", "b", "c"], 1)
    ]
    if placement == "final":
        chunks.append(_chunk(usage=USAGE, choices=False))
    deltas, decoder = decode(sse(*chunks), OPENAI)
    (closing,) = _usage_deltas(deltas)
    assert closing is deltas[-1]
    assert (closing.usage.input_tokens, closing.usage.output_tokens) == (5, 3)
    assert sum(1 for d in deltas if d.model) == 1 and sum(1 for d in deltas if d.finish_reason) == 1


def test_compat_reasoning_with_usage_chunk_recorded():
    deltas, decoder = decode(
        fixture_bytes("F4a_compat_stream_reasoning_include_usage_qwen-plus_DOC.sse"), OPENAI
    )
    (closing,) = _usage_deltas(deltas)
    assert closing.usage.total_tokens == 370 and closing.finish_reason == "stop"
    assert decoder.result().model == "qwen-plus"


# --- truncation and malformed events ---------------------------------------------------------


def test_stream_without_done_or_finish_raises_with_partial():
    raw = sse(_chunk({"content": "partial "}), _chunk({"content": "answer"}), done=False)
    with pytest.raises(StreamError, match="without") as info:
        decode(raw, OPENAI)
    assert info.value.partial.message.content == "partial answer"


def test_native_stream_without_finish_raises():
    raw = native_sse(
        '{"output":{"choices":[{"message":{"content":"我","role":"assistant"},'
        '"finish_reason":"null"}]},"usage":{"input_tokens":1,"output_tokens":1},'
        '"request_id":"r"}'
    )
    with pytest.raises(StreamError, match="finish reason"):
        decode(raw, NATIVE)


def test_finish_reason_without_done_is_complete():
    deltas, decoder = decode(sse(_chunk({"content": "a"}, "stop"), done=False), OPENAI)
    assert decoder.result().message.content == "a"


def test_malformed_json_names_the_event():
    raw = sse(_chunk({"content": "a"}), '{"choices": [', _chunk({}, "stop"))
    with pytest.raises(StreamError, match=r"malformed JSON in event #2"):
        decode(raw, OPENAI)


def test_error_object_inside_200_stream():
    raw = sse(
        _chunk({"content": "a"}),
        json.dumps({"error": {"message": "slow down", "type": "x", "code": 429}}),
    )
    with pytest.raises(RateLimitError) as info:
        decode(raw, OPENAI)
    assert isinstance(info.value, StreamError)


def test_native_error_frame_on_compat_stream():
    raw = (
        b'id:1\nevent:error\n:HTTP_STATUS/429\ndata:{"request_id":"70acdc21",'
        b'"code":"Throttling.AllocationQuota","message":"Allocated quota exceeded."}\n\n'
    )
    with pytest.raises(RateLimitError) as info:
        decode(raw, OPENAI)
    assert info.value.code == "Throttling.AllocationQuota" and info.value.request_id == "70acdc21"
    assert info.value.status == 429


# --- bytes on the wire -----------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_utf8_split_across_reads_survives(size):
    raw = fixture_bytes("F2a_dashscope_native_stream_reasoning_qwen-plus_DOC.sse")
    whole, _ = decode(raw, NATIVE)
    split, _ = decode(raw, NATIVE, chunk=size)
    assert _text(split) == _text(whole)


def test_crlf_framing():
    raw = sse(_chunk({"content": "a"}), _chunk({}, "stop")).replace(b"\n", b"\r\n")
    deltas, _ = decode(raw, OPENAI)
    assert _text(deltas)[0] == "a"
