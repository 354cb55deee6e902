"""``resolve(name)``: a human name in, an ``Endpoint`` (where to call, which ``model``) out.

Input flow: list what the platform has (MaaS served models + ModelArts "My Services"; DashScope
deployments, then, when no deployment answers to the name, the public model catalogue
(PROTOCOLS-2026 A.9.8); Fabric service instances and their models), turn each into a
``Candidate``, then
``pick`` one with no I/O. Output flow: the picked candidate becomes an ``Endpoint``; a "My
Services" service is asked for its served model name (``…/v1/infers/{id}/v1/models``).

Matching order (DESIGN.md ``discovery``): exact served-model name (or id / ``deployed_model``),
then the same case-insensitively, then service / deployment / model name or description exactly,
case-insensitively, then as a substring. At each level a single RUNNING candidate wins; several
RUNNING ones raise ``AmbiguousNameError``; non-running ones are remembered and named in the
``NameNotFoundError`` (a ``NotFoundError``, 404) raised when nothing RUNNING matches, together
with the closest names (difflib).
"""

from __future__ import annotations

import asyncio
import dataclasses
import difflib
from collections.abc import Iterable, Sequence
from contextlib import AsyncExitStack, ExitStack
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from ..client import MissingCredentialsError
from ..endpoint import Endpoint
from ..errors import MaaSError, NotFoundError
from .catalogue import AsyncDashScopeModels, DashScopeModels, catalogue_facts
from .dashscope import AsyncDashScopeDeployments, DashScopeDeployments
from .fabric import AsyncFabricClient, FabricClient
from .maas import AsyncMaaSModels, MaaSModels
from .modelarts import AsyncModelArtsServices, ModelArtsServices
from .records import (
    DashScopeDeployment,
    DashScopeModel,
    FabricInstance,
    FabricModel,
    InferServerInfo,
    ServedModel,
)

__all__ = [
    "AmbiguousNameError",
    "Candidate",
    "NameNotFoundError",
    "ResolveOptions",
    "aresolve",
    "catalogue_candidates",
    "pick",
    "resolve",
]

Platform = Literal["maas", "dashscope", "fabric"]
Kind = Literal["model", "service", "deployment", "fabric-instance"]


@dataclass(frozen=True)
class Candidate:
    """Something a name can resolve to."""

    kind: Kind
    label: str
    served: tuple[str, ...]
    """Names callable as they are: served model name, ``deployed_model``, service/instance id."""
    names: tuple[str, ...]
    """Human names: service / deployment / model name, description."""
    status: str | None
    running: bool
    record: Any = field(compare=False, repr=False)
    model: str | None = None
    """The value to send as ``model``, when known without asking the service."""

    def describe(self) -> str:
        return f"`{self.label}` ({self.kind}, {self.status or 'no status'})"


class AmbiguousNameError(MaaSError, LookupError):
    """Several RUNNING candidates match equally well; ``candidates`` lists them."""

    def __init__(self, message: str, candidates: Sequence[Candidate]) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


class NameNotFoundError(NotFoundError):
    """Nothing RUNNING matches; ``rejected`` are the non-running matches, ``suggestions`` the
    closest names."""

    def __init__(self, message: str, *, provider: str, rejected: Sequence[Candidate],
                 suggestions: Sequence[str]) -> None:
        super().__init__(message, status=404, provider=provider)
        self.rejected = list(rejected)
        self.suggestions = list(suggestions)


# ---- pure matching ------------------------------------------------------------------------------
def _match(values: Iterable[str], query: str, how: str) -> bool:
    folded = query.casefold()
    if how == "exact":
        return query in values
    if how == "ci":
        return any(v.casefold() == folded for v in values)
    return any(folded in v.casefold() for v in values)


_LEVELS = (("served", "exact"), ("served", "ci"), ("names", "exact"), ("names", "ci"),
           ("names", "contains"))


def pick(query: str, candidates: Sequence[Candidate], *, provider: str,
         notes: Sequence[str] = ()) -> Candidate:
    """The one RUNNING candidate ``query`` names (see the module docstring for the order)."""
    rejected: dict[int, Candidate] = {}
    for attr, how in _LEVELS:
        hits = [c for c in candidates if _match(getattr(c, attr), query, how)]
        running = [c for c in hits if c.running]
        if len(running) == 1:
            return running[0]
        if len(running) > 1:
            listed = ", ".join(c.describe() for c in running)
            raise AmbiguousNameError(
                f"[{provider}] {query!r} matches several running candidates: {listed}; "
                "use the exact served name or id", running)
        for c in hits:
            rejected.setdefault(id(c), c)
    raise _not_found(query, candidates, list(rejected.values()), provider, notes)


def _not_found(query: str, candidates: Sequence[Candidate], rejected: Sequence[Candidate],
               provider: str, notes: Sequence[str]) -> NameNotFoundError:
    parts = [f"nothing RUNNING named {query!r}"]
    parts += [f"found `{c.label}` ({c.kind}) but it is {c.status or 'not running'}"
              for c in rejected]
    shown = {c.label for c in rejected}
    suggestions = [n for n in closest(query, candidates, n=5 + len(shown)) if n not in shown][:5]
    if suggestions:
        parts.append("closest names: " + ", ".join(suggestions))
    elif not candidates:
        parts.append("the platform listed nothing")
    parts += notes
    return NameNotFoundError("; ".join(parts), provider=provider, rejected=rejected,
                             suggestions=suggestions)


def closest(query: str, candidates: Sequence[Candidate], n: int = 5) -> list[str]:
    """Up to ``n`` names close to ``query`` (case-insensitive difflib ratio)."""
    names = {v.casefold(): v for c in candidates for v in (*c.served, *c.names) if v}
    found = difflib.get_close_matches(query.casefold(), list(names), n=n, cutoff=0.5)
    return [names[f] for f in found]


# ---- candidates from records --------------------------------------------------------------------
def _texts(*values: str | None) -> tuple[str, ...]:
    return tuple(v for v in values if v)


def maas_candidates(models: Sequence[ServedModel],
                    services: Sequence[InferServerInfo]) -> list[Candidate]:
    found = [Candidate("model", m.id, (m.id,), (), None, True, m, m.id) for m in models]
    found += [
        Candidate("service", s.name or s.id, (s.id,), _texts(s.name, s.description), s.status,
                  s.running, s)
        for s in services
    ]
    return found


def dashscope_candidates(deployments: Sequence[DashScopeDeployment]) -> list[Candidate]:
    return [
        Candidate("deployment", d.deployed_model, (d.deployed_model,),
                  _texts(d.model_name, d.base_model), d.status_text, d.running, d,
                  d.deployed_model)
        for d in deployments
    ]


def catalogue_candidates(models: Sequence[DashScopeModel]) -> list[Candidate]:
    """Public DashScope models: always callable (the catalogue has no status)."""
    return [Candidate("model", m.model, (m.model,), _texts(m.name), None, True, m, m.model)
            for m in models]


def _pick_public(query: str, deployments: Sequence[DashScopeDeployment],
                 catalogue: Sequence[DashScopeModel]) -> Candidate:
    """When no deployment answers to ``query``: deployments and public models together (a
    STOPPED deployment of that name was reported before, not replaced by the public model)."""
    candidates = dashscope_candidates(deployments) + catalogue_candidates(catalogue)
    return pick(query, candidates, provider="dashscope")


def fabric_candidates(instances: Sequence[FabricInstance],
                      models: Sequence[FabricModel]) -> list[Candidate]:
    model_names = {m.id: m.name for m in models}
    found = []
    for i in instances:
        source = _source_name(i, model_names)
        found.append(Candidate("fabric-instance", i.name or i.id, (i.id,),
                               _texts(i.name, i.description, source), i.status_text, i.running,
                               i, source or i.name or i.id))
    return found


def _source_name(instance: FabricInstance, model_names: dict[str, str | None]) -> str | None:
    return model_names.get(instance.source.id) if instance.source else None


# ---- options ------------------------------------------------------------------------------------
@dataclass
class ResolveOptions:
    """Where to look and with which credentials; ``None`` means "from the environment".

    * MaaS: ``api_key`` (``MAAS_API_KEY``), ``base_url`` / ``region``; "My Services":
      ``huawei_auth`` (else ``maas_core.auth.huawei_auth()``), ``project_id``, ``region_id``,
      ``workspace_id``, ``modelarts_url``, ``infer_url`` (host of ``/v1/infers/{id}/v1``);
      ``services``: ``True`` requires them, ``False`` skips them, ``None`` uses them when
      credentials are found.
    * DashScope: ``api_key`` (``DASHSCOPE_API_KEY``), ``workspace``, ``base_url`` / ``region``,
      ``protocol`` of the returned endpoint.
    * Fabric: ``huawei_auth``, ``workspace_id``, ``fabric_url``, ``fabric_ep_url``, ``region``.
    """

    api_key: str | None = None
    base_url: str | None = None
    region: str | None = None
    workspace: str | None = None
    protocol: Literal["native", "compatible"] = "native"
    huawei_auth: httpx.Auth | None = None
    project_id: str | None = None
    region_id: str | None = None
    workspace_id: str | None = None
    modelarts_url: str | None = None
    infer_url: str | None = None
    fabric_url: str | None = None
    fabric_ep_url: str | None = None
    services: bool | None = None
    timeout: float | None = None
    max_retries: int = 2

    def maas(self) -> dict[str, Any]:
        return {"api_key": self.api_key, "base_url": self.base_url, "region": self.region,
                **self._common()}

    def modelarts(self) -> dict[str, Any]:
        return {"project_id": self.project_id, "region_id": self.region_id,
                "workspace_id": self.workspace_id, "base_url": self.modelarts_url,
                "auth": self.huawei_auth, **self._common()}

    def dashscope(self) -> dict[str, Any]:
        return {"api_key": self.api_key, "workspace": self.workspace,
                "base_url": self.base_url, "region": self.region, **self._common()}

    def fabric(self) -> dict[str, Any]:
        return {"workspace_id": self.workspace_id, "base_url": self.fabric_url,
                "ep_url": self.fabric_ep_url, "region": self.region, "auth": self.huawei_auth,
                **self._common()}

    def _common(self) -> dict[str, Any]:
        return {"timeout": self.timeout, "max_retries": self.max_retries}


_NO_SERVICES = "My Services not searched ({reason})"


def _services_client(options: ResolveOptions, cls: type[Any]) -> tuple[Any, list[str]]:
    """A ModelArts services client, or None and a note saying why services were skipped."""
    if options.services is False:
        return None, []
    try:
        return cls(**options.modelarts()), []
    except MissingCredentialsError as exc:
        if options.services:
            raise
        return None, [_NO_SERVICES.format(reason=exc)]


def _endpoint(candidate: Candidate, *, base_url: str, model: str,
              platform: Literal["maas", "dashscope", "fabric"],
              protocol: Literal["native", "compatible"] | None = None,
              workspace: str | None = None) -> Endpoint:
    return Endpoint(
        platform=platform,
        base_url=base_url, model=model,
        source={"model": "models", "fabric-instance": "fabric-instance"}.get(
            candidate.kind, candidate.kind),
        status=candidate.status, name=candidate.label,
        id=None if candidate.kind == "model" else candidate.served[0],
        protocol=protocol, workspace=workspace,
    )


def _deployment_endpoint(c: Candidate, ds: DashScopeDeployments | AsyncDashScopeDeployments,
                         protocol: Literal["native", "compatible"]) -> Endpoint:
    if isinstance(c.record, DashScopeModel):
        return dataclasses.replace(
            _endpoint(c, base_url=ds.generation_base_url(protocol), model=c.record.model,
                      platform="dashscope", protocol=protocol, workspace=ds.workspace),
            facts=catalogue_facts(c.record))
    record: DashScopeDeployment = c.record
    return _endpoint(c, base_url=ds.generation_base_url(protocol), model=record.deployed_model,
                     platform="dashscope", protocol=protocol,
                     workspace=ds.workspace or record.workspace_id)



def _fabric_endpoint(c: Candidate, fabric: FabricClient | AsyncFabricClient) -> Endpoint:
    record: FabricInstance = c.record
    return _endpoint(c, base_url=fabric.invocation_url(record.id), model=c.model or c.label,
                     platform="fabric")


def _served_name(models: Sequence[ServedModel], service: Candidate) -> str:
    if not models:
        raise MaaSError(f"service {service.describe()} lists no served model at /models")
    return models[0].id


# ---- sync driver --------------------------------------------------------------------------------
def resolve(name: str, platform: Platform = "maas", *, options: ResolveOptions | None = None,
            **kwargs: Any) -> Endpoint:
    """The ``Endpoint`` called ``name`` on ``platform``; keyword arguments are
    ``ResolveOptions`` fields.

    Example::

        endpoint = resolve("DeepSeek-R1-Distill-Qwen-1.5B")       # MAAS_API_KEY (+ Huawei creds)
        chat = ChatClient("maas", api_key=..., **endpoint.client_kwargs())
    """
    opts = options or ResolveOptions(**kwargs)
    with ExitStack() as stack:
        if platform == "maas":
            return _resolve_maas(name, opts, stack)
        if platform == "dashscope":
            ds = stack.enter_context(DashScopeDeployments(**opts.dashscope()))
            deployments = ds.list_deployments()
            try:
                chosen = pick(name, dashscope_candidates(deployments), provider="dashscope")
            except NameNotFoundError as error:
                if error.rejected:
                    raise
                catalogue = stack.enter_context(DashScopeModels(**opts.dashscope()))
                chosen = _pick_public(name, deployments, catalogue.list_models())
            return _deployment_endpoint(chosen, ds, opts.protocol)
        if platform == "fabric":
            fabric = stack.enter_context(FabricClient(**opts.fabric()))
            candidates = fabric_candidates(fabric.list_instances(), fabric.list_models())
            return _fabric_endpoint(pick(name, candidates, provider="huawei-fabric"), fabric)
    raise ValueError(f"unknown platform {platform!r}; use maas, dashscope or fabric")


def _resolve_maas(name: str, opts: ResolveOptions, stack: ExitStack) -> Endpoint:
    maas = stack.enter_context(MaaSModels(**opts.maas()))
    services_client, notes = _services_client(opts, ModelArtsServices)
    services = []
    if services_client is not None:
        stack.enter_context(services_client)
        services = services_client.list_services()
    chosen = pick(name, maas_candidates(maas.list_models(), services), provider="huawei-maas",
                  notes=notes)
    if chosen.kind == "model":
        return _endpoint(chosen, base_url=maas.base_url, model=chosen.label, platform="maas")
    base = maas.service_base_url(chosen.served[0], opts.infer_url)
    served = _served_name(maas.list_models(base), chosen)
    return _endpoint(chosen, base_url=base, model=served, platform="maas")


# ---- async driver -------------------------------------------------------------------------------
async def aresolve(name: str, platform: Platform = "maas", *,
                   options: ResolveOptions | None = None, **kwargs: Any) -> Endpoint:
    """The async twin of ``resolve`` (listings of one platform run concurrently)."""
    opts = options or ResolveOptions(**kwargs)
    async with AsyncExitStack() as stack:
        if platform == "maas":
            return await _aresolve_maas(name, opts, stack)
        if platform == "dashscope":
            ds = await stack.enter_async_context(AsyncDashScopeDeployments(**opts.dashscope()))
            found = await ds.list_deployments()
            try:
                chosen = pick(name, dashscope_candidates(found), provider="dashscope")
            except NameNotFoundError as error:
                if error.rejected:
                    raise
                catalogue = await stack.enter_async_context(
                    AsyncDashScopeModels(**opts.dashscope()))
                chosen = _pick_public(name, found, await catalogue.list_models())
            return _deployment_endpoint(chosen, ds, opts.protocol)
        if platform == "fabric":
            fabric = await stack.enter_async_context(AsyncFabricClient(**opts.fabric()))
            instances, models = await asyncio.gather(fabric.list_instances(),
                                                     fabric.list_models())
            candidates = fabric_candidates(instances, models)
            return _fabric_endpoint(pick(name, candidates, provider="huawei-fabric"), fabric)
    raise ValueError(f"unknown platform {platform!r}; use maas, dashscope or fabric")


async def _aresolve_maas(name: str, opts: ResolveOptions, stack: AsyncExitStack) -> Endpoint:
    maas = await stack.enter_async_context(AsyncMaaSModels(**opts.maas()))
    services_client, notes = _services_client(opts, AsyncModelArtsServices)
    services: list[InferServerInfo] = []
    if services_client is not None:
        await stack.enter_async_context(services_client)
        models, services = await asyncio.gather(maas.list_models(),
                                                services_client.list_services())
    else:
        models = await maas.list_models()
    chosen = pick(name, maas_candidates(models, services), provider="huawei-maas", notes=notes)
    if chosen.kind == "model":
        return _endpoint(chosen, base_url=maas.base_url, model=chosen.label, platform="maas")
    base = maas.service_base_url(chosen.served[0], opts.infer_url)
    served = _served_name(await maas.list_models(base), chosen)
    return _endpoint(chosen, base_url=base, model=served, platform="maas")
