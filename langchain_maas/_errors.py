"""maas_core's errors, also as members of langchain-core's ``ModelError`` family.

Every error maas_core raises surfaces unchanged — same class (or a subclass of it), same
``status``, ``code``, ``message``, ``request_id`` and ``provider`` — and is *also* an instance of
the matching ``langchain_core.exceptions`` class, the pattern of langchain-openai's
``OpenAIRateLimitError(openai.RateLimitError, ModelRateLimitError)``::

    MaaSError (maas_core)                 ModelError (langchain_core)
    ├── AuthenticationError        ──>    ModelAuthenticationError
    ├── PermissionDeniedError      ──>    ModelPermissionDeniedError
    ├── BadRequestError            ──>    ModelInvalidRequestError
    ├── NotFoundError              ──>    ModelNotFoundError
    ├── RateLimitError             ──>    ModelRateLimitError
    ├── ServerError                ──>    ModelAPIError
    ├── UnexpectedResponseError    ──>    ModelAPIError
    ├── APIConnectionError         ──>    ModelConnectionError
    └── APITimeoutError            ──>    ModelTimeoutError

So both ``except maas_core.RateLimitError`` and ``except ModelRateLimitError`` catch a 429.
Errors without a LangChain counterpart (``StreamError``, ``UnsupportedParameterError``, ...)
are raised as they are.
"""

from __future__ import annotations

from typing import Any

from langchain_core.exceptions import (
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelError,
    ModelInvalidRequestError,
    ModelNotFoundError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
    ModelTimeoutError,
)

from maas_core import errors as core

__all__ = [
    "MaaSAPIConnectionError",
    "MaaSAPITimeoutError",
    "MaaSAuthenticationError",
    "MaaSBadRequestError",
    "MaaSNotFoundError",
    "MaaSPermissionDeniedError",
    "MaaSRateLimitError",
    "MaaSServerError",
    "MaaSUnexpectedResponseError",
    "to_langchain_error",
]


class MaaSAuthenticationError(core.AuthenticationError, ModelAuthenticationError):
    """401 (or an authentication code) from MaaS / DashScope."""


class MaaSPermissionDeniedError(
    core.PermissionDeniedError, ModelPermissionDeniedError
):
    """403: the key may not use this model or workspace."""


class MaaSBadRequestError(core.BadRequestError, ModelInvalidRequestError):
    """400 / 422: the platform rejected the parameters."""


class MaaSNotFoundError(core.NotFoundError, ModelNotFoundError):
    """404: unknown model, deployment or path."""


class MaaSRateLimitError(core.RateLimitError, ModelRateLimitError):
    """429 or a throttling code (``retry_after`` in seconds when the platform sent one)."""


class MaaSServerError(core.ServerError, ModelAPIError):
    """5xx: a platform-side failure."""


class MaaSAPIConnectionError(core.APIConnectionError, ModelConnectionError):
    """The platform could not be reached."""


class MaaSAPITimeoutError(core.APITimeoutError, ModelTimeoutError):
    """The platform did not answer in time."""


class MaaSUnexpectedResponseError(core.UnexpectedResponseError, ModelAPIError):
    """A success status whose body is not a chat completion."""


# Most specific first: APITimeoutError before APIConnectionError.
_PAIRS: tuple[tuple[type[core.MaaSError], type[ModelError]], ...] = (
    (core.AuthenticationError, MaaSAuthenticationError),
    (core.PermissionDeniedError, MaaSPermissionDeniedError),
    (core.BadRequestError, MaaSBadRequestError),
    (core.NotFoundError, MaaSNotFoundError),
    (core.RateLimitError, MaaSRateLimitError),
    (core.ServerError, MaaSServerError),
    (core.UnexpectedResponseError, MaaSUnexpectedResponseError),
    (core.APITimeoutError, MaaSAPITimeoutError),
    (core.APIConnectionError, MaaSAPIConnectionError),
)
_MIXED: dict[type[BaseException], type[BaseException]] = {}


def _langchain_class(cls: type[core.MaaSError]) -> type[BaseException] | None:
    """``cls`` paired with its LangChain class; ``None`` when LangChain has no counterpart."""
    if cls in _MIXED:
        return _MIXED[cls]
    for core_cls, lc_cls in _PAIRS:
        if issubclass(cls, core_cls):
            # In-stream variants (``RateLimitError`` + ``StreamError``) keep both parents.
            mixed = lc_cls if cls is core_cls else type(
                cls.__name__, (lc_cls, cls), {"__module__": __name__})
            if mixed is not lc_cls:  # made here at run time: pickled as a recipe
                core.register_recipe(mixed, _langchain_class, cls)
            _MIXED[cls] = mixed
            return mixed
    return None


def to_langchain_error(error: core.MaaSError) -> BaseException:
    """``error`` as an instance of its LangChain-aware class, attributes unchanged."""
    if isinstance(error, ModelError):
        return error
    cls = _langchain_class(type(error))
    if cls is None:
        return error
    converted: Any = cls.__new__(cls)
    converted.__dict__.update(error.__dict__)
    converted.args = error.args
    if isinstance(error, core.APIStatusError):  # e.g. insufficient_quota is a 429 not to retry
        converted.is_retryable = error.retryable
    return converted  # type: ignore[no-any-return]
