"""Emulator answers that show what happened: n choices, JSON mode keys, RAG context, tool turns
with and without ``parallel_tool_calls`` (PROTOCOLS A.3 / 2026 A.6: default false on DashScope
native), logprobs. Raw HTTP, no client code."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.emulator.helpers import (
    COMPAT_PATH,
    MAAS_PATH,
    NATIVE_PATH,
    SSE_ON,
    TIME_TOOL,
    WEATHER_TOOL,
    chat_body,
    native_body,
    native_events,
    openai_chunks,
)

pytestmark = pytest.mark.emulator

ROUTES = [
    ("maas", MAAS_PATH, "DeepSeek-V3"),
    ("compat", COMPAT_PATH, "qwen-plus"),
    ("native", NATIVE_PATH, "qwen-plus"),
]


def _ask(client: httpx.Client, kind: str, path: str, model: str,
         messages: list[dict[str, Any]], **params: Any) -> list[dict[str, Any]]:
    """The choices of a non-streamed answer, whatever the framing."""
    if kind == "native":
        body: dict[str, Any] = {"model": model, "input": {"messages": messages},
                                "parameters": {"result_format": "message", **params}}
    else:
        body = {"model": model, "messages": messages, **params}
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    choices: list[dict[str, Any]] = (data["output"] if kind == "native" else data)["choices"]
    return choices


def _user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


@pytest.mark.parametrize(("kind", "path", "model"), ROUTES)
def test_n_returns_n_choices(client: httpx.Client, kind: str, path: str, model: str) -> None:
    choices = _ask(client, kind, path, model, _user("hi"), n=3)
    assert len(choices) == 3
    assert {c["message"]["content"] for c in choices} == {"Echo: hi"}
    if kind != "native" or len(choices) > 1:
        assert [c.get("index") for c in choices] == [0, 1, 2]


@pytest.mark.parametrize(("kind", "path", "model"), ROUTES)
def test_logprobs_when_asked(client: httpx.Client, kind: str, path: str, model: str) -> None:
    choice = _ask(client, kind, path, model, _user("hi there"), logprobs=True, top_logprobs=2)[0]
    content = choice["logprobs"]["content"]
    assert "".join(e["token"] for e in content) == "Echo: hi there"
    assert all(e["logprob"] < 0 and len(e["top_logprobs"]) == 2 for e in content)
    assert bytes(content[0]["bytes"]).decode() == content[0]["token"]
    plain = _ask(client, kind, path, model, _user("hi there"))[0]
    assert plain.get("logprobs") is None


JSON_PROMPTS = [
    ('Reply in JSON with the keys "name", "age" and "city" about Ada', {"name", "age", "city"}),
    ("Answer as JSON like this example: {\"title\": \"...\", \"year\": 2020, \"tags\": []}",
     {"title", "year", "tags"}),
    ('Follow this JSON schema: {"type": "object", "properties": {"setup": {"type": "string"}, '
     '"punchline": {"type": "string"}}, "required": ["setup", "punchline"]}',
     {"setup", "punchline"}),
    ("Give me JSON about cats", {"answer"}),
]


@pytest.mark.parametrize(("prompt", "keys"), JSON_PROMPTS)
@pytest.mark.parametrize(("kind", "path", "model"), ROUTES)
def test_json_mode_keys_the_prompt_names(client: httpx.Client, kind: str, path: str, model: str,
                                         prompt: str, keys: set[str]) -> None:
    choice = _ask(client, kind, path, model, _user(prompt),
                  response_format={"type": "json_object"})[0]
    value = json.loads(choice["message"]["content"])
    assert set(value) == keys
    if "year" in keys:
        assert isinstance(value["year"], int) and isinstance(value["tags"], list)


def test_json_mode_reads_the_schema_from_the_system_message(client: httpx.Client) -> None:
    schema = {"type": "object", "properties": {"score": {"type": "number"}}}
    messages = [{"role": "system", "content": f"Answer with JSON matching {json.dumps(schema)}"},
                {"role": "user", "content": "Rate this json answer"}]
    choice = _ask(client, "maas", MAAS_PATH, "DeepSeek-V3", messages,
                  response_format={"type": "json_object"})[0]
    assert isinstance(json.loads(choice["message"]["content"])["score"], (int, float))


RAG_CONTEXT = ("Context information is below.\n---------------------\nCats purr when content. "
               "The DashScope key goes in the Authorization header.\nDogs bark.\n"
               "---------------------\n")


@pytest.mark.parametrize(("kind", "path", "model"), ROUTES)
def test_rag_answer_comes_from_the_context(client: httpx.Client, kind: str, path: str,
                                           model: str) -> None:
    question = "Which header carries the DashScope key?"
    in_user = _user(f"{RAG_CONTEXT}Given the context, answer.\nQuery: {question}\nAnswer: ")
    in_system = [{"role": "system", "content": f"Answer from these documents.\n{RAG_CONTEXT}"},
                 {"role": "user", "content": question}]
    for messages in (in_user, in_system):
        answer = _ask(client, kind, path, model, messages)[0]["message"]["content"]
        assert answer == ("From the context: The DashScope key goes in the Authorization "
                          "header.")


def test_question_without_context_is_echoed(client: httpx.Client) -> None:
    messages = [{"role": "system", "content": "You are helpful."}, *_user("hello")]
    assert _ask(client, "maas", MAAS_PATH, "DeepSeek-V3", messages)[0]["message"]["content"] == (
        "Echo: hello")


QUESTION = "Use get_current_weather and get_current_time for Paris"


def _tool_turn(client: httpx.Client, messages: list[dict[str, Any]],
               parallel: bool | None) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"tools": [WEATHER_TOOL, TIME_TOOL]}
    if parallel is not None:
        params["parallel_tool_calls"] = parallel
    response = client.post(NATIVE_PATH, json={**native_body("qwen-plus", **params),
                                              "input": {"messages": messages}})
    assert response.status_code == 200, response.text
    message: dict[str, Any] = response.json()["output"]["choices"][0]["message"]
    return message.get("tool_calls") or []


@pytest.mark.parametrize("parallel", [None, False])
def test_native_without_parallel_calls_one_tool_per_turn(client: httpx.Client,
                                                         parallel: bool | None) -> None:
    messages: list[dict[str, Any]] = _user(QUESTION)
    called = []
    for _ in range(4):
        calls = _tool_turn(client, messages, parallel)
        if not calls:
            break
        assert len(calls) == 1  # A.3: parallel_tool_calls defaults to false
        called.append(calls[0]["function"]["name"])
        messages += [{"role": "assistant", "content": "", "tool_calls": calls},
                     {"role": "tool", "content": "ok", "tool_call_id": calls[0]["id"]}]
    assert called == ["get_current_weather", "get_current_time"]


def test_native_parallel_calls_both_tools_at_once(client: httpx.Client) -> None:
    calls = _tool_turn(client, _user(QUESTION), True)
    assert [c["function"]["name"] for c in calls] == ["get_current_weather", "get_current_time"]
    messages = [*_user(QUESTION), {"role": "assistant", "content": "", "tool_calls": calls},
                *({"role": "tool", "content": "ok", "tool_call_id": c["id"]} for c in calls)]
    assert _tool_turn(client, messages, True) == []


def test_chat_body_helper_still_echoes(client: httpx.Client) -> None:
    response = client.post(MAAS_PATH, json=chat_body("DeepSeek-V3", "ping"))
    assert response.json()["choices"][0]["message"]["content"] == "Echo: ping"


@pytest.mark.parametrize(("path", "model"), [(MAAS_PATH, "DeepSeek-V3"),
                                             (COMPAT_PATH, "qwen-plus")])
def test_streamed_logprobs_per_chunk(client: httpx.Client, path: str, model: str) -> None:
    body = chat_body(model, "hi there", stream=True, logprobs=True, top_logprobs=1)
    chunks = [c for c in openai_chunks(client.post(path, json=body).text) if c != "[DONE]"]
    tokens = [e["token"] for c in chunks for ch in c["choices"] if ch.get("logprobs")
              for e in ch["logprobs"]["content"]]
    assert tokens == ["Echo:", " hi", " there"]


def test_native_streamed_logprobs_per_event(client: httpx.Client) -> None:
    body = native_body("qwen-plus", "hi there", logprobs=True, incremental_output=True)
    events = native_events(client.post(NATIVE_PATH, json=body, headers=SSE_ON).text)
    tokens = [e["token"] for ev in events for ch in ev["data"]["output"]["choices"]
              if ch.get("logprobs") for e in ch["logprobs"]["content"]]
    assert tokens == ["Echo:", " hi", " there"]
