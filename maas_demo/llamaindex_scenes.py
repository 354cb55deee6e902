"""LlamaIndex scenes: a streamed query engine over the bundled documents, and a ``FunctionAgent``.

The index embeds with ``HashEmbedding``, a bag-of-words hashing embedding computed locally (no
model download, no network), good enough to rank four short documents by shared words. The
retrieved text goes into the system prompt and the question is the user message, a common RAG
layout (the emulator then answers with the retrieved sentence closest to the question).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
from collections.abc import Callable
from importlib import resources
from typing import Any

from llama_index.core import Document, VectorStoreIndex
from llama_index.core.agent.workflow import (
    AgentOutput,
    AgentStream,
    FunctionAgent,
    ToolCall,
    ToolCallResult,
)
from llama_index.core.base.response.schema import AsyncStreamingResponse
from llama_index.core.embeddings import BaseEmbedding
from llama_index.core.llms import ChatMessage, MessageRole
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.prompts import ChatPromptTemplate
from llama_index.core.tools import BaseTool, FunctionTool

from .console import Console, usage_text
from .targets import Target, llamaindex_llm

__all__ = ["HashEmbedding", "function_agent_scene", "load_documents", "query_scene"]

QUERY = "Which header carries the DashScope API key, and what error does a wrong key give?"
AGENT_QUESTION = "Use multiply and add: what are 6 times 7 and 6 plus 7?"
_WORD = re.compile(r"[a-z0-9]+")
# Words too common to tell the documents apart (a hashing embedding has no IDF weighting).
_STOP = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "does", "for", "from", "give", "gives",
    "how", "in", "is", "it", "of", "on", "or", "the", "their", "them", "then", "to", "what",
    "when", "which", "with",
))

_QA_PROMPT = ChatPromptTemplate([
    ChatMessage(role=MessageRole.SYSTEM, content=(
        "Answer from these documents only, in at most three sentences.\n"
        "---------------------\n{context_str}\n---------------------")),
    ChatMessage(role=MessageRole.USER, content="{query_str}"),
])


class HashEmbedding(BaseEmbedding):
    """Bag-of-words feature hashing (lower-cased words into ``dim`` buckets), L2-normalised."""

    dim: int = 256

    @classmethod
    def class_name(cls) -> str:
        return "HashEmbedding"

    def _embed(self, text: str) -> list[float]:
        vector = [0.0] * self.dim
        for word in _WORD.findall(text.lower()):
            if word in _STOP:
                continue
            digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % self.dim] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embed(text)

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embed(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._embed(query)


def load_documents() -> list[Document]:
    """The markdown files bundled in ``maas_demo/docs`` (package data)."""
    folder = resources.files("maas_demo") / "docs"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".md")), key=lambda f: f.name)
    return [Document(text=f.read_text(encoding="utf-8"), metadata={"file_name": f.name})
            for f in files]


# ---- scene 3: the query engine ------------------------------------------------------------------
def query_scene(target: Target, console: Console) -> None:
    """``VectorStoreIndex`` over the bundled docs; sources, then the streamed answer.

    Async on purpose: the sync query path of llama-index estimates tokens through
    ``llama_index.core.async_utils.asyncio_run``, which leaves an unclosed event loop behind.
    """
    documents = load_documents()
    index = VectorStoreIndex.from_documents(
        documents, embed_model=HashEmbedding(),
        transformations=[SentenceSplitter(chunk_size=512, chunk_overlap=0)])
    console.field("index", f"{len(documents)} documents, HashEmbedding (local, no download)")
    console.field("query", QUERY)
    asyncio.run(_aquery(index, target, console))


async def _aquery(index: VectorStoreIndex, target: Target, console: Console) -> None:
    llm = llamaindex_llm(target)
    engine = index.as_query_engine(llm=llm, streaming=True, similarity_top_k=2,
                                   text_qa_template=_QA_PROMPT)
    try:
        response = await engine.aquery(QUERY)
        assert isinstance(response, AsyncStreamingResponse)  # streaming=True
        for node in response.source_nodes:
            console.field("source", f"{node.metadata.get('file_name')}  "
                                    f"score {node.score or 0:.2f}")
        printer = console.stream()
        async for delta in response.async_response_gen():
            printer.content(delta)
        printer.close()
    finally:
        await llm.aclose()


# ---- scene 3b: the function agent ---------------------------------------------------------------
def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def function_agent_scene(target: Target, console: Console) -> None:
    """``FunctionAgent`` with two tools; events streamed as they happen."""
    console.field("tools", "multiply, add")
    console.field("prompt", AGENT_QUESTION)
    asyncio.run(_run_agent(target, console))


async def _run_agent(target: Target, console: Console) -> None:
    llm = llamaindex_llm(target)
    tools: list[BaseTool | Callable[..., Any]] = [
        FunctionTool.from_defaults(multiply), FunctionTool.from_defaults(add)]
    agent = FunctionAgent(tools=tools, llm=llm,
                          system_prompt="Call the tools you are told to call, then answer.")
    try:
        handler = agent.run(user_msg=AGENT_QUESTION)
        printer = console.stream()
        async for event in handler.stream_events():
            _print_event(event, console, printer)
        printer.close()
        result: AgentOutput = await handler
        _print_usage(result.raw, console)
    finally:
        await llm.aclose()


def _print_event(event: Any, console: Console, printer: Any) -> None:
    if isinstance(event, AgentStream):
        printer.reasoning(event.thinking_delta or "")
        printer.content(event.delta)
    elif isinstance(event, ToolCallResult):
        printer.close()
        console.tool_result(event.tool_name, event.tool_output.content)
    elif isinstance(event, ToolCall):
        printer.close()
        console.tool_call(event.tool_name, event.tool_kwargs)


def _print_usage(raw: Any, console: Console) -> None:
    """Usage of the agent's last model call: ``raw["usage"]`` in the platform's own words
    (OpenAI ``prompt_tokens`` / DashScope native ``input_tokens``)."""
    usage = raw.get("usage") if isinstance(raw, dict) else None
    if not isinstance(usage, dict):
        return
    details = usage.get("completion_tokens_details") or usage.get("output_tokens_details") or {}
    console.usage("last call " + usage_text(
        usage.get("prompt_tokens", usage.get("input_tokens")),
        usage.get("completion_tokens", usage.get("output_tokens")),
        usage.get("total_tokens"), details.get("reasoning_tokens")))
