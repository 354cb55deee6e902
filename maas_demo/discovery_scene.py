"""Discovery scene: ``maas_core.discovery.resolve`` turns a name into an ``Endpoint``, and the
framework class built ``from_endpoint`` answers through it.

* MaaS on the emulator: the "My Services" deployment ``DeepSeek-R1-Distill-Qwen-1.5B``, listed
  through the emulated ModelArts API with emulated IAM credentials; its reasoning comes as
  ``<think>`` tags in the content, which the client splits off.
* MaaS live: "My Services" when Huawei Cloud credentials are in the environment, else (one line
  says so) the public ``/v1/models`` list.
* DashScope: the dedicated deployments list (the emulator has a RUNNING ``qwen-plus`` one);
  a live account without such a deployment gets a one-line note instead of an answer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from maas_core.auth import IAMTokenAuth, huawei_auth
from maas_core.client import MissingCredentialsError
from maas_core.discovery import NameNotFoundError, ResolveOptions, resolve
from maas_core.endpoint import Endpoint
from maas_core.errors import PermissionDeniedError

from .console import Console
from .langchain_scenes import print_stream
from .targets import Target

__all__ = ["discovery_scene", "options_for", "query_for"]

SERVICE_NAME = "DeepSeek-R1-Distill-Qwen-1.5B"
QUESTION = "Say hello in five words."


def query_for(target: Target) -> str:
    """The name the scene resolves on ``target``."""
    if target.platform == "maas" and target.offline:
        return SERVICE_NAME
    return target.model


def options_for(target: Target, console: Console) -> ResolveOptions:
    """Where to look: the emulator's management APIs, or the real platform's defaults."""
    if target.emulator is not None:
        return _emulator_options(target)
    if target.platform == "dashscope":
        return ResolveOptions()
    try:
        auth = huawei_auth()
    except MissingCredentialsError:
        console.note("My Services skipped: no Huawei Cloud IAM credentials (HUAWEICLOUD_SDK_AK/SK "
                     "or HUAWEICLOUD_TOKEN); resolving from the public /v1/models list")
        return ResolveOptions(services=False)
    return ResolveOptions(huawei_auth=auth)


def _emulator_options(target: Target) -> ResolveOptions:
    emu: Any = target.emulator
    cfg = emu.management.config
    if target.platform == "dashscope":
        return ResolveOptions(api_key=target.api_key, base_url=target.base_url)
    iam = IAMTokenAuth(username=cfg.username, password=cfg.password, domain=cfg.domain,
                       project_id=cfg.project_id, iam_url=emu.iam_url)
    return ResolveOptions(api_key=target.api_key, base_url=target.base_url, huawei_auth=iam,
                          project_id=cfg.project_id, modelarts_url=emu.modelarts_url,
                          infer_url=emu.infer_url)


def discovery_scene(target: Target, console: Console) -> None:
    """Resolve a name, print the endpoint, then stream an answer through it."""
    name = query_for(target)
    console.field("resolve", repr(name))
    try:
        endpoint = resolve(name, target.platform, options=options_for(target, console))
    except NameNotFoundError as exc:
        console.note(f"not found: {exc.message}")
        return
    except PermissionDeniedError as exc:  # e.g. a key without access to the deployments API
        console.note(f"skipped: listing refused ({exc.status} {exc.code or ''}): {exc.message}")
        return
    _print_endpoint(endpoint, console)
    console.field("prompt", QUESTION)
    console.usage(print_stream(_model_for(endpoint, target).stream(QUESTION), console))


def _print_endpoint(endpoint: Endpoint, console: Console) -> None:
    console.field("platform", endpoint.platform)
    console.field("base_url", endpoint.base_url)
    console.field("model", endpoint.model)
    source = endpoint.source + (f" {endpoint.name!r}" if endpoint.name else "")
    console.field("source", source)
    console.field("status", endpoint.status or "-")


def _model_for(endpoint: Endpoint, target: Target) -> Any:
    from langchain_maas import ChatDashScope, ChatMaaS

    cls = ChatMaaS if target.platform == "maas" else ChatDashScope
    kwargs: dict[str, Any] = {"timeout": 120.0}
    thinking = replace(target, model=endpoint.model).thinking
    if thinking is not None:
        kwargs["enable_thinking"] = thinking
    if target.api_key is not None:
        kwargs["api_key"] = target.api_key
    return cls.from_endpoint(endpoint, **kwargs)
