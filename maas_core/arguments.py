"""Constructor arguments are never silently dropped.

langchain-openai's rule, for both framework adapters: a keyword the class does not declare is
moved, with a warning naming it, into the dict of extra request parameters (``model_kwargs`` in
LangChain, ``additional_kwargs`` in LlamaIndex), from where it reaches the request body. So a
misspelt ``temprature=0.1`` is seen twice: once in the warning, once in the platform's answer
(MaaS rejects unknown body fields with a 400; DashScope ignores them, hence the warning).
"""

from __future__ import annotations

import difflib
import sys
import warnings
from collections.abc import Collection, Mapping
from typing import Any

__all__ = ["UnknownArgumentWarning", "move_unknown_arguments"]


class UnknownArgumentWarning(UserWarning):
    """A constructor argument the class does not declare; it was sent as a request parameter."""


def move_unknown_arguments(
    values: Mapping[str, Any], known: Collection[str], into: str, owner: str
) -> dict[str, Any]:
    """``values`` with every key not in ``known`` moved into ``values[into]``, each with a
    warning that names it, the closest declared argument and where it went."""
    result = dict(values)
    extra = dict(result.get(into) or {})
    for name in [k for k in result if k not in known]:
        if name in extra:
            raise ValueError(f"{owner}: {name!r} given both directly and in {into}")
        close = difflib.get_close_matches(name, list(known), n=1)
        maybe = f" (did you mean {close[0]!r}?)" if close else ""
        warnings.warn(
            f"{owner}: {name!r} is not a declared argument{maybe}; it was moved to {into} and "
            "will be sent in the request body as it is",
            UnknownArgumentWarning,
            stacklevel=_user_stacklevel(),
        )
        extra[name] = result.pop(name)
    if extra:
        result[into] = extra
    return result


# Packages between the user's constructor call and this module (frameworks, pydantic, ours).
_INTERNAL = frozenset({"maas_core", "langchain_maas", "llamaindex_maas", "langchain_core",
                       "llama_index", "pydantic", "pydantic_core"})


def _user_stacklevel() -> int:
    """The ``stacklevel`` that makes the warning point at the user's line, not ours."""
    level, frame = 2, sys._getframe(2)  # 2: the caller of move_unknown_arguments
    while frame.f_back is not None and (
            frame.f_globals.get("__name__", "").partition(".")[0] in _INTERNAL):
        frame, level = frame.f_back, level + 1
    return level
