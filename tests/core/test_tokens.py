"""``get_num_tokens`` without ``transformers``: the estimate, and how far it is from the
platforms' own counts on the recorded answers in tests/fixtures."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from maas_core.tokens import PER_MESSAGE_TOKENS, estimate_message_tokens, estimate_tokens

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _f5_text() -> str:
    text = ""
    for line in (FIXTURES / "F5_deepseek_reasoner_official_api_stream_pydantic-ai_REAL.sse"
                 ).read_text(encoding="utf-8").splitlines():
        if line.startswith("data:") and "[DONE]" not in line:
            for choice in json.loads(line[5:])["choices"]:
                delta = choice.get("delta") or {}
                text += (delta.get("content") or "") + (delta.get("reasoning_content") or "")
    return text


def _f6_text() -> str:
    data = json.loads((FIXTURES / "F6_maas_deepseek-r1_nonstream_DOC.json").read_text("utf-8"))
    message = data["choices"][0]["message"]
    return (message.get("content") or "") + (message.get("reasoning_content") or "")


@pytest.mark.parametrize(("text", "platform_count", "documented"), [
    (_f5_text(), 212, 231),   # English, DeepSeek official API (REAL)
    (_f6_text(), 416, 390),   # Chinese, DeepSeek-R1 on MaaS (DOC)
])
def test_estimate_close_to_the_platform_count(text: str, platform_count: int,
                                              documented: int) -> None:
    estimate = estimate_tokens(text)
    assert estimate == documented  # the figures maas_core/tokens.py states
    assert abs(estimate - platform_count) / platform_count < 0.10


def test_estimate_rules() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcd" * 10) == 10
    assert estimate_tokens("你好世界") == 3
    assert estimate_message_tokens(["abcd", "你好世界"]) == 1 + 3 + 2 * PER_MESSAGE_TOKENS


def test_langchain_counts_without_transformers(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("langchain_core")
    from langchain_core.messages import AIMessage, HumanMessage

    from langchain_maas import ChatDashScope, ChatMaaS

    monkeypatch.setitem(sys.modules, "transformers", None)  # as if not installed
    for llm in (ChatMaaS(model="DeepSeek-V3", api_key="sk-x"),
                ChatDashScope(model="qwen-plus", api_key="sk-x")):
        assert llm.get_num_tokens("abcd" * 10) == 10  # no GPT-2 warning (warnings are errors)
        call = {"name": "add", "args": {"a": 1}, "id": "c1"}
        messages = [HumanMessage("abcd"), AIMessage("", tool_calls=[call])]
        assert llm.get_num_tokens_from_messages(messages) == (
            1 + estimate_tokens('{"a": 1}') + 2 * PER_MESSAGE_TOKENS)
        with pytest.raises(NotImplementedError, match="get_num_tokens"):
            llm.get_token_ids("hi")
