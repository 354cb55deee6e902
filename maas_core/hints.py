"""Hints that fit the facts: what a 404 means given the URL it was sent to.

A 404 is rarely about the model name when the base URL and the protocol disagree: DashScope's
native API lives under ``/api/v1`` and its OpenAI-compatible mode under ``/compatible-mode/v1``
(PROTOCOLS.md A.1), and sending one dialect to the other's root answers a bare ``Not Found``.
A DataArts Fabric 404 names no model at all: the workspace (or instance) in the URL is unknown
(PROTOCOLS.md D.8). A MaaS base URL without its ``/v1`` root (D.1) answers 404 to every model.
These functions only read URLs; they do no I/O.
"""

from __future__ import annotations

import re

from .providers import Platform

__all__ = ["fabric_not_found_hint", "not_found_hint"]

_COMPATIBLE = "/compatible-mode/"
_NATIVE_ROOT = re.compile(r"/api/v1/?$")
_MAAS_ROOT = re.compile(r"/(v1|v2)/?$")  # PROTOCOLS.md D.1
_FABRIC_PATH = re.compile(r"/v1/workspaces/([^/]+)(?:/services/instances/([^/]+))?")


def not_found_hint(platform: Platform, base_url: str) -> str | None:
    """The hint for a 404 from the chat endpoint at ``base_url``; ``None``: the usual one."""
    if platform.name == "dashscope":
        return _dashscope_protocol_hint(platform, base_url)
    if platform.name == "fabric":
        return fabric_not_found_hint(base_url)
    if platform.name == "maas" and not _MAAS_ROOT.search(base_url):
        return (f"the base URL {base_url} is not a MaaS inference root: it ends in /v1 "
                "(…/v2, …/openai/v1, or …/v1/infers/<service-id>/v1 for My Services); "
                "see MAAS_BASE_URL")
    return None


def _dashscope_protocol_hint(platform: Platform, base_url: str) -> str | None:
    compatible_url = _COMPATIBLE in base_url + "/"
    if platform.dialect == "dashscope_native" and compatible_url:
        return (f"the base URL {base_url} is DashScope's compatible mode but this client speaks "
                "the native API: pass protocol=\"compatible\", or the native base URL "
                "(…/api/v1, DASHSCOPE_BASE_URL)")
    if platform.dialect == "openai_compat" and _NATIVE_ROOT.search(base_url):
        return (f"the base URL {base_url} is DashScope's native API but this client speaks "
                "compatible mode (protocol=\"compatible\"): pass protocol=\"native\", or the "
                "compatible-mode base URL (…/compatible-mode/v1, DASHSCOPE_COMPATIBLE_BASE_URL)")
    return None


def fabric_not_found_hint(url: str) -> str | None:
    """A Fabric 404 names the workspace (and instance) in ``url`` that the platform did not find."""
    match = _FABRIC_PATH.search(url)
    if match is None:
        return None
    workspace, instance = match.groups()
    hint = (f"check the Fabric workspace id {workspace!r} (workspace_id=..., "
            "HUAWEICLOUD_FABRIC_WORKSPACE_ID)")
    if instance:
        hint += f" and the service instance id {instance!r} (`maas-models` lists instances)"
    return hint
