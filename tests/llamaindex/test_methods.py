"""The eight chat / complete methods of both classes, sync and async, streaming or not."""

from __future__ import annotations

import pytest
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    CompletionResponse,
    TextBlock,
    ThinkingBlock,
)

from llamaindex_maas import MaaSBaseLLM

pytestmark = pytest.mark.emulator

USER = [ChatMessage(role="user", content="hello")]
THINKING = "The user asks: hello. Let me think step by step."


def check_message(response: ChatResponse, reasons: bool) -> None:
    blocks = response.message.blocks
    assert response.message.content == "Echo: hello"
    if reasons:
        assert isinstance(blocks[0], ThinkingBlock)
        assert blocks[0].content == THINKING
    else:
        assert not any(isinstance(b, ThinkingBlock) for b in blocks)
    assert isinstance(blocks[-1], TextBlock)
    usage = response.additional_kwargs
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
    assert "usage" in response.raw


def check_chat_stream(chunks: list[ChatResponse], reasons: bool) -> None:
    assert len(chunks) > 2
    text = "".join(c.delta or "" for c in chunks)
    thinking = "".join(c.additional_kwargs.get("thinking_delta") or "" for c in chunks)
    assert text == "Echo: hello"
    assert thinking == (THINKING if reasons else "")
    if reasons:  # reasoning-only chunks are kept, and come first
        assert chunks[0].additional_kwargs.get("thinking_delta")
        assert not chunks[0].delta
    check_message(chunks[-1], reasons)
    assert all("usage" not in (c.raw or {}) for c in chunks[:-1])


def check_completion(response: CompletionResponse, reasons: bool) -> None:
    assert response.text == "Echo: hello"
    assert response.additional_kwargs.get("reasoning_content") == (THINKING if reasons else None)
    assert response.additional_kwargs["total_tokens"] > 0


def check_completion_stream(chunks: list[CompletionResponse], reasons: bool) -> None:
    assert "".join(c.delta or "" for c in chunks) == "Echo: hello"
    thinking = "".join(c.additional_kwargs.get("thinking_delta") or "" for c in chunks)
    assert thinking == (THINKING if reasons else "")
    assert [c.text for c in chunks][-1] == "Echo: hello"
    check_completion(chunks[-1], reasons)


def test_chat(config: tuple[MaaSBaseLLM, bool]) -> None:
    llm, reasons = config
    check_message(llm.chat(USER), reasons)


def test_stream_chat(config: tuple[MaaSBaseLLM, bool]) -> None:
    llm, reasons = config
    check_chat_stream(list(llm.stream_chat(USER)), reasons)


async def test_achat(config: tuple[MaaSBaseLLM, bool]) -> None:
    llm, reasons = config
    check_message(await llm.achat(USER), reasons)


async def test_astream_chat(config: tuple[MaaSBaseLLM, bool]) -> None:
    llm, reasons = config
    check_chat_stream([c async for c in await llm.astream_chat(USER)], reasons)


def test_complete(config: tuple[MaaSBaseLLM, bool]) -> None:
    llm, reasons = config
    check_completion(llm.complete("hello"), reasons)


def test_stream_complete(config: tuple[MaaSBaseLLM, bool]) -> None:
    llm, reasons = config
    check_completion_stream(list(llm.stream_complete("hello")), reasons)


async def test_acomplete(config: tuple[MaaSBaseLLM, bool]) -> None:
    llm, reasons = config
    check_completion(await llm.acomplete("hello"), reasons)


async def test_astream_complete(config: tuple[MaaSBaseLLM, bool]) -> None:
    llm, reasons = config
    check_completion_stream([c async for c in await llm.astream_complete("hello")], reasons)


def test_every_chunk_carries_the_message_so_far(config: tuple[MaaSBaseLLM, bool]) -> None:
    llm, reasons = config
    text, thinking = "", ""
    for chunk in llm.stream_chat(USER):
        text += chunk.delta or ""
        thinking += chunk.additional_kwargs.get("thinking_delta") or ""
        assert chunk.message.content == text
        blocks = chunk.message.blocks
        if thinking:
            assert isinstance(blocks[0], ThinkingBlock)
            assert blocks[0].content == thinking


def test_thinking_tokens_counted_when_reported(make) -> None:  # type: ignore[no-untyped-def]
    llm = make("dashscope", "qwen-plus", enable_thinking=True)
    response = llm.chat(USER)
    block = response.message.blocks[0]
    assert isinstance(block, ThinkingBlock)
    assert block.num_tokens == response.additional_kwargs["reasoning_tokens"] > 0
    last = list(llm.stream_chat(USER))[-1]
    assert last.message.blocks[0].num_tokens == last.additional_kwargs["reasoning_tokens"]


def test_switchable_model_thinks_only_when_asked(make) -> None:  # type: ignore[no-untyped-def]
    plain = make("maas", "deepseek-v3.2")
    check_message(plain.chat(USER), reasons=False)
    thinking = make("maas", "deepseek-v3.2", enable_thinking=True)
    check_message(thinking.chat(USER), reasons=True)
    check_message(plain.chat(USER, enable_thinking=True), reasons=True)


def test_stream_only_model_answers_chat(make) -> None:  # type: ignore[no-untyped-def]
    llm = make("dashscope", "qwq-plus")
    check_message(llm.chat(USER), reasons=True)
    check_completion(llm.complete("hello"), reasons=True)


def test_think_tags_are_split(make, emu) -> None:  # type: ignore[no-untyped-def]
    llm = make("maas", "DeepSeek-R1-Distill-Qwen-1.5B", api_base=emu.maas_service_base_url("svc-1"))
    response = llm.chat(USER)
    assert isinstance(response.message.blocks[0], ThinkingBlock)
    assert "<think>" not in (response.message.content or "")
    chunks = list(llm.stream_chat(USER))
    assert "".join(c.additional_kwargs.get("thinking_delta") or "" for c in chunks)
    assert "think>" not in (chunks[-1].message.content or "")


def test_sampling_parameters_reach_the_wire(make, emu) -> None:  # type: ignore[no-untyped-def]
    llm = make("maas", "DeepSeek-V3", temperature=0.3, max_tokens=1, top_p=0.5, stop=["zz"])
    response = llm.chat(USER, seed=7)
    body = emu.requests[-1].json
    assert (body["temperature"], body["max_tokens"], body["top_p"], body["seed"]) == (
        0.3,
        1,
        0.5,
        7,
    )
    assert body["stop"] == ["zz"]
    assert response.raw["finish_reason"] == "length"


async def test_stopping_a_stream_early_releases_it(make) -> None:  # type: ignore[no-untyped-def]
    llm = make("maas", "DeepSeek-R1")
    stream = await llm.astream_chat(USER)
    first = await stream.__anext__()
    assert first.additional_kwargs.get("thinking_delta")
    await stream.aclose()
    chunks = llm.stream_chat(USER)
    assert next(chunks).message.blocks
    chunks.close()
    check_message(await llm.achat(USER), reasons=True)  # the connection pool is still usable
