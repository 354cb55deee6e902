"""maas_core: the framework-neutral heart of maas-integrations.

Wire protocols (``dialects``), transport, errors, stream accumulation, platform presets and
model profiles for Huawei Cloud ModelArts Studio (MaaS) and Alibaba Cloud DashScope. It never
imports LangChain or LlamaIndex; ``langchain_maas`` and ``llamaindex_maas`` adapt it.
"""

from .accumulate import StreamAccumulator
from .client import AsyncChatClient, ChatClient, MissingCredentialsError
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ContentFilterError,
    MaaSError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    StreamError,
    UnexpectedResponseError,
    UnsupportedParameterError,
)
from .profiles import ModelProfile, get_profile, register_profile
from .providers import (
    DASHSCOPE,
    DASHSCOPE_COMPATIBLE,
    FABRIC,
    MAAS,
    VLLM,
    Platform,
    dashscope_base_url,
    dashscope_workspace_url,
    get_platform,
    maas_base_url,
    maas_service_url,
)
from .think_tags import ThinkTagSplitter, split_think_tags
from .types import (
    ChatDelta,
    ChatRequest,
    ChatResult,
    Choice,
    ContentPart,
    ForcedTool,
    ImagePart,
    Message,
    ResponseFormat,
    TextPart,
    ToolCall,
    ToolCallDelta,
    ToolChoice,
    ToolSpec,
    Usage,
)

__version__ = "0.1.0"

__all__ = [
    "DASHSCOPE",
    "DASHSCOPE_COMPATIBLE",
    "FABRIC",
    "MAAS",
    "VLLM",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncChatClient",
    "AuthenticationError",
    "BadRequestError",
    "ChatClient",
    "ChatDelta",
    "ChatRequest",
    "ChatResult",
    "Choice",
    "ConflictError",
    "ContentFilterError",
    "ContentPart",
    "ForcedTool",
    "ImagePart",
    "MaaSError",
    "Message",
    "MissingCredentialsError",
    "ModelProfile",
    "NotFoundError",
    "PermissionDeniedError",
    "Platform",
    "RateLimitError",
    "ResponseFormat",
    "ServerError",
    "StreamAccumulator",
    "StreamError",
    "TextPart",
    "ThinkTagSplitter",
    "ToolCall",
    "ToolCallDelta",
    "ToolChoice",
    "ToolSpec",
    "UnexpectedResponseError",
    "UnsupportedParameterError",
    "Usage",
    "__version__",
    "dashscope_base_url",
    "dashscope_workspace_url",
    "get_platform",
    "get_profile",
    "maas_base_url",
    "maas_service_url",
    "register_profile",
    "split_think_tags",
]
