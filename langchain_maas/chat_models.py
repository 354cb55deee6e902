"""LangChain chat models for Huawei Cloud ModelArts Studio (MaaS) and Alibaba Cloud DashScope.

Input flow: LangChain messages -> ``_convert`` -> ``maas_core.ChatRequest`` -> ``maas_core``
client (wire body of the platform, thinking switch, tool_choice mapping, retries).
Output flow: ``maas_core`` ``ChatResult`` / ``ChatDelta`` stream -> ``_convert`` -> ``AIMessage`` /
``AIMessageChunk`` with reasoning in ``additional_kwargs["reasoning_content"]``, usage once.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar, Literal

from langchain_core.utils import secret_from_env
from pydantic import Field, SecretStr
from typing_extensions import Self

from maas_core.endpoint import Endpoint
from maas_core.errors import UnsupportedParameterError

from ._base import _BaseChatMaaS

__all__ = ["ChatDashScope", "ChatMaaS"]


class ChatMaaS(_BaseChatMaaS):
    """Huawei Cloud ModelArts Studio (MaaS) chat models (OpenAI-compatible API).

    Setup:
        Install ``maas-integrations`` with its ``langchain`` extra and set your API key::

            pip install 'maas-integrations[langchain]'
            export MAAS_API_KEY="your-api-key"

    Key init args — completion params:
        model: str
            Model name, case-sensitive, e.g. ``"DeepSeek-V3"``, ``"DeepSeek-R1"``,
            ``"deepseek-v3.2"``, ``"qwen3-32b"``.
        temperature, max_tokens, top_p, top_k, stop, n, seed: sampling parameters.
        enable_thinking: Optional[bool]
            Thinking on/off for switchable models (``None``: the model's default).
        reasoning_passback: "auto" | "always" | "never"
            Whether earlier reasoning is sent back in tool loops (``"auto"``: where needed).

    Key init args — client params:
        api_key: Optional[SecretStr]
            Defaults to ``MAAS_API_KEY``.
        base_url: Optional[str]
            Defaults to the ``region`` preset, then ``MAAS_BASE_URL``, then
            ``https://api.modelarts-maas.com/v1``. A "My Services" deployment lives at
            ``maas_core.maas_service_url(service_id)``.
        region: Optional[str]
            ``"cn-southwest-2"`` (Guiyang, default) or ``"ap-southeast-1"`` (``"intl"``).
        timeout, max_retries, default_headers, http_client, http_async_client.

    Instantiate:
        .. code-block:: python

            from langchain_maas import ChatMaaS

            llm = ChatMaaS(model="DeepSeek-V3", temperature=0, max_tokens=512)

    Invoke:
        .. code-block:: python

            messages = [("system", "Translate to French."), ("human", "I love programming.")]
            llm.invoke(messages)
            # AIMessage(content="J'adore la programmation.", response_metadata={
            #     "model_provider": "huawei-maas", "model_name": "DeepSeek-V3", ...})

    Stream:
        .. code-block:: python

            for chunk in llm.stream(messages):
                print(chunk.text, end="")

    Async:
        .. code-block:: python

            await llm.ainvoke(messages)
            async for chunk in llm.astream(messages):
                print(chunk.text, end="")
            await llm.abatch([messages, messages])

    Tool calling:
        .. code-block:: python

            from pydantic import BaseModel, Field

            class GetWeather(BaseModel):
                '''Get the current weather in a given location'''

                location: str = Field(..., description="City, e.g. Guiyang")

            llm_with_tools = llm.bind_tools([GetWeather], tool_choice="auto")
            ai_msg = llm_with_tools.invoke("What is the weather in Guiyang?")
            ai_msg.tool_calls
            # [{"name": "GetWeather", "args": {"location": "Guiyang"}, "id": "...",
            #   "type": "tool_call"}]

    Structured output:
        .. code-block:: python

            class Joke(BaseModel):
                setup: str
                punchline: str

            llm.with_structured_output(Joke).invoke("Tell me a joke about cats")
            # Joke(setup="...", punchline="...")

        ``method`` may be ``"json_schema"``, ``"function_calling"`` or ``"json_mode"``; by
        default the model's capabilities decide (thinking is never switched off for you).

    Token usage:
        .. code-block:: python

            ai_msg = llm.invoke(messages)
            ai_msg.usage_metadata
            # {"input_tokens": 28, "output_tokens": 5, "total_tokens": 33}

        When streaming, usage arrives on exactly one chunk (``stream_usage=True``, default).

    Reasoning:
        .. code-block:: python

            reasoner = ChatMaaS(model="DeepSeek-R1")
            ai_msg = reasoner.invoke("9.11 or 9.8: which is larger?")
            ai_msg.additional_kwargs["reasoning_content"]   # the chain of thought
            ai_msg.content_blocks[0]                        # {"type": "reasoning", ...}

            thinker = ChatMaaS(model="deepseek-v3.2", enable_thinking=True)

    Errors:
        maas_core's errors (``maas_core.RateLimitError`` ...) that are also LangChain's
        (``langchain_core.exceptions.ModelRateLimitError`` ...), with ``status``, ``code``,
        ``message`` and ``request_id``.
    """

    api_key: SecretStr | None = Field(
        default_factory=secret_from_env("MAAS_API_KEY", default=None))
    """API key; defaults from ``MAAS_API_KEY``."""

    _provider: ClassVar[str] = "huawei-maas"

    @property
    def lc_secrets(self) -> dict[str, str]:
        return {"api_key": "MAAS_API_KEY"}

    @classmethod
    def from_endpoint(cls, endpoint: Endpoint, **kwargs: Any) -> Self:
        """A chat model for an ``Endpoint`` found by ``maas_core.discovery``."""
        if endpoint.platform not in ("maas", "vllm"):
            raise UnsupportedParameterError(
                f"ChatMaaS cannot call a {endpoint.platform!r} endpoint; use ChatDashScope")
        return cls(**{"model": endpoint.model, "base_url": endpoint.base_url, **kwargs})

    @classmethod
    def discover(cls, name: str, *, discovery: dict[str, Any] | None = None,
                 **kwargs: Any) -> Self:
        """Find ``name`` (a model, service or deployment name) and return a model for it.

        ``discovery`` holds extra arguments of ``maas_core.discovery.resolve`` (e.g.
        ``workspace``); ``api_key``, ``base_url`` and ``region`` are shared with the model.
        """
        endpoint = _resolve(name, "maas", discovery, kwargs)
        return cls.from_endpoint(endpoint, **_model_kwargs(kwargs))


class ChatDashScope(_BaseChatMaaS):
    """Alibaba Cloud DashScope / Model Studio chat models (Qwen, DeepSeek, QwQ ...).

    Setup:
        Install ``maas-integrations`` with its ``langchain`` extra and set your API key::

            pip install 'maas-integrations[langchain]'
            export DASHSCOPE_API_KEY="sk-..."

    Key init args — completion params:
        model: str
            e.g. ``"qwen3.6-plus"``, ``"qwen3.8-max"``, ``"qwen-plus"``, ``"deepseek-v4-pro"``,
            ``"glm-5.2"``, ``"kimi-k2.6"``, ``"qwq-plus"``, ``"qwen3-vl-plus"`` (images).
            Qwen3.5 and later think by default and are served by the multimodal endpoint.
        temperature, max_tokens, top_p, top_k, stop, n, seed: sampling parameters.
        enable_thinking: Optional[bool]
            Thinking for hybrid models (``None``: the model's default); those that think only
            when streaming are streamed under the hood for ``invoke``.
        thinking_budget: Optional[int]
            Maximum reasoning tokens (Qwen, GLM, Kimi).
        reasoning_effort: Optional[str]
            ``"low"`` / ``"medium"`` / ``"high"`` / ``"xhigh"`` (deepseek-v4).
        preserve_thinking: Optional[bool]
            Let Qwen3.6+ / Kimi read earlier turns' reasoning.

    Key init args — client params:
        protocol: "native" | "compatible"
            The native DashScope API (``/api/v1``, default) or compatible mode
            (``/compatible-mode/v1``).
        api_key: Optional[SecretStr]
            Defaults to ``DASHSCOPE_API_KEY``.
        base_url: Optional[str]
            Defaults to the ``region`` preset, then ``DASHSCOPE_BASE_URL`` (native) /
            ``DASHSCOPE_COMPATIBLE_BASE_URL`` (compatible), then Beijing.
        region: Optional[str]
            ``"cn-beijing"``, ``"ap-southeast-1"`` (``"intl"``), ``"us-east-1"``, ``"cn-hongkong"``.
        workspace: Optional[str]
            Workspace id (``X-DashScope-WorkSpace``).

    Instantiate:
        .. code-block:: python

            from langchain_maas import ChatDashScope

            llm = ChatDashScope(model="qwen-plus", temperature=0)
            compat = ChatDashScope(model="qwen-plus", protocol="compatible", region="intl")

    Invoke:
        .. code-block:: python

            llm.invoke([("human", "Say hello in Chinese.")])
            # AIMessage(content="你好", response_metadata={"model_provider": "dashscope", ...})

    Stream:
        .. code-block:: python

            for chunk in llm.stream("Write a haiku about rain"):
                print(chunk.text, end="")

    Async:
        .. code-block:: python

            await llm.ainvoke("Hello")
            async for chunk in llm.astream("Hello"):
                print(chunk.text, end="")

    Tool calling:
        .. code-block:: python

            from pydantic import BaseModel, Field

            class GetWeather(BaseModel):
                '''Get the current weather in a given location'''

                location: str = Field(..., description="City, e.g. Hangzhou")

            ai_msg = llm.bind_tools([GetWeather]).invoke("Weather in Hangzhou?")
            ai_msg.tool_calls

        Thinking models take only ``tool_choice="auto"`` / ``"none"``; forcing a tool while
        thinking raises ``UnsupportedParameterError`` before anything is sent.

    Structured output:
        .. code-block:: python

            class Joke(BaseModel):
                setup: str
                punchline: str

            llm.with_structured_output(Joke).invoke("Tell me a joke about cats")

    Token usage:
        .. code-block:: python

            llm.invoke("Hello").usage_metadata
            # {"input_tokens": 9, "output_tokens": 8, "total_tokens": 17,
            #  "input_token_details": {"cache_read": 0}}

    Reasoning:
        .. code-block:: python

            thinker = ChatDashScope(model="qwen-plus", enable_thinking=True, thinking_budget=512)
            msg = thinker.invoke("Is 97 prime?")
            msg.additional_kwargs["reasoning_content"]
            msg.usage_metadata["output_token_details"]["reasoning"]

    Images:
        .. code-block:: python

            vl = ChatDashScope(model="qwen3-vl-plus")
            vl.invoke([("human", [
                {"type": "text", "text": "What is in this picture?"},
                {"type": "image", "url": "https://example.com/cat.png"},
            ])])
    """

    api_key: SecretStr | None = Field(
        default_factory=secret_from_env("DASHSCOPE_API_KEY", default=None))
    """API key; defaults from ``DASHSCOPE_API_KEY``."""
    protocol: Literal["native", "compatible"] = "native"
    """``"native"``: DashScope's own API; ``"compatible"``: its OpenAI-compatible mode."""

    _provider: ClassVar[str] = "dashscope"

    def _core_platform(self) -> str:
        return "dashscope" if self.protocol == "native" else "dashscope-compatible"

    @property
    def lc_secrets(self) -> dict[str, str]:
        return {"api_key": "DASHSCOPE_API_KEY"}

    @classmethod
    def from_endpoint(cls, endpoint: Endpoint, **kwargs: Any) -> Self:
        """A chat model for an ``Endpoint`` found by ``maas_core.discovery``."""
        if endpoint.platform != "dashscope":
            raise UnsupportedParameterError(
                f"ChatDashScope cannot call a {endpoint.platform!r} endpoint; use ChatMaaS")
        fields: dict[str, Any] = {"model": endpoint.model, "base_url": endpoint.base_url,
                                  "protocol": endpoint.protocol or "native"}
        if endpoint.workspace:
            fields["workspace"] = endpoint.workspace
        return cls(**{**fields, **kwargs})

    @classmethod
    def discover(cls, name: str, *, discovery: dict[str, Any] | None = None,
                 **kwargs: Any) -> Self:
        """Find ``name`` (a model or deployment name) and return a model for it.

        ``discovery`` holds extra arguments of ``maas_core.discovery.resolve``; ``api_key``,
        ``base_url``, ``region`` and ``workspace`` are shared with the model.
        """
        endpoint = _resolve(name, "dashscope", discovery, kwargs)
        return cls.from_endpoint(endpoint, **_model_kwargs(kwargs))


_SHARED = ("api_key", "base_url", "region", "workspace")


def _resolve(name: str, platform: str, discovery: dict[str, Any] | None,
             kwargs: dict[str, Any]) -> Endpoint:
    # Lazy: discovery pulls in the listing APIs only for those who use it.
    resolve = importlib.import_module("maas_core.discovery").resolve
    shared = {k: kwargs[k] for k in _SHARED if kwargs.get(k) is not None}
    if isinstance(shared.get("api_key"), SecretStr):
        shared["api_key"] = shared["api_key"].get_secret_value()
    endpoint: Endpoint = resolve(name, platform=platform, **{**shared, **(discovery or {})})
    return endpoint


def _model_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The model's arguments: the endpoint's ``base_url`` wins over the one discovery used."""
    return {k: v for k, v in kwargs.items() if k != "base_url"}
