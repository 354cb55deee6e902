"""``Endpoint``: what discovery hands to the framework classes — where to call and which model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Endpoint"]


@dataclass(frozen=True, slots=True)
class Endpoint:
    platform: Literal["maas", "dashscope", "fabric", "vllm"]
    base_url: str
    """Inference base URL (e.g. ``…/v1``, ``…/v1/infers/{id}/v1``, ``…/api/v1``)."""
    model: str
    """The value to send as ``model``: served model name or ``deployed_model``."""
    source: str
    """Where it was found: ``models``, ``service``, ``deployment``, ``fabric-instance``, ..."""
    status: str | None = None
    name: str | None = None
    """The human name it was found by (service, deployment or model name)."""
    id: str | None = None
    protocol: Literal["native", "compatible"] | None = None
    """DashScope only: which API ``base_url`` speaks."""
    workspace: str | None = None
    """DashScope workspace id (sent as ``X-DashScope-WorkSpace``)."""
    facts: Mapping[str, Any] | None = None
    """What the platform's catalogue says about the model, as ``ModelProfile`` field values
    (context window, reasoning, tools, structured output); already part of the model's profile
    in this process (``maas_core.profiles.remember_catalogue``)."""

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``ChatClient`` / the framework classes (no credentials)."""
        kwargs: dict[str, Any] = {"base_url": self.base_url}
        if self.workspace:
            kwargs["workspace"] = self.workspace
        return kwargs
