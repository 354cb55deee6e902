"""Our LLMs inside LlamaIndex: FunctionAgent, ReActAgent and a VectorStoreIndex query engine."""

from __future__ import annotations

import pytest
from llama_index.core import Document, VectorStoreIndex
from llama_index.core.agent.workflow import (
    AgentStream,
    FunctionAgent,
    ReActAgent,
    ToolCall,
    ToolCallResult,
)
from llama_index.core.embeddings import MockEmbedding
from llama_index.core.tools import FunctionTool

pytestmark = [
    pytest.mark.emulator,
    # llama-index-workflows inspects agents with inspect.getmembers(), which touches pydantic's
    # deprecated class attributes (workflows/utils.py get_steps_from_instance).
    pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince20"),
    pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince211"),
    # ReActAgent.take_step reads ctx.is_running (llama_index/core/agent/workflow/react_agent.py).
    pytest.mark.filterwarnings("ignore:is_running called from within a step:DeprecationWarning"),
]


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


TOOLS = [FunctionTool.from_defaults(add), FunctionTool.from_defaults(multiply)]


async def run_agent(agent: FunctionAgent | ReActAgent, question: str) -> tuple[str, list]:
    handler = agent.run(question)
    events = [event async for event in handler.stream_events()]
    return str(await handler), events


@pytest.mark.parametrize(
    ("kind", "model", "protocol"),
    [
        ("maas", "deepseek-v3.2", None),
        ("dashscope", "qwen-plus", "native"),
        ("dashscope", "qwen-plus", "compatible"),
    ],
)
@pytest.mark.parametrize("streaming", [True, False])
async def test_function_agent_two_tools(
    make, kind: str, model: str, protocol: str | None, streaming: bool
) -> None:
    llm = make(kind, model, protocol, enable_thinking=True)
    agent = FunctionAgent(tools=TOOLS, llm=llm, streaming=streaming)
    answer, events = await run_agent(agent, "Please add and multiply 3 and 4")
    results = {
        e.tool_name: e.tool_output.raw_output for e in events if isinstance(e, ToolCallResult)
    }
    assert results == {"add": 7, "multiply": 12}
    assert "7" in answer and "12" in answer
    assert sum(isinstance(e, ToolCall) for e in events) >= 2
    stream = [e for e in events if isinstance(e, AgentStream)]
    if streaming:
        thinking = "".join(e.thinking_delta or "" for e in stream)
        assert "Let me think step by step." in thinking
        assert "".join(e.delta for e in stream).endswith(answer.removeprefix("assistant: "))


async def test_react_agent_two_tools(make) -> None:
    """The emulator echoes the last user turn; a ReAct-formatted question (and a tool whose
    output is the next ReAct step) make it drive the agent through two tools."""
    step = 'Thought: I need a tool.\nAction: multiply\nAction Input: {"a": 7, "b": 2}'

    def lookup(word: str) -> str:
        """Look a word up."""
        return step

    tools = [FunctionTool.from_defaults(lookup), TOOLS[1]]
    llm = make("maas", "DeepSeek-R1")
    agent = ReActAgent(tools=tools, llm=llm, streaming=True)
    question = 'Thought: I need a tool.\nAction: lookup\nAction Input: {"word": "seven"}'
    answer, events = await run_agent(agent, question)
    results = [
        (e.tool_name, e.tool_output.raw_output) for e in events if isinstance(e, ToolCallResult)
    ]
    assert results == [("lookup", step), ("multiply", 14)]
    assert "14" in answer
    assert any(isinstance(e, AgentStream) and e.delta for e in events)


@pytest.mark.parametrize("streaming", [False, True])
async def test_query_engine(make, streaming: bool) -> None:
    llm = make("dashscope", "qwen-plus", enable_thinking=True)
    docs = [Document(text=t) for t in ("Cats purr.", "Dogs bark.", "Birds sing.")]
    index = VectorStoreIndex.from_documents(docs, embed_model=MockEmbedding(embed_dim=8))
    engine = index.as_query_engine(llm=llm, streaming=streaming, similarity_top_k=3)
    question = "What do cats do?"
    if streaming:
        response = engine.query(question)
        text = "".join(response.response_gen)
        async_response = await engine.aquery(question)
        async_text = "".join([t async for t in async_response.async_response_gen()])
        assert async_text == text
    else:
        response = engine.query(question)
        text = str(response)
        assert str(await engine.aquery(question)) == text
    # MockEmbedding ranks at random: all three retrieved, the answer quotes the one on cats
    assert text == "From the context: Cats purr."  # the retrieved text reached the model
    assert len(response.source_nodes) == 3
