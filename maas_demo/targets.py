"""What the demo talks to: one ``Target`` per platform (emulator or real), and the framework
models built from it.

On the emulator a target carries the emulator's base URL and key (and the emulator itself, whose
management APIs the discovery scene lists); on a real platform it carries neither, so the
framework classes read ``MAAS_API_KEY`` / ``DASHSCOPE_API_KEY`` and the base URL variables
themselves, exactly as user code would.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from maas_core import get_profile

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from llamaindex_maas import MaaSBaseEmbedding, MaaSBaseRerank
    from llamaindex_maas.base import MaaSBaseLLM
    from maas_core.emulator import Emulator

__all__ = [
    "DEFAULT_MODELS",
    "ENV_KEYS",
    "LABELS",
    "Target",
    "chat_model",
    "keys_in_env",
    "llamaindex_embedding",
    "llamaindex_llm",
    "llamaindex_rerank",
]

PlatformName = Literal["maas", "dashscope"]

# Hybrid models with thinking switched on: reasoning and answer both stream (DESIGN.md).
DEFAULT_MODELS: dict[PlatformName, str] = {"maas": "deepseek-v3.2", "dashscope": "qwen-plus"}
ENV_KEYS: dict[PlatformName, str] = {"maas": "MAAS_API_KEY", "dashscope": "DASHSCOPE_API_KEY"}
LABELS: dict[PlatformName, str] = {"maas": "MaaS", "dashscope": "DashScope"}
_TIMEOUT = 120.0


@dataclass(frozen=True)
class Target:
    """One platform the scenes run against."""

    platform: PlatformName
    model: str
    api_key: str | None = None
    """``None``: the framework class reads the platform's environment variable."""
    base_url: str | None = None
    emulator: Emulator | None = None

    @property
    def label(self) -> str:
        return LABELS[self.platform]

    @property
    def env_key(self) -> str:
        return ENV_KEYS[self.platform]

    @property
    def offline(self) -> bool:
        return self.emulator is not None

    @property
    def thinking(self) -> bool | None:
        """``True`` for switchable models (thinking on), else ``None`` (the model's default)."""
        profile = get_profile(self.platform, self.model)
        return True if profile.reasoning == "switchable" else None

    def where(self) -> str:
        """Human description: ``DashScope qwen-plus (emulator)``."""
        return f"{self.label} {self.model} ({'emulator' if self.offline else 'live'})"


def keys_in_env() -> list[PlatformName]:
    """Platforms whose API key variable is set, in the demo's order."""
    return [p for p in ("maas", "dashscope") if os.environ.get(ENV_KEYS[p])]


def _common(target: Target) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"model": target.model, "timeout": _TIMEOUT}
    if target.thinking is not None:
        kwargs["enable_thinking"] = target.thinking
    if target.api_key is not None:
        kwargs["api_key"] = target.api_key
    return kwargs


def chat_model(target: Target) -> BaseChatModel:
    """The LangChain chat model of ``target`` (``ChatMaaS`` or ``ChatDashScope``)."""
    from langchain_maas import ChatDashScope, ChatMaaS

    cls = ChatMaaS if target.platform == "maas" else ChatDashScope
    kwargs = _common(target)
    if target.base_url is not None:
        kwargs["base_url"] = target.base_url
    return cls(**kwargs)


def llamaindex_llm(target: Target) -> MaaSBaseLLM:
    """The LlamaIndex LLM of ``target`` (``MaaS`` or ``DashScope``)."""
    from llamaindex_maas import DashScope, MaaS

    cls = MaaS if target.platform == "maas" else DashScope
    kwargs = _common(target)
    if target.base_url is not None:
        kwargs["api_base"] = target.base_url
    return cls(**kwargs)


def _retrieval_kwargs(target: Target) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"timeout": _TIMEOUT}
    if target.api_key is not None:
        kwargs["api_key"] = target.api_key
    if target.base_url is not None:
        kwargs["api_base"] = target.base_url
    return kwargs


def llamaindex_embedding(target: Target) -> MaaSBaseEmbedding:
    """The platform's embedding model: MaaS ``bge-m3``, DashScope ``text-embedding-v4``."""
    from llamaindex_maas import DashScopeEmbedding, MaaSEmbedding

    cls = MaaSEmbedding if target.platform == "maas" else DashScopeEmbedding
    return cls(**_retrieval_kwargs(target))


def llamaindex_rerank(target: Target, top_n: int) -> MaaSBaseRerank:
    """The platform's reranker: MaaS ``bge-reranker-v2-m3``, DashScope ``qwen3-rerank``."""
    from llamaindex_maas import DashScopeRerank, MaaSRerank

    cls = MaaSRerank if target.platform == "maas" else DashScopeRerank
    return cls(top_n=top_n, **_retrieval_kwargs(target))
