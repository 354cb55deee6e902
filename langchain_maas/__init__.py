"""LangChain chat models for Huawei Cloud ModelArts Studio (MaaS) and Alibaba Cloud DashScope.

``ChatMaaS`` and ``ChatDashScope`` adapt ``maas_core`` (wire protocols, retries, model profiles)
to LangChain's ``BaseChatModel``. Errors are maas_core's, also LangChain ``ModelError``s.

Names are loaded on first use (PEP 562), as ``langchain_core`` itself does: ``import
langchain_maas`` stays cheap, and ``from langchain_maas import ChatMaaS`` loads the model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from maas_core._extras import require, warn_if_shadowed

require("langchain_core", extra="langchain", needed_by="langchain_maas")
warn_if_shadowed("langchain_maas", extra="langchain")

if TYPE_CHECKING:
    from ._errors import (
        MaaSAPIConnectionError,
        MaaSAPITimeoutError,
        MaaSAuthenticationError,
        MaaSBadRequestError,
        MaaSNotFoundError,
        MaaSPermissionDeniedError,
        MaaSRateLimitError,
        MaaSServerError,
    )
    from .chat_models import ChatDashScope, ChatMaaS
    from .embeddings import DashScopeEmbeddings, MaaSEmbeddings
    from .rerank import DashScopeRerank, MaaSRerank

__all__ = [
    "ChatDashScope",
    "ChatMaaS",
    "DashScopeEmbeddings",
    "DashScopeRerank",
    "MaaSAPIConnectionError",
    "MaaSAPITimeoutError",
    "MaaSAuthenticationError",
    "MaaSBadRequestError",
    "MaaSEmbeddings",
    "MaaSNotFoundError",
    "MaaSPermissionDeniedError",
    "MaaSRateLimitError",
    "MaaSRerank",
    "MaaSServerError",
]

_MODULES = {"ChatDashScope": ".chat_models", "ChatMaaS": ".chat_models",
            "DashScopeEmbeddings": ".embeddings", "MaaSEmbeddings": ".embeddings",
            "DashScopeRerank": ".rerank", "MaaSRerank": ".rerank"}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'langchain_maas' has no attribute {name!r}")
    value = getattr(import_module(_MODULES.get(name, "._errors"), __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
