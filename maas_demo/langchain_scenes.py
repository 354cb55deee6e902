"""LangChain scenes: a streamed ``prompt | ChatMaaS`` chain and a tool-calling agent.

The chain streams ``AIMessageChunk``s: reasoning arrives in
``additional_kwargs["reasoning_content"]``, the answer in ``.text``, token usage (with
``output_token_details.reasoning``) on exactly one chunk. The agent is
``langchain.agents.create_agent`` when the ``langchain`` package is installed (it is not a
dependency of maas-integrations), else the same loop written by hand with ``bind_tools``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.tools import BaseTool, tool

from maas_core._extras import install_command

from .console import Console, StreamPrinter, usage_text
from .targets import Target, chat_model

__all__ = ["agent_scene", "chain_scene", "get_weather", "population"]

CHAIN_QUESTION = "In two sentences: why does a reasoning model think before it answers?"
AGENT_QUESTION = (
    "Use get_weather and population for the city 'Guiyang', then tell me whether it is a "
    "good day for a walk."
)
_MAX_TURNS = 4


@tool
def get_weather(city: str) -> str:
    """Current weather of a city (a fixed demo value)."""
    return f"{city}: 22 C, light breeze, no rain"


@tool
def population(city: str) -> str:
    """Number of inhabitants of a city (a fixed demo value)."""
    return f"{city}: about 6 million inhabitants"


TOOLS: list[BaseTool] = [get_weather, population]


# ---- scene 1: the chain -------------------------------------------------------------------------
def chain_scene(target: Target, console: Console) -> None:
    """``ChatPromptTemplate | ChatMaaS`` streamed: thinking, answer, then token usage."""
    prompt = ChatPromptTemplate.from_messages([
        ("system", "You are a concise assistant who explains {topic}."),
        ("human", "{question}"),
    ])
    chain = prompt | chat_model(target)
    console.field("prompt", CHAIN_QUESTION)
    usage = print_stream(chain.stream({"topic": "AI", "question": CHAIN_QUESTION}), console)
    console.usage(usage)


def print_stream(chunks: Iterable[BaseMessage], console: Console) -> str:
    """Print streamed chunks live; the usage line of the one chunk that carried usage."""
    printer = console.stream()
    usage = "tokens: (none reported)"
    for chunk in chunks:
        _print_chunk(chunk, printer)
        if isinstance(chunk, AIMessageChunk) and chunk.usage_metadata:
            usage = _usage(chunk.usage_metadata)
    printer.close()
    return usage


def _print_chunk(chunk: BaseMessage, printer: StreamPrinter) -> None:
    printer.reasoning(str(chunk.additional_kwargs.get("reasoning_content") or ""))
    printer.content(chunk.text)


def _usage(meta: Any) -> str:
    details = meta.get("output_token_details") or {}
    return usage_text(meta.get("input_tokens"), meta.get("output_tokens"),
                      meta.get("total_tokens"), details.get("reasoning"))


# ---- scene 2: the agent -------------------------------------------------------------------------
def agent_scene(target: Target, console: Console) -> None:
    """A tool-calling agent with two tools: each call, each result, the streamed answer."""
    console.field("tools", ", ".join(t.name for t in TOOLS))
    console.field("prompt", AGENT_QUESTION)
    try:
        from langchain.agents import create_agent
    except ImportError:  # langchain is optional: the same loop by hand
        console.note("langchain not installed: a hand-written tool loop "
                     f"({install_command('demo')})")
        _tool_loop(target, console)
        return
    console.note("langchain.agents.create_agent")
    agent = create_agent(chat_model(target), tools=TOOLS,
                         system_prompt="Answer briefly; call the tools you are told to call.")
    events = agent.stream({"messages": [{"role": "user", "content": AGENT_QUESTION}]},
                          stream_mode=["messages", "updates"])
    _print_agent_events(events, console)


def _print_agent_events(events: Iterator[Any], console: Console) -> None:
    """``messages`` events stream the model's text; ``updates`` events show calls and results."""
    printer = console.stream()
    for mode, data in events:
        if mode == "messages":
            chunk = data[0]
            if isinstance(chunk, AIMessageChunk):
                _print_chunk(chunk, printer)
            continue
        printer.close()
        for update in data.values():
            for message in (update or {}).get("messages", []):
                _print_step(message, console)
    printer.close()


def _print_step(message: BaseMessage, console: Console) -> None:
    if isinstance(message, AIMessage):
        for call in message.tool_calls:
            console.tool_call(call["name"], call["args"])
        if message.usage_metadata:
            console.usage(_usage(message.usage_metadata))
    elif isinstance(message, ToolMessage):
        console.tool_result(message.name or "tool", message.text)


def _tool_loop(target: Target, console: Console) -> None:
    """``bind_tools`` + stream + run the calls, until the model answers without tools."""
    model = chat_model(target).bind_tools(TOOLS)
    by_name = {t.name: t for t in TOOLS}
    history: list[Any] = [("user", AGENT_QUESTION)]
    for _ in range(_MAX_TURNS):
        reply = _stream_turn(model.stream(history), console)
        history.append(reply)
        if not reply.tool_calls:
            return
        for call in reply.tool_calls:
            console.tool_call(call["name"], call["args"])
            result = by_name[call["name"]].invoke(call)
            console.tool_result(call["name"], result.text)
            history.append(result)


def _stream_turn(chunks: Iterable[BaseMessage], console: Console) -> AIMessageChunk:
    """Print one streamed turn and return its chunks merged (tool calls parsed)."""
    printer = console.stream()
    merged: AIMessageChunk | None = None
    for chunk in chunks:
        if isinstance(chunk, AIMessageChunk):
            _print_chunk(chunk, printer)
            merged = chunk if merged is None else merged + chunk
    printer.close()
    if merged is not None and merged.usage_metadata:
        console.usage(_usage(merged.usage_metadata))
    return merged if merged is not None else AIMessageChunk(content="")
