"""Where each platform lives and how it is spoken to (PROTOCOLS.md A.1, A.2, B.1, B.2, D.1, D.2).

A ``Platform`` names its dialect, its base URLs per region, the environment variables that
configure it, how thinking is switched on, and which top-level body fields it accepts: MaaS
(vLLM behind a strict gateway) answers 400 ``extra_forbidden`` to any field it does not know,
so DashScope-only parameters must never reach it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DASHSCOPE",
    "DASHSCOPE_COMPATIBLE",
    "FABRIC",
    "MAAS",
    "PLATFORMS",
    "VLLM",
    "Platform",
    "dashscope_base_url",
    "dashscope_workspace_url",
    "get_platform",
    "maas_base_url",
    "maas_service_url",
]

Dialect = Literal["openai_compat", "dashscope_native"]
ThinkingStyle = Literal["chat_template_kwargs", "top_level", "parameters"]

_MAAS_HOSTS = {
    "cn-southwest-2": "https://api.modelarts-maas.com",
    "ap-southeast-1": "https://api-ap-southeast-1.modelarts-maas.com",
}
_MAAS_REGION_ALIASES = {
    "guiyang": "cn-southwest-2",
    "cn": "cn-southwest-2",
    "hongkong": "ap-southeast-1",
    "hk": "ap-southeast-1",
    "intl": "ap-southeast-1",
}
_MAAS_API_PATHS = {"v1": "/v1", "v2": "/v2", "openai": "/openai/v1"}

_DASHSCOPE_HOSTS = {
    "cn-beijing": "https://dashscope.aliyuncs.com",
    "ap-southeast-1": "https://dashscope-intl.aliyuncs.com",
    "us-east-1": "https://dashscope-us.aliyuncs.com",
    # PROTOCOLS.md H: the HK native root follows the doc's rule, not seen verbatim.
    "cn-hongkong": "https://cn-hongkong.dashscope.aliyuncs.com",
}
_DASHSCOPE_REGION_ALIASES = {
    "beijing": "cn-beijing",
    "cn": "cn-beijing",
    "singapore": "ap-southeast-1",
    "intl": "ap-southeast-1",
    "us": "us-east-1",
    "virginia": "us-east-1",
    "hongkong": "cn-hongkong",
    "hk": "cn-hongkong",
}
_DASHSCOPE_PATHS = {"native": "/api/v1", "compatible": "/compatible-mode/v1"}


def _canonical(region: str, hosts: Mapping[str, str], aliases: Mapping[str, str]) -> str:
    key = aliases.get(region.lower(), region.lower())
    if key not in hosts:
        known = ", ".join(sorted(hosts))
        raise ValueError(f"unknown region {region!r}; known regions: {known}")
    return key


def maas_base_url(region: str = "cn-southwest-2", api: str = "v1") -> str:
    """Base URL of MaaS inference: ``api`` is ``"v1"`` (default), ``"v2"`` or ``"openai"``."""
    host = _MAAS_HOSTS[_canonical(region, _MAAS_HOSTS, _MAAS_REGION_ALIASES)]
    if api not in _MAAS_API_PATHS:
        raise ValueError(f"unknown MaaS API {api!r}; use one of {sorted(_MAAS_API_PATHS)}")
    return host + _MAAS_API_PATHS[api]


def maas_service_url(service_id: str, region: str = "cn-southwest-2") -> str:
    """Base URL of a self-deployed ModelArts real-time service ("My Services")."""
    key = _canonical(region, _MAAS_HOSTS, _MAAS_REGION_ALIASES)
    return f"https://infer-modelarts-{key}.modelarts-infer.com/v1/infers/{service_id}/v1"


def dashscope_base_url(region: str = "cn-beijing", protocol: str = "native") -> str:
    """Base URL of DashScope: ``protocol`` is ``"native"`` (``/api/v1``) or ``"compatible"``."""
    host = _DASHSCOPE_HOSTS[_canonical(region, _DASHSCOPE_HOSTS, _DASHSCOPE_REGION_ALIASES)]
    return host + _DASHSCOPE_PATHS[protocol]


def dashscope_workspace_url(
    workspace_id: str, region: str = "cn-beijing", protocol: str = "native"
) -> str:
    """Base URL on a workspace-dedicated domain ``{ws}.{region}.maas.aliyuncs.com``."""
    key = _canonical(region, _DASHSCOPE_HOSTS, _DASHSCOPE_REGION_ALIASES)
    return f"https://{workspace_id}.{key}.maas.aliyuncs.com{_DASHSCOPE_PATHS[protocol]}"


# MaaS V1 request fields (D.2 Table 2) plus the OpenAI ones its vLLM knows.
_MAAS_FIELDS = frozenset(
    {
        "model",
        "messages",
        "stream",
        "stream_options",
        "max_tokens",
        "top_k",
        "top_p",
        "temperature",
        "stop",
        "n",
        "seed",
        "presence_penalty",
        "frequency_penalty",
        "length_penalty",
        "use_beam_search",
        "repetition_penalty",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "response_format",
        "chat_template_kwargs",
        "logprobs",
        "top_logprobs",
        "user",
        "thinking",
    }
)


@dataclass(frozen=True, slots=True)
class Platform:
    name: str
    """Short name used by profiles and errors: ``maas``, ``dashscope``, ``vllm``."""
    label: str
    """Provider name shown to users and set as ``model_provider`` on messages."""
    dialect: Dialect
    thinking_style: ThinkingStyle
    api_key_env: tuple[str, ...]
    base_url_env: tuple[str, ...]
    default_base_url: str
    accepted_fields: frozenset[str] | None = None
    """Top-level body fields the platform accepts; ``None``: it ignores unknown ones."""
    chat_path: str = "/chat/completions"
    multimodal_path: str | None = None
    """Where requests with images go, when not ``chat_path`` (DashScope native, A.1 / A.8)."""
    requires_api_key: bool = True
    native_tool_choice: bool = False
    """``tool_choice`` has no ``"required"`` (DashScope A.3: auto / none / a named function)."""

    def resolve_base_url(self, base_url: str | None = None, region: str | None = None) -> str:
        """Explicit ``base_url``, else the region preset, else the env var, else the default."""
        if base_url:
            return base_url.rstrip("/")
        if region:
            return self._region_url(region)
        for var in self.base_url_env:
            if os.environ.get(var):
                return os.environ[var].rstrip("/")
        return self.default_base_url

    def resolve_api_key(self, api_key: str | None = None) -> str | None:
        if api_key:
            return api_key
        for var in self.api_key_env:
            if os.environ.get(var):
                return os.environ[var]
        return None

    def _region_url(self, region: str) -> str:
        if self.name == "maas":
            return maas_base_url(region)
        if self.name == "dashscope":
            protocol = "native" if self.dialect == "dashscope_native" else "compatible"
            return dashscope_base_url(region, protocol)
        raise ValueError(f"{self.label} has no region presets; pass base_url")


MAAS = Platform(
    name="maas",
    label="huawei-maas",
    dialect="openai_compat",
    thinking_style="chat_template_kwargs",
    api_key_env=("MAAS_API_KEY",),
    base_url_env=("MAAS_BASE_URL",),
    default_base_url=maas_base_url(),
    accepted_fields=_MAAS_FIELDS,
)
DASHSCOPE = Platform(
    name="dashscope",
    label="dashscope",
    dialect="dashscope_native",
    thinking_style="parameters",
    api_key_env=("DASHSCOPE_API_KEY",),
    # The official SDK's variable for the native root, then our own (PROTOCOLS.md A.1).
    base_url_env=("DASHSCOPE_BASE_URL", "DASHSCOPE_HTTP_BASE_URL"),
    default_base_url=dashscope_base_url(),
    chat_path="/services/aigc/text-generation/generation",
    multimodal_path="/services/aigc/multimodal-generation/generation",
    native_tool_choice=True,
)
DASHSCOPE_COMPATIBLE = Platform(
    name="dashscope",
    label="dashscope",
    dialect="openai_compat",
    thinking_style="top_level",
    api_key_env=("DASHSCOPE_API_KEY",),
    base_url_env=("DASHSCOPE_COMPATIBLE_BASE_URL",),
    default_base_url=dashscope_base_url(protocol="compatible"),
    native_tool_choice=True,
)
VLLM = Platform(
    name="vllm",
    label="vllm",
    dialect="openai_compat",
    thinking_style="chat_template_kwargs",
    api_key_env=("VLLM_API_KEY",),
    base_url_env=("VLLM_BASE_URL",),
    default_base_url="http://127.0.0.1:8000/v1",
    requires_api_key=False,
)

# DataArts Fabric service instances (PROTOCOLS.md D.8 ``InvokeModelService``): the base URL is the
# instance's whole ``…/invocations`` URL, the request the SDK's ChatCompletionRequest, and the
# credentials Huawei's (IAM token or AK/SK: pass ``auth=``), not a Bearer key.
FABRIC = Platform(
    name="fabric",
    label="huawei-fabric",
    dialect="openai_compat",
    thinking_style="chat_template_kwargs",
    api_key_env=(),
    base_url_env=("HUAWEICLOUD_FABRIC_INVOCATION_URL",),
    default_base_url="",
    accepted_fields=frozenset(
        {"model", "messages", "max_tokens", "temperature", "top_p", "stream",
         "frequency_penalty", "presence_penalty", "n"}
    ),
    chat_path="",
    requires_api_key=False,
)

PLATFORMS: dict[str, Platform] = {
    "maas": MAAS,
    "dashscope": DASHSCOPE,
    "dashscope-native": DASHSCOPE,
    "dashscope-compatible": DASHSCOPE_COMPATIBLE,
    "vllm": VLLM,
    "fabric": FABRIC,
}


def get_platform(name: str | Platform) -> Platform:
    if isinstance(name, Platform):
        return name
    try:
        return PLATFORMS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown platform {name!r}; use one of {sorted(PLATFORMS)}") from None
