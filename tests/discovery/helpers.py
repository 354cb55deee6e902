"""Run a discovery client call the same way in sync and async mode."""

from __future__ import annotations

from typing import Any


async def call(mode: str, pair: tuple[type[Any], type[Any]], kwargs: dict[str, Any],
               method: str, *args: Any, **kw: Any) -> Any:
    """``pair`` is (sync class, async class); open the client, call ``method``, close it."""
    sync_cls, async_cls = pair
    if mode == "sync":
        with sync_cls(**kwargs) as client:
            return getattr(client, method)(*args, **kw)
    async with async_cls(**kwargs) as client:
        return await getattr(client, method)(*args, **kw)
