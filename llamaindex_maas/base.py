"""``MaaSBaseLLM``: the ``FunctionCallingLLM`` that ``MaaS`` and ``DashScope`` share.

Input flow: LlamaIndex ``ChatMessage``s and keyword arguments -> ``ChatRequest`` (``_request``)
-> ``maas_core.ChatClient`` / ``AsyncChatClient``, which owns HTTP, the wire, retries, the
platform's quirks and the model profiles.
Output flow: ``ChatResult`` -> ``ChatResponse`` / ``CompletionResponse``; a stream of
``ChatDelta``s -> ``_convert.ChatStream`` -> one chunk per delta, each carrying the whole message
so far; the last chunk holds usage in ``additional_kwargs`` and ``raw["usage"]``.

Errors are maas_core's typed errors (``maas_core.errors``), raised as they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseAsyncGen,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
    ToolCallBlock,
)
from llama_index.core.bridge.pydantic import Field, PrivateAttr
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.function_calling import FunctionCallingLLM
from llama_index.core.llms.llm import ToolSelection
from typing_extensions import Self

from maas_core import (
    AsyncChatClient,
    ChatClient,
    ChatDelta,
    ChatRequest,
    MissingCredentialsError,
    ModelProfile,
    ResponseFormat,
    ToolChoice,
    get_platform,
    get_profile,
)
from maas_core.arguments import move_unknown_arguments
from maas_core.endpoint import Endpoint
from maas_core.transport import DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_RETRY_WAIT

from . import _convert
from ._convert import ChatStream

if TYPE_CHECKING:
    import httpx
    from llama_index.core.prompts import PromptTemplate
    from llama_index.core.tools.types import BaseTool
    from pydantic import BaseModel

__all__ = ["MaaSBaseLLM"]

_REQUEST_FIELDS = frozenset(
    f.name for f in dataclasses.fields(ChatRequest) if f.name not in {"model", "messages", "stream"}
)
# Keyword arguments LlamaIndex itself may hand to chat(): never sent to the platform.
_FRAMEWORK_KWARGS = frozenset({"verbose", "formatted", "strict", "tool_required"})


class MaaSBaseLLM(FunctionCallingLLM):
    """Shared fields and behaviour of ``MaaS`` and ``DashScope``; not used directly."""

    model: str = Field(description="The model name as the platform knows it.")
    api_key: str | None = Field(
        default=None, exclude=True, repr=False, description="API key; read from the env if unset."
    )
    api_base: str | None = Field(
        default=None, description="Inference base URL; the region's preset (or env) if unset."
    )
    region: str | None = Field(default=None, description="Region preset for the base URL.")
    temperature: float | None = Field(default=None, description="Sampling temperature.")
    max_tokens: int | None = Field(default=None, description="Maximum tokens to generate.")
    top_p: float | None = Field(default=None, description="Nucleus sampling mass.")
    stop: list[str] | None = Field(default=None, description="Stop sequences.")
    timeout: float | None = Field(default=None, description="Request timeout in seconds.")
    max_retries: int = Field(default=2, description="Retries of 429, 5xx and connection errors.")
    max_retry_wait: float = Field(
        default=DEFAULT_MAX_RETRY_WAIT,
        description="Seconds one call may sleep between attempts in total; past it the error is "
        "raised at once with retry_after set.",
    )
    deadline: float | None = Field(
        default=None, description="Seconds the whole call may take, retries and stream included."
    )
    stream_idle_timeout: float | None = Field(
        default=None,
        description="Seconds a stream may go without an event (comments do not count); "
        "None: the read timeout.",
    )
    max_event_bytes: int | None = Field(
        default=DEFAULT_MAX_EVENT_BYTES, description="The largest single stream event accepted."
    )
    additional_kwargs: dict[str, Any] = Field(
        default_factory=dict,
        description="Extra request parameters: ChatRequest fields, the rest go to the body.",
    )
    default_headers: dict[str, str] | None = Field(
        default=None, exclude=True, repr=False, description="Headers sent with every request."
    )
    enable_thinking: bool | None = Field(
        default=None, description="Switch thinking on/off for switchable models; None: default."
    )
    thinking_budget: int | None = Field(
        default=None, description="Maximum reasoning tokens (DashScope Qwen, GLM, Kimi)."
    )
    reasoning_effort: Literal["low", "medium", "high", "xhigh"] | None = Field(
        default=None,
        description="Reasoning effort where the model takes it (DashScope deepseek-v4).",
    )
    preserve_thinking: bool | None = Field(
        default=None,
        description="Let the model read earlier turns' reasoning (DashScope Qwen3.6+ / Kimi); "
        "None: sent for the current tool loop where the model offers it.",
    )
    reasoning_passback: Literal["auto", "always", "never"] = Field(
        default="auto",
        description="Send earlier turns' reasoning back: auto (where the platform needs it).",
    )
    logprobs: bool | None = Field(
        default=None, description="Return each answer token's log probabilities "
        "(ChatResponse.logprobs; on each streamed chunk too)."
    )
    top_logprobs: int | None = Field(
        default=None, description="Most likely alternatives per token, with logprobs."
    )
    context_window: int | None = Field(
        default=None, description="Override of the model profile's context window."
    )
    is_function_calling_model: bool | None = Field(
        default=None, description="Override of whether the model takes tools (profile default)."
    )

    _platform: ClassVar[Literal["maas", "dashscope"]] = "maas"
    _http_client: httpx.Client | None = PrivateAttr(default=None)
    _async_http_client: httpx.AsyncClient | None = PrivateAttr(default=None)
    _client: ChatClient | None = PrivateAttr(default=None)
    _aclient: AsyncChatClient | None = PrivateAttr(default=None)

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        http_client: httpx.Client | None = None,
        async_http_client: httpx.AsyncClient | None = None,
        **kwargs: Any,
    ) -> None:
        if base_url is not None and kwargs.get("api_base") is None:
            kwargs["api_base"] = base_url
        kwargs = move_unknown_arguments(kwargs, _declared(type(self)), "additional_kwargs",
                                        type(self).__name__)
        super().__init__(model=model, **kwargs)
        self._http_client = http_client
        self._async_http_client = async_http_client
        self._check_credentials()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        """A caller's ``httpx`` clients are connections, not values: a deep copy shares them."""
        memo = {} if memo is None else memo
        for own in (self._http_client, self._async_http_client):
            if own is not None:
                memo[id(own)] = own
        return super().__deepcopy__(memo)

    def _check_credentials(self) -> None:
        platform = get_platform(self._platform_name())
        if platform.requires_api_key and not platform.resolve_api_key(self.api_key):
            env = " or ".join(platform.api_key_env)
            raise MissingCredentialsError(
                f"no API key for {platform.label}: pass api_key=... or set {env}"
            )

    @classmethod
    def _platform_name(cls) -> Literal["maas", "dashscope"]:
        return cls._platform

    def _platform_for_instance(self) -> str:
        return self._platform_name()

    # -- discovery hooks ---------------------------------------------------------------------

    @classmethod
    def from_endpoint(cls, endpoint: Endpoint, **kwargs: Any) -> Self:
        """An LLM for an ``Endpoint`` found by ``maas_core.discovery`` (or built by hand).

        ``kwargs`` are the usual constructor arguments (``api_key``, ``temperature``, ...) and
        win over what the endpoint says.
        """
        params: dict[str, Any] = {"model": endpoint.model, "api_base": endpoint.base_url}
        params.update(cls._endpoint_params(endpoint))
        params.update(kwargs)
        return cls(**params)

    @classmethod
    def _endpoint_params(cls, endpoint: Endpoint) -> dict[str, Any]:
        return {}

    @classmethod
    def discover(cls, name: str, *, discovery: dict[str, Any] | None = None, **kwargs: Any) -> Self:
        """Find a model, service or deployment by its human name and return an LLM for it.

        ``discovery`` holds arguments for ``maas_core.discovery.resolve`` (e.g. a management
        ``base_url``); ``api_key``, ``region``, ``workspace`` and ``protocol`` are shared with the
        LLM.
        """
        from maas_core.discovery import resolve  # lazily: discovery is optional

        endpoint = resolve(
            name, platform=cls._platform_name(), **_discovery_kwargs(discovery, kwargs)
        )
        return cls.from_endpoint(endpoint, **kwargs)

    @classmethod
    async def adiscover(
        cls, name: str, *, discovery: dict[str, Any] | None = None, **kwargs: Any
    ) -> Self:
        """Asynchronous ``discover``."""
        from maas_core.discovery import aresolve

        endpoint = await aresolve(
            name, platform=cls._platform_name(), **_discovery_kwargs(discovery, kwargs)
        )
        return cls.from_endpoint(endpoint, **kwargs)

    # -- metadata ----------------------------------------------------------------------------

    @property
    def profile(self) -> ModelProfile:
        """The model's capability facts (``maas_core.profiles``); never raises."""
        return get_profile(get_platform(self._platform_for_instance()).name, self.model)

    @property
    def metadata(self) -> LLMMetadata:
        profile = self.profile
        calling = self.is_function_calling_model
        return LLMMetadata(
            context_window=self.context_window or profile.context_window,
            num_output=self.max_tokens or profile.max_output,
            is_chat_model=True,
            is_function_calling_model=profile.tools if calling is None else calling,
            model_name=self.model,
            system_role=MessageRole.SYSTEM,
        )

    # -- clients -----------------------------------------------------------------------------

    def _client_kwargs(self) -> dict[str, Any]:
        return {
            "api_key": self.api_key,
            "base_url": self.api_base,
            "region": self.region,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "default_headers": self.default_headers,
            "max_retry_wait": self.max_retry_wait,
            "deadline": self.deadline,
            "stream_idle_timeout": self.stream_idle_timeout,
            "max_event_bytes": self.max_event_bytes,
        }

    def _get_client(self) -> ChatClient:
        if self._client is None:
            self._client = ChatClient(
                self._platform_for_instance(),
                http_client=self._http_client,
                **self._client_kwargs(),
            )
        return self._client

    def _get_aclient(self) -> AsyncChatClient:
        """The async client; without your ``async_http_client`` its connections come from the
        running event loop's shared pool (maas_core.pools)."""
        if self._aclient is None:
            self._aclient = AsyncChatClient(
                self._platform_for_instance(),
                http_client=self._async_http_client,
                **self._client_kwargs(),
            )
        return self._aclient

    def close(self) -> None:
        """Close the HTTP connections this LLM opened (your own ``http_client`` stays open)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    async def aclose(self) -> None:
        """Close the async HTTP connections this LLM opened."""
        if self._aclient is not None:
            await self._aclient.aclose()
            self._aclient = None

    # -- requests ----------------------------------------------------------------------------

    def _default_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "top_p": self.top_p,
            "stop": self.stop,
            "enable_thinking": self.enable_thinking,
            "thinking_budget": self.thinking_budget,
            "reasoning_effort": self.reasoning_effort,
            "preserve_thinking": self.preserve_thinking,
            "logprobs": self.logprobs,
            "top_logprobs": self.top_logprobs,
        }
        params = {k: v for k, v in params.items() if v is not None}
        params["reasoning_passback"] = self.reasoning_passback
        return params

    def _request(
        self, messages: Sequence[ChatMessage], kwargs: Mapping[str, Any], *, stream: bool
    ) -> ChatRequest:
        """The ``ChatRequest`` for ``messages``: constructor defaults, ``additional_kwargs``,
        then the call's ``kwargs``; keys that are not ``ChatRequest`` fields go to the body."""
        params = {**self._default_params(), **self.additional_kwargs, **kwargs}
        fields: dict[str, Any] = {}
        extra: dict[str, Any] = dict(params.pop("extra_body", None) or {})
        for key, value in params.items():
            if key in _REQUEST_FIELDS:
                fields[key] = value
            elif key not in _FRAMEWORK_KWARGS:
                extra[key] = value
        _convert_fields(fields)
        return ChatRequest(
            model=self.model,
            messages=_convert.to_core_messages(messages),
            stream=stream,
            extra_body=extra or None,
            **fields,
        )

    # -- chat --------------------------------------------------------------------------------

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """One answer: ``ThinkingBlock`` (if the model reasoned), text, ``ToolCallBlock``s."""
        return self._chat(messages, **kwargs)

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        """Chunks with ``delta`` (text) and ``additional_kwargs["thinking_delta"]``; each
        ``message`` is the whole message so far; the last one holds usage."""
        return self._stream_chat(messages, **kwargs)

    @llm_chat_callback()
    async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """Asynchronous ``chat``."""
        return await self._achat(messages, **kwargs)

    @llm_chat_callback()
    async def astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        """Asynchronous ``stream_chat``."""
        return self._astream_chat(messages, **kwargs)

    def _chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        result = self._get_client().chat(self._request(messages, kwargs, stream=False))
        return _convert.chat_response(result)

    async def _achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        result = await self._get_aclient().chat(self._request(messages, kwargs, stream=False))
        return _convert.chat_response(result)

    def _stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        request = self._request(messages, kwargs, stream=True)
        return _chat_chunks(self._get_client().stream(request))

    def _astream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseAsyncGen:
        request = self._request(messages, kwargs, stream=True)
        return _achat_chunks(self._get_aclient().stream(request))

    # -- complete ----------------------------------------------------------------------------

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        """The prompt as one user message; reasoning in
        ``additional_kwargs["reasoning_content"]``."""
        result = self._get_client().chat(self._request(_prompt(prompt), kwargs, stream=False))
        return _convert.completion_response(result)

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        """Chunks with ``text`` so far, ``delta`` and ``additional_kwargs["thinking_delta"]``."""
        request = self._request(_prompt(prompt), kwargs, stream=True)
        return _completion_chunks(self._get_client().stream(request))

    @llm_completion_callback()
    async def acomplete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponse:
        """Asynchronous ``complete``."""
        request = self._request(_prompt(prompt), kwargs, stream=False)
        return _convert.completion_response(await self._get_aclient().chat(request))

    @llm_completion_callback()
    async def astream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseAsyncGen:
        """Asynchronous ``stream_complete``."""
        request = self._request(_prompt(prompt), kwargs, stream=True)
        return _acompletion_chunks(self._get_aclient().stream(request))

    # -- tools -------------------------------------------------------------------------------

    def _prepare_chat_with_tools(
        self,
        tools: Sequence[BaseTool],
        user_msg: str | ChatMessage | None = None,
        chat_history: list[ChatMessage] | None = None,
        verbose: bool = False,
        allow_parallel_tool_calls: bool = False,
        tool_required: bool = False,
        tool_choice: Any = None,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """``chat`` arguments for a call with ``tools``.

        ``tool_choice`` (a name, ``"auto"``, ``"none"``, ``"required"``, an OpenAI dict) wins;
        else ``tool_required=True`` asks for ``"required"``; a model that cannot be forced
        (DeepSeek-R1, a thinking Qwen3.5+ / GLM model) raises ``UnsupportedParameterError``
        before sending, naming the fix (``enable_thinking=False``), never a silent ``"auto"``.
        """
        messages = list(chat_history or [])
        if user_msg is not None:
            messages.append(
                ChatMessage(role=MessageRole.USER, content=user_msg)
                if isinstance(user_msg, str)
                else user_msg
            )
        specs = tuple(_convert.to_tool_spec(t, strict) for t in tools)
        prepared: dict[str, Any] = {"messages": messages, **kwargs}
        if specs:
            prepared["tools"] = specs
            prepared["tool_choice"] = self._tool_choice(tool_choice, tool_required, kwargs)
            if self.profile.parallel_tool_calls:
                prepared["parallel_tool_calls"] = allow_parallel_tool_calls
        return prepared

    def _tool_choice(
        self, explicit: Any, required: bool, kwargs: Mapping[str, Any]
    ) -> ToolChoice | None:
        if explicit is not None:
            return _convert.to_tool_choice(explicit)
        # maas_core refuses "required" where the model cannot be forced, with the fix named.
        return "required" if required else None

    def _can_force(self, kwargs: Mapping[str, Any] | None) -> bool:
        thinking = (kwargs or {}).get(
            "enable_thinking", self.additional_kwargs.get("enable_thinking", self.enable_thinking)
        )
        return self.profile.can_force_tool(thinking)

    def _validate_chat_with_tools_response(
        self,
        response: ChatResponse,
        tools: Sequence[BaseTool],
        allow_parallel_tool_calls: bool = False,
        **kwargs: Any,
    ) -> ChatResponse:
        """Keep only the first tool call when parallel calls were not allowed."""
        if not allow_parallel_tool_calls:
            _keep_first_tool_call(response.message)
        return response

    def get_tool_calls_from_response(
        self,
        response: ChatResponse,
        error_on_no_tool_call: bool = True,
        **kwargs: Any,
    ) -> list[ToolSelection]:
        """The tool calls of a response or of a streamed chunk (partial JSON is completed)."""
        blocks = [b for b in response.message.blocks if isinstance(b, ToolCallBlock)]
        if not blocks and error_on_no_tool_call:
            raise ValueError("expected at least one tool call, but the model made none")
        return [
            ToolSelection(
                tool_id=b.tool_call_id or "",
                tool_name=b.tool_name,
                tool_kwargs=_convert.partial_tool_kwargs(b.tool_kwargs),
            )
            for b in blocks
        ]

    # -- structured output -------------------------------------------------------------------

    def _json_schema_mode(self, llm_kwargs: Mapping[str, Any] | None) -> bool:
        """Use JSON schema output instead of function calling: models without tools that
        guarantee JSON schema (with thinking off, or where both go together)."""
        if self.pydantic_program_mode.value != "default" or self.metadata.is_function_calling_model:
            return False
        profile = self.profile
        thinking = (llm_kwargs or {}).get("enable_thinking", self.enable_thinking)
        return profile.json_schema and (
            profile.json_with_thinking or not profile.thinking_on(thinking)
        )

    def structured_predict(
        self,
        output_cls: type[BaseModel],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Any:
        """Structured output by function calling, or by JSON schema for models without tools.

        The thinking you configured (or the model's default) is kept: a model that cannot be
        forced to call a tool while thinking gets the tool with ``tool_choice="auto"``.
        """
        if not self._json_schema_mode(llm_kwargs):
            if self._can_force(llm_kwargs):
                return super().structured_predict(output_cls, prompt, llm_kwargs, **prompt_args)
            program = self._unforced_program(output_cls, prompt)
            return program(llm_kwargs=llm_kwargs, **prompt_args)
        messages, kwargs = self._json_schema_call(output_cls, prompt, llm_kwargs, prompt_args)
        return output_cls.model_validate_json(self.chat(messages, **kwargs).message.content or "")

    async def astructured_predict(
        self,
        output_cls: type[BaseModel],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Any:
        """Asynchronous ``structured_predict``."""
        if not self._json_schema_mode(llm_kwargs):
            if self._can_force(llm_kwargs):
                return await super().astructured_predict(
                    output_cls, prompt, llm_kwargs, **prompt_args
                )
            program = self._unforced_program(output_cls, prompt)
            return await program.acall(llm_kwargs=llm_kwargs, **prompt_args)
        messages, kwargs = self._json_schema_call(output_cls, prompt, llm_kwargs, prompt_args)
        response = await self.achat(messages, **kwargs)
        return output_cls.model_validate_json(response.message.content or "")

    def _unforced_program(self, output_cls: type[BaseModel], prompt: PromptTemplate) -> Any:
        """A function-calling program that offers the tool without forcing it."""
        from llama_index.core.program.function_program import FunctionCallingProgram

        return FunctionCallingProgram.from_defaults(
            output_cls=output_cls, prompt=prompt, llm=self, tool_required=False
        )

    def _json_schema_call(
        self,
        output_cls: type[BaseModel],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None,
        prompt_args: dict[str, Any],
    ) -> tuple[list[ChatMessage], dict[str, Any]]:
        messages = self._extend_messages(prompt.format_messages(llm=self, **prompt_args))
        kwargs = {**(llm_kwargs or {}), "response_format": output_cls}
        return messages, kwargs


# -- helpers ---------------------------------------------------------------------------------


def _convert_fields(fields: dict[str, Any]) -> None:
    """LlamaIndex spellings of tools, tool_choice, response_format and stop -> core types."""
    if "tools" in fields:
        fields["tools"] = tuple(_convert.to_tool_spec(t) for t in fields["tools"] or ())
    if "tool_choice" in fields:
        fields["tool_choice"] = _convert.to_tool_choice(fields["tool_choice"])
    if "response_format" in fields and not isinstance(fields["response_format"], ResponseFormat):
        fields["response_format"] = _convert.to_response_format(fields["response_format"])
    if fields.get("stop") is not None:
        stop = fields["stop"]
        fields["stop"] = (stop,) if isinstance(stop, str) else tuple(stop)


def _discovery_kwargs(
    discovery: Mapping[str, Any] | None, kwargs: Mapping[str, Any]
) -> dict[str, Any]:
    shared = {k: kwargs[k] for k in ("api_key", "region", "workspace", "protocol") if kwargs.get(k)}
    return {**shared, **(discovery or {})}


def _prompt(prompt: str) -> list[ChatMessage]:
    return [ChatMessage(role=MessageRole.USER, content=prompt)]


def _keep_first_tool_call(message: ChatMessage) -> None:
    calls = [b for b in message.blocks if isinstance(b, ToolCallBlock)]
    for extra in calls[1:]:
        message.blocks.remove(extra)


def _declared(cls: type[MaaSBaseLLM]) -> set[str]:
    """Constructor arguments ``cls`` declares: its fields (and their aliases)."""
    names = set(cls.model_fields)
    names.update(f.alias for f in cls.model_fields.values() if f.alias)
    return names


def _chat_chunks(deltas: Iterator[ChatDelta]) -> ChatResponseGen:
    stream = ChatStream()
    try:
        for delta in deltas:
            yield stream.chunk(delta)
    finally:
        _close(deltas)  # a consumer that stops early releases the connection now


async def _achat_chunks(deltas: AsyncIterator[ChatDelta]) -> ChatResponseAsyncGen:
    stream = ChatStream()
    try:
        async for delta in deltas:
            yield stream.chunk(delta)
    finally:
        await _aclose(deltas)  # async generators are not closed by garbage collection


def _completion_chunks(deltas: Iterator[ChatDelta]) -> CompletionResponseGen:
    stream = ChatStream()
    try:
        for delta in deltas:
            yield stream.completion(delta)
    finally:
        _close(deltas)


async def _acompletion_chunks(
    deltas: AsyncIterator[ChatDelta],
) -> CompletionResponseAsyncGen:
    stream = ChatStream()
    try:
        async for delta in deltas:
            yield stream.completion(delta)
    finally:
        await _aclose(deltas)


def _close(deltas: Iterator[ChatDelta]) -> None:
    close = getattr(deltas, "close", None)
    if close is not None:
        close()


async def _aclose(deltas: AsyncIterator[ChatDelta]) -> None:
    aclose = getattr(deltas, "aclose", None)
    if aclose is not None:
        await aclose()
