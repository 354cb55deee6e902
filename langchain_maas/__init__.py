"""LangChain chat models for Huawei Cloud ModelArts Studio (MaaS) and Alibaba Cloud DashScope.

``ChatMaaS`` and ``ChatDashScope`` adapt ``maas_core`` (wire protocols, retries, model profiles)
to LangChain's ``BaseChatModel``. Errors are maas_core's, also LangChain ``ModelError``s.
"""

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

__all__ = [
    "ChatDashScope",
    "ChatMaaS",
    "MaaSAPIConnectionError",
    "MaaSAPITimeoutError",
    "MaaSAuthenticationError",
    "MaaSBadRequestError",
    "MaaSNotFoundError",
    "MaaSPermissionDeniedError",
    "MaaSRateLimitError",
    "MaaSServerError",
]
