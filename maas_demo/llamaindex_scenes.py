"""LlamaIndex scenes: a streamed, reranked query engine over the bundled documents, and a
``FunctionAgent``.

The index embeds with the platform's own embedding model (MaaS ``bge-m3``, DashScope
``text-embedding-v4``) and the retrieved chunks are reranked by its rerank model
(``bge-reranker-v2-m3`` / ``qwen3-rerank``): on the emulator both are deterministic and
meaningful, so the right document comes first offline too. The best passages go into the user
message between two dashed lines, as LlamaIndex's own templates frame context, with the question
after them; the emulator then answers with the retrieved sentence closest to the question, so the
answer shows which passage reached the model.
"""

from __future__ import annotations

import asyncio
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
from llama_index.core.llms import ChatMessage, MessageRole
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.prompts import ChatPromptTemplate
from llama_index.core.tools import BaseTool, FunctionTool

from .console import Console, usage_text
from .targets import Target, llamaindex_embedding, llamaindex_llm, llamaindex_rerank

__all__ = ["function_agent_scene", "load_documents", "query_scene"]

QUERY = "Which header carries the DashScope API key, and what error does a wrong key give?"
AGENT_QUESTION = "Use multiply and add: what are 6 times 7 and 6 plus 7?"

_QA_PROMPT = ChatPromptTemplate([
    ChatMessage(role=MessageRole.SYSTEM, content=(
        "Answer from the documents in the user message only, in at most three sentences.")),
    ChatMessage(role=MessageRole.USER, content="Context information is below.\n"
                                               "---------------------\n{context_str}\n"
                                               "---------------------\nQuery: {query_str}\n"
                                               "Answer:"),
])


def load_documents() -> list[Document]:
    """The markdown files bundled in ``maas_demo/docs`` (package data)."""
    folder = resources.files("maas_demo") / "docs"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".md")), key=lambda f: f.name)
    return [Document(text=f.read_text(encoding="utf-8"), metadata={"file_name": f.name})
            for f in files]


# ---- scene 3: the query engine ------------------------------------------------------------------
def query_scene(target: Target, console: Console) -> None:
    """``VectorStoreIndex`` over the bundled docs with the platform's embeddings, the top four
    chunks reranked to two; sources with their rerank scores, then the streamed answer.

    Async on purpose: the sync query path of llama-index estimates tokens through
    ``llama_index.core.async_utils.asyncio_run``, which leaves an unclosed event loop behind.
    """
    documents = load_documents()
    embed_model = llamaindex_embedding(target)
    index = VectorStoreIndex.from_documents(
        documents, embed_model=embed_model,
        transformations=[SentenceSplitter(chunk_size=512, chunk_overlap=0)])
    reranker = llamaindex_rerank(target, top_n=2)
    console.field("index", f"{len(documents)} documents, {embed_model.model_name} embeddings, "
                           f"{reranker.model} rerank")
    console.field("query", QUERY)
    asyncio.run(_aquery(index, reranker, target, console))


async def _aquery(index: VectorStoreIndex, reranker: Any, target: Target,
                  console: Console) -> None:
    llm = llamaindex_llm(target)
    engine = index.as_query_engine(llm=llm, streaming=True, similarity_top_k=4,
                                   node_postprocessors=[reranker], text_qa_template=_QA_PROMPT)
    try:
        response = await engine.aquery(QUERY)
        assert isinstance(response, AsyncStreamingResponse)  # streaming=True
        for node in response.source_nodes:
            console.field("source", f"{node.metadata.get('file_name')}  "
                                    f"relevance {node.score or 0:.2f}")
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
