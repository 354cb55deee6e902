"""``MaaS`` (Huawei Cloud ModelArts Studio) and ``DashScope`` (Alibaba Cloud Model Studio).

Both are ``MaaSBaseLLM`` (``base.py``) bound to a ``maas_core`` platform; everything a platform
does differently lives in ``maas_core``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from llama_index.core.bridge.pydantic import Field

from maas_core.endpoint import Endpoint

from .base import MaaSBaseLLM

__all__ = ["DashScope", "MaaS"]


class MaaS(MaaSBaseLLM):
    """Huawei Cloud ModelArts Studio (MaaS) chat models in LlamaIndex.

    Setup:
        ``pip install 'maas-integrations[llamaindex]'`` and set ``MAAS_API_KEY`` (and, optionally,
        ``MAAS_BASE_URL``; or pass ``region="ap-southeast-1"``).

    Instantiate:
        .. code-block:: python

            from llamaindex_maas import MaaS

            llm = MaaS(model="DeepSeek-V3", temperature=0.2)
            # a self-deployed service ("My Services"):
            # MaaS(model="my-model", api_base="https://.../v1/infers/<id>/v1")

    Invoke:
        .. code-block:: python

            from llama_index.core.llms import ChatMessage

            response = llm.chat([ChatMessage(role="user", content="Hello")])
            print(response.message.content)
            print(llm.complete("Say hi").text)

    Stream (reasoning models: ``DeepSeek-R1``, or ``enable_thinking=True``):
        .. code-block:: python

            llm = MaaS(model="DeepSeek-R1")
            for chunk in llm.stream_chat([ChatMessage(role="user", content="Why?")]):
                print(chunk.additional_kwargs.get("thinking_delta", "") + chunk.delta, end="")
            # chunk.message.blocks: [ThinkingBlock, TextBlock, ToolCallBlock...] so far

    Async:
        .. code-block:: python

            response = await llm.achat(messages)
            async for chunk in await llm.astream_chat(messages):
                print(chunk.delta, end="")

    Tool calling:
        .. code-block:: python

            from llama_index.core.tools import FunctionTool

            def add(a: int, b: int) -> int:
                \"\"\"Add two numbers.\"\"\"
                return a + b

            response = llm.chat_with_tools([FunctionTool.from_defaults(add)],
                                           user_msg="What is 2 + 3?")
            print(llm.get_tool_calls_from_response(response))
            # or: FunctionAgent(tools=[add], llm=llm)

    Token usage:
        .. code-block:: python

            response.additional_kwargs
            # {"prompt_tokens": 12, "completion_tokens": 30, "total_tokens": 42,
            #  "reasoning_tokens": 20}; response.raw["usage"] is the platform's own object,
            # which TokenCountingHandler counts.

    Errors are ``maas_core.errors`` classes (``RateLimitError``, ``AuthenticationError``,
    ``StreamError``, ...) with the platform's code, message and request id.
    """

    _platform: ClassVar[Literal["maas", "dashscope"]] = "maas"

    @classmethod
    def class_name(cls) -> str:
        return "MaaS_LLM"

    @classmethod
    def _endpoint_params(cls, endpoint: Endpoint) -> dict[str, Any]:
        if endpoint.platform not in ("maas", "vllm"):
            raise ValueError(
                f"endpoint {endpoint.name or endpoint.model!r} is on {endpoint.platform}; "
                "use the LLM class of that platform"
            )
        return {}


class DashScope(MaaSBaseLLM):
    """Alibaba Cloud Model Studio (DashScope) chat models in LlamaIndex.

    Setup:
        ``pip install 'maas-integrations[llamaindex]'`` and set ``DASHSCOPE_API_KEY``
        (Beijing by default; ``region="singapore"`` / ``"us"`` / ``"hk"``, or
        ``DASHSCOPE_BASE_URL``).

    Instantiate:
        .. code-block:: python

            from llamaindex_maas import DashScope

            llm = DashScope(model="qwen-plus")                        # native API
            llm = DashScope(model="qwen-plus", protocol="compatible")  # OpenAI-compatible API
            llm = DashScope(model="qwen-plus", enable_thinking=True, thinking_budget=2048)
            llm = DashScope(model="qwen3.6-plus")  # thinks by default (multimodal endpoint)
            llm = DashScope(model="deepseek-v4-pro", enable_thinking=True,
                            reasoning_effort="high")

    Invoke, stream, async, tools: as for ``MaaS``.

        .. code-block:: python

            from llama_index.core.llms import ChatMessage

            response = llm.chat([ChatMessage(role="user", content="Hello")])
            thinking = response.message.blocks[0]  # ThinkingBlock when the model reasoned
            for chunk in llm.stream_chat([ChatMessage(role="user", content="Hi")]):
                print(chunk.delta, end="")

    Models that think only when streaming (``qwen-plus`` with thinking, ``qwq-plus``) are
    streamed under the hood by ``chat()``: you always get a whole answer.

    Token usage: ``response.additional_kwargs`` (``prompt_tokens``, ``completion_tokens``,
    ``total_tokens``, ``reasoning_tokens``, ``cached_tokens``) and ``response.raw["usage"]``.
    """

    _platform: ClassVar[Literal["maas", "dashscope"]] = "dashscope"

    protocol: Literal["native", "compatible"] = Field(
        default="native", description="DashScope API: native (/api/v1) or compatible."
    )
    workspace: str | None = Field(default=None, description="Workspace id (business space).")

    @classmethod
    def class_name(cls) -> str:
        return "DashScope_LLM"

    def _platform_for_instance(self) -> str:
        return "dashscope" if self.protocol == "native" else "dashscope-compatible"

    def _client_kwargs(self) -> dict[str, Any]:
        return {**super()._client_kwargs(), "workspace": self.workspace}

    @classmethod
    def _endpoint_params(cls, endpoint: Endpoint) -> dict[str, Any]:
        if endpoint.platform != "dashscope":
            raise ValueError(
                f"endpoint {endpoint.name or endpoint.model!r} is on {endpoint.platform}; "
                "use the LLM class of that platform"
            )
        params: dict[str, Any] = {"protocol": endpoint.protocol or "native"}
        if endpoint.workspace:
            params["workspace"] = endpoint.workspace
        return params
