"""``_BaseChatMaaS``: what ``ChatMaaS`` and ``ChatDashScope`` share.

Input flow: LangChain messages and call kwargs -> ``_request`` -> ``maas_core.ChatRequest``.
Output flow: ``maas_core.ChatClient`` -> ``ChatResult`` / ``ChatDelta``s -> ``_convert`` ->
LangChain generations and chunks. Everything about the wire (bodies, thinking switches per
platform, ``tool_choice`` mapping, reasoning passback, retries, usage placement) lives in
maas_core; this class converts types and follows LangChain's conventions.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any, ClassVar, Literal

import httpx
from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LangSmithParams, LanguageModelInput
from langchain_core.language_models import ModelProfile as LCModelProfile
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
from langchain_core.output_parsers.openai_tools import (
    JsonOutputKeyToolsParser,
    PydanticToolsParser,
)
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableMap, RunnablePassthrough
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_json_schema, convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass
from langchain_core.utils.utils import get_pydantic_field_names
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, model_validator
from typing_extensions import Self

from maas_core import (
    AsyncChatClient,
    ChatClient,
    ChatRequest,
    MaaSError,
    ModelProfile,
    get_platform,
    get_profile,
)
from maas_core.arguments import move_unknown_arguments
from maas_core.tokens import estimate_message_tokens, estimate_tokens
from maas_core.transport import DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_RETRY_WAIT

from . import _convert
from ._errors import to_langchain_error

__all__ = ["_BaseChatMaaS"]

StructuredOutputMethod = Literal["function_calling", "json_schema", "json_mode"]

# ChatRequest fields a call (or ``model_kwargs``) may set directly; other keys go to extra_body.
_REQUEST_FIELDS = frozenset(f.name for f in dataclasses.fields(ChatRequest)) - {
    "messages", "stream", "extra_body", "extra_headers"}
# Instance fields copied into every request when set.
_SAMPLING = ("temperature", "max_tokens", "top_p", "top_k", "n", "seed", "presence_penalty",
             "frequency_penalty", "enable_thinking", "thinking_budget", "reasoning_effort",
             "preserve_thinking", "logprobs", "top_logprobs")
_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "tools": _convert.to_core_tools,
    "tool_choice": _convert.to_core_tool_choice,
    "response_format": _convert.to_core_response_format,
    "stop": lambda stop: tuple(stop) if stop else None,
}


class _BaseChatMaaS(BaseChatModel):
    """Shared fields and logic; use ``ChatMaaS`` or ``ChatDashScope``."""

    model_config = ConfigDict(populate_by_name=True)

    model: str = Field(alias="model_name")
    """Model name as the platform knows it (case-sensitive), e.g. ``"DeepSeek-V3"``."""
    api_key: SecretStr | None = None
    """API key; defaults from the platform's environment variable (see the subclass)."""
    base_url: str | None = None
    """Inference base URL. Unset: the ``region`` preset, else the platform's environment
    variable (``MAAS_BASE_URL`` / ``DASHSCOPE_BASE_URL``), else the default region."""
    region: str | None = None
    """Region preset used when ``base_url`` is unset (e.g. ``"cn-southwest-2"``, ``"intl"``)."""
    workspace: str | None = None
    """DashScope workspace id (sent as ``X-DashScope-WorkSpace``)."""
    temperature: float | None = None
    max_tokens: int | None = Field(default=None, alias="max_completion_tokens")
    top_p: float | None = None
    top_k: int | None = None
    stop: list[str] | None = Field(default=None, alias="stop_sequences")
    n: int | None = None
    seed: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    logprobs: bool | None = None
    """Return each answer token's log probability in ``response_metadata["logprobs"]``
    (each streamed chunk carries those of its own tokens); refused before sending by platforms
    that do not return them."""
    top_logprobs: int | None = None
    """How many most likely alternatives per token, with ``logprobs``."""
    timeout: float | None = Field(default=None, alias="request_timeout")
    """Seconds to wait for an answer (``None``: 300 s read, 10 s connect)."""
    max_retries: int = 2
    """Retries of 429, 5xx and connection failures (with backoff, honouring Retry-After)."""
    max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT
    """Seconds one call may sleep between attempts in total; past it the error is raised at
    once with ``retry_after`` set, so you can schedule the call yourself."""
    deadline: float | None = None
    """Seconds the whole call may take, retries and stream included (``None``: no limit)."""
    stream_idle_timeout: float | None = None
    """Seconds a stream may go without an event; keep-alive comments do not count (``None``:
    the read timeout)."""
    max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES
    """The largest single stream event accepted (16 MiB); a larger one fails the stream."""
    streaming: bool = False
    """Stream under the hood for ``invoke`` too."""
    stream_usage: bool = True
    """Ask for token usage when streaming (reported on the last chunk)."""
    enable_thinking: bool | None = None
    """Switch thinking on or off; ``None`` keeps the model's default. maas_core sends it the way
    the platform and model take it (``chat_template_kwargs``, ``enable_thinking`` ...)."""
    thinking_budget: int | None = None
    """Maximum reasoning tokens, where the platform has a budget (DashScope Qwen, GLM, Kimi)."""
    reasoning_effort: Literal["low", "medium", "high", "xhigh"] | None = None
    """Reasoning effort, where the model takes it (DashScope deepseek-v4); maas_core refuses it
    before sending for models that do not."""
    preserve_thinking: bool | None = None
    """DashScope models that can read earlier turns' reasoning (Qwen3.6+ plus/max, Kimi):
    ``True`` sends every turn's reasoning back; ``None`` sends it for the current tool loop."""
    reasoning_passback: Literal["auto", "always", "never"] = "auto"
    """What happens to the reasoning of earlier assistant turns sent back as history:
    ``"auto"`` sends it for the current tool loop where the model needs it (DeepSeek-V3.2
    thinking with tools) and strips it elsewhere; ``"always"`` sends it; ``"never"`` strips it."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Extra request parameters: known ones (e.g. ``top_k``) set the request, others go to the
    body verbatim (like ``extra_body``)."""
    extra_body: dict[str, Any] | None = None
    """Merged into the request body last, verbatim."""
    default_headers: dict[str, str] | None = None
    http_client: httpx.Client | None = Field(default=None, exclude=True)
    """Your own ``httpx.Client`` for sync calls (left open)."""
    http_async_client: httpx.AsyncClient | None = Field(default=None, exclude=True)
    """Your own ``httpx.AsyncClient`` for async calls (left open)."""
    profile_overrides: dict[str, Any] | None = None
    """Corrections to maas_core's ``ModelProfile`` of this model, e.g. ``{"tools": True}``."""
    think_tags: bool | None = None
    """``True``: the deployment puts reasoning in ``<think>`` tags in the content (no reasoning
    parser); ``None``: detect them; ``False``: never split."""

    _client: ChatClient = PrivateAttr()
    _async_client: AsyncChatClient = PrivateAttr()
    _core_kwargs: dict[str, Any] = PrivateAttr()

    # ---------------------------------------------------------------- platform hooks

    _provider: ClassVar[str] = "huawei-maas"
    """Our provider name: ``ls_provider`` and ``response_metadata["model_provider"]``."""

    def _core_platform(self) -> str:
        """maas_core platform name (``maas``, ``dashscope``, ``dashscope-compatible``)."""
        return "maas"

    @property
    def _llm_type(self) -> str:
        return f"{self._provider}-chat"

    @classmethod
    def is_lc_serializable(cls) -> bool:
        return True

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        return ["langchain_maas", "chat_models"]

    @property
    def lc_attributes(self) -> dict[str, Any]:
        return {"base_url": self.base_url} if self.base_url else {}

    # ---------------------------------------------------------------- construction

    @model_validator(mode="before")
    @classmethod
    def _move_unknown_arguments(cls, values: Any) -> Any:
        """An undeclared argument (``temprature=0.1``) warns and moves to ``model_kwargs``, as in
        langchain-openai: never silently dropped."""
        if not isinstance(values, dict):
            return values
        return move_unknown_arguments(values, get_pydantic_field_names(cls), "model_kwargs",
                                      cls.__name__)

    @model_validator(mode="after")
    def _build_core_clients(self) -> Self:
        """The maas_core clients, built once (connections: yours, or maas_core's shared pools)."""
        self._core_kwargs = self._client_kwargs()
        self._client = ChatClient(self._core_platform(), http_client=self.http_client,
                                  **self._core_kwargs)
        self._async_client = AsyncChatClient(
            self._core_platform(), http_client=self.http_async_client, **self._core_kwargs)
        return self

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        """A caller's ``httpx`` clients are connections, not values: a deep copy shares them."""
        memo = {} if memo is None else memo
        for own in (self.http_client, self.http_async_client):
            if own is not None:
                memo[id(own)] = own
        return super().__deepcopy__(memo)

    def __getstate__(self) -> dict[Any, Any]:
        """Pickled without a caller's ``httpx`` clients (they cannot leave the process): the
        unpickled model uses maas_core's shared pools."""
        state = super().__getstate__()
        if self.http_client is None and self.http_async_client is None:
            return state
        fields = {**state["__dict__"], "http_client": None, "http_async_client": None}
        private = {k: v for k, v in (state["__pydantic_private__"] or {}).items()
                   if k not in ("_client", "_async_client")}
        return {**state, "__dict__": fields, "__pydantic_private__": private}

    def __setstate__(self, state: dict[Any, Any]) -> None:
        super().__setstate__(state)
        if "_client" not in (state.get("__pydantic_private__") or {}):
            self._build_core_clients()  # type: ignore[operator]  # a validator, also a method

    async def _aclient(self) -> AsyncChatClient:
        """The async maas_core client (its pool follows the running event loop)."""
        return self._async_client

    def _client_kwargs(self) -> dict[str, Any]:
        return {
            "api_key": self.api_key.get_secret_value() if self.api_key else None,
            "base_url": self.base_url,
            "region": self.region,
            "workspace": self.workspace,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "default_headers": self.default_headers,
            "profile_overrides": self.profile_overrides,
            "think_tags": self.think_tags,
            "max_retry_wait": self.max_retry_wait,
            "deadline": self.deadline,
            "stream_idle_timeout": self.stream_idle_timeout,
            "max_event_bytes": self.max_event_bytes,
        }

    def _resolve_model_profile(self) -> LCModelProfile | None:
        core = self.core_profile()
        return LCModelProfile(
            max_input_tokens=core.context_window,
            max_output_tokens=core.max_output,
            image_inputs=core.images,
            image_url_inputs=core.images,
            reasoning_output=core.reasoning != "never",
            tool_calling=core.tools,
            tool_choice=core.tools and core.can_force_tool(self.enable_thinking),
            structured_output=core.json_schema,
        )

    def core_profile(self, model: str | None = None) -> ModelProfile:
        """maas_core's capability facts of ``model`` (default: this instance's model)."""
        platform = get_platform(self._core_platform()).name
        return get_profile(platform, model or self.model, self.profile_overrides)

    # ---------------------------------------------------------------- token counts

    def get_num_tokens(self, text: str) -> int:
        """Estimated tokens of ``text``, with no tokenizer download (``maas_core.tokens``:
        within about 10 % of the platforms' counts on recorded answers; their ``usage`` is
        exact)."""
        return estimate_tokens(text)

    def get_num_tokens_from_messages(self, messages: list[BaseMessage],
                                     tools: Sequence[Any] | None = None) -> int:
        """Estimated tokens of a conversation: each message's text and tool-call arguments,
        plus a few tokens per message; ``tools`` add their JSON schemas."""
        texts = [_message_text(m) for m in messages]
        texts += [json.dumps(convert_to_openai_tool(t)) for t in tools or ()]
        return estimate_message_tokens(texts)

    def get_token_ids(self, text: str) -> list[int]:
        """Not available: the platforms' tokenizers are not bundled; ``get_num_tokens`` gives
        an estimate without them."""
        raise NotImplementedError(
            f"{type(self).__name__} has no local tokenizer: use get_num_tokens() (an estimate) "
            "or the usage_metadata of a response (the platform's count)")

    # ---------------------------------------------------------------- LangChain metadata

    @property
    def _identifying_params(self) -> dict[str, Any]:
        params = {"model": self.model, "base_url": self._client.base_url}
        params.update({k: getattr(self, k) for k in _SAMPLING if getattr(self, k) is not None})
        return params

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = super()._get_ls_params(stop=stop or self.stop, **kwargs)
        params["ls_provider"] = self._provider
        return params

    # ---------------------------------------------------------------- requests

    def _request(self, messages: Sequence[BaseMessage], stop: list[str] | None, *,
                 stream: bool, kwargs: Mapping[str, Any]) -> ChatRequest:
        fields: dict[str, Any] = {k: getattr(self, k) for k in _SAMPLING
                                  if getattr(self, k) is not None}
        extra: dict[str, Any] = dict(self.extra_body or {})
        headers: dict[str, str] = {}
        options = {**self.model_kwargs, **kwargs}
        if stop is not None or self.stop:
            options["stop"] = stop if stop is not None else self.stop
        options.setdefault("include_usage", options.pop("stream_usage", self.stream_usage))
        for key, value in options.items():
            if key in _REQUEST_FIELDS:
                fields[key] = _CONVERTERS[key](value) if key in _CONVERTERS else value
            elif key == "extra_body":
                extra.update(value or {})
            elif key == "extra_headers":
                headers.update(value or {})
            elif key != "stream":
                extra[key] = value
        fields.setdefault("model", self.model)
        return ChatRequest(
            messages=_convert.to_core_messages(messages), stream=stream,
            reasoning_passback=fields.pop("reasoning_passback", self.reasoning_passback),
            extra_body=extra or None, extra_headers=headers or None, **fields)

    def _should_stream_generate(self, kwargs: Mapping[str, Any]) -> bool:
        return bool(kwargs.get("stream", self.streaming))

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None,
                  **kwargs: Any) -> ChatResult:
        if self._should_stream_generate(kwargs):
            return _from_chunks(self._stream(messages, stop, run_manager, **kwargs))
        request = self._request(messages, stop, stream=False, kwargs=kwargs)
        try:
            result = self._client.chat(request)
        except MaaSError as error:
            raise to_langchain_error(error) from error
        return self._chat_result(result, request)

    async def _agenerate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                         run_manager: AsyncCallbackManagerForLLMRun | None = None,
                         **kwargs: Any) -> ChatResult:
        if self._should_stream_generate(kwargs):
            chunks = [c async for c in self._astream(messages, stop, run_manager, **kwargs)]
            return _from_chunks(iter(chunks))
        request = self._request(messages, stop, stream=False, kwargs=kwargs)
        try:
            result = await (await self._aclient()).chat(request)
        except MaaSError as error:
            raise to_langchain_error(error) from error
        return self._chat_result(result, request)

    def _chat_result(self, result: Any, request: ChatRequest) -> ChatResult:
        generations = _convert.to_generations(result, self._provider, request.model)
        usage = generations[0].message.usage_metadata  # type: ignore[attr-defined]
        llm_output = {"model_name": result.model or request.model, "model_provider":
                      self._provider, "id": result.id, "request_id": result.request_id,
                      "token_usage": dict(usage) if usage else None}
        llm_output = {k: v for k, v in llm_output.items() if v is not None}
        return ChatResult(generations=generations, llm_output=llm_output)

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        # The base class reports every chunk to ``run_manager``; doing it here would double it.
        request = self._request(messages, stop, stream=True, kwargs=kwargs)
        builder = self._chunk_builder(request)
        try:
            for delta in self._client.stream(request):
                yield builder.chunk(delta)
        except MaaSError as error:
            raise to_langchain_error(error) from error

    async def _astream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                       run_manager: AsyncCallbackManagerForLLMRun | None = None,
                       **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        request = self._request(messages, stop, stream=True, kwargs=kwargs)
        builder = self._chunk_builder(request)
        client = await self._aclient()
        try:
            async for delta in client.stream(request):
                yield builder.chunk(delta)
        except MaaSError as error:
            raise to_langchain_error(error) from error

    def _chunk_builder(self, request: ChatRequest) -> _convert.ChunkBuilder:
        return _convert.ChunkBuilder(self._provider, request.model,
                                     v1=self.output_version == "v1")

    # ---------------------------------------------------------------- tools

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: dict[str, Any] | str | bool | None = None,
        parallel_tool_calls: bool | None = None,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools (OpenAI format) to the model.

        ``tool_choice``: ``"auto"``, ``"none"``, ``"any"`` / ``"required"`` / ``True`` (call some
        tool), a tool name, or ``{"type": "function", "function": {"name": ...}}``. maas_core maps
        it to what the platform and model accept and raises ``UnsupportedParameterError`` (before
        sending) when they cannot (e.g. forcing a tool on a thinking DashScope model).
        ``parallel_tool_calls``: allow several calls in one answer.
        """
        formatted = [convert_to_openai_tool(t, strict=strict) for t in tools]
        if tool_choice is not None and tool_choice is not False:
            kwargs["tool_choice"] = _tool_choice(tool_choice, formatted)
        elif tool_choice is False:
            kwargs["tool_choice"] = "none"
        if parallel_tool_calls is not None:
            kwargs["parallel_tool_calls"] = parallel_tool_calls
        return super().bind(tools=formatted, **kwargs)

    # ---------------------------------------------------------------- structured output

    def with_structured_output(
        self,
        schema: dict[str, Any] | type | None = None,
        *,
        method: StructuredOutputMethod | None = None,
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, dict[str, Any] | BaseModel]:
        """A runnable that answers with ``schema`` filled in.

        ``method``: ``"json_schema"`` (the platform's schema-constrained output),
        ``"function_calling"`` (a tool named after the schema) or ``"json_mode"`` (JSON object
        mode; say in the prompt which keys you want). ``None`` picks what the model's profile
        supports, in that order of preference, for the thinking mode you configured: thinking
        is never switched off behind your back (a thinking model that cannot be forced to call
        a tool gets the tool with ``tool_choice="auto"``).
        ``include_raw=True`` returns ``{"raw", "parsed", "parsing_error"}``.
        """
        if kwargs:
            raise ValueError(f"unexpected arguments: {sorted(kwargs)}")
        if schema is None and method != "json_mode":
            raise ValueError("schema is required unless method='json_mode'")
        method = method or self._default_structured_method()
        llm, parser = self._structured(schema, method, strict)
        if not include_raw:
            return llm | parser
        parsed = RunnablePassthrough.assign(parsed=itemgetter("raw") | parser,
                                            parsing_error=lambda _: None)
        fallback = RunnablePassthrough.assign(parsed=lambda _: None)
        return RunnableMap(raw=llm) | parsed.with_fallbacks([fallback],
                                                            exception_key="parsing_error")

    def _default_structured_method(self) -> StructuredOutputMethod:
        profile = self.core_profile()
        if profile.json_schema_usable(self.enable_thinking):
            return "json_schema"
        if profile.tools:
            return "function_calling"
        return "json_mode"

    def _structured(self, schema: Any, method: StructuredOutputMethod, strict: bool | None
                    ) -> tuple[Runnable[LanguageModelInput, Any], Runnable[Any, Any]]:
        pydantic = isinstance(schema, type) and is_basemodel_subclass(schema)
        output = {"schema": schema, "method": method, "strict": strict}
        if method == "function_calling":
            tool = convert_to_openai_tool(schema, strict=strict)
            name = tool["function"]["name"]
            forced = self.core_profile().can_force_tool(self.enable_thinking)
            llm = self.bind_tools([tool], tool_choice=name if forced else None,
                                  parallel_tool_calls=False, ls_structured_output_format=output)
            parser: Runnable[Any, Any] = (
                PydanticToolsParser(tools=[schema], first_tool_only=True) if pydantic
                else JsonOutputKeyToolsParser(key_name=name, first_tool_only=True))
            return llm, parser
        if method == "json_schema":
            json_schema = convert_to_json_schema(schema)
            response_format = {"type": "json_schema", "json_schema": {
                "name": json_schema.get("title") or "response", "schema": json_schema,
                **({"strict": strict} if strict is not None else {})}}
        elif method == "json_mode":
            response_format = {"type": "json_object"}
        else:
            raise ValueError(f"unknown method {method!r}; use function_calling, json_schema or "
                             "json_mode")
        llm = self.bind(response_format=response_format, ls_structured_output_format=output)
        parser = PydanticOutputParser(pydantic_object=schema) if pydantic else JsonOutputParser()
        return llm, parser


# langchain-core inspects ``_generate``'s signature on every non-streaming call (to see whether
# it takes ``run_manager``); a precomputed ``__signature__`` makes that lookup a dict read.
for _method in (_BaseChatMaaS._generate, _BaseChatMaaS._agenerate):
    setattr(_method, "__signature__", inspect.signature(_method))  # noqa: B010


def _tool_choice(choice: dict[str, Any] | str | bool, tools: list[dict[str, Any]]) -> Any:
    """LangChain's ``tool_choice`` spellings as OpenAI's, which maas_core reads."""
    if choice is True or choice in ("any", "required"):
        return "required"
    if choice in ("auto", "none") or isinstance(choice, dict):
        return choice
    if isinstance(choice, str):
        names = [t["function"]["name"] for t in tools]
        if choice not in names:
            raise ValueError(f"tool_choice {choice!r} is not one of the bound tools {names}")
        return {"type": "function", "function": {"name": choice}}
    raise ValueError(f"unsupported tool_choice {choice!r}")


def _message_text(message: BaseMessage) -> str:
    calls = " ".join(json.dumps(c["args"]) for c in getattr(message, "tool_calls", None) or [])
    return f"{message.text} {calls}".strip() if calls else message.text


def _from_chunks(chunks: Iterator[ChatGenerationChunk]) -> ChatResult:
    from langchain_core.language_models.chat_models import generate_from_stream

    return generate_from_stream(chunks)

