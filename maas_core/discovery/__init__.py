"""Discovery: list what a platform serves and turn a human name into an ``Endpoint``.

* ``MaaSModels`` — MaaS ``GET {base}/models`` (served model names, API key).
* ``ModelArtsServices`` — ModelArts real-time services, the MaaS "My Services" (seed 000).
* ``FabricClient`` — DataArts Fabric models (seed 002), service instances, deploy (seed 003).
* ``DashScopeDeployments`` — DashScope dedicated deployments (seed 004, PROTOCOLS.md C).
* ``DashScopeModels`` — the DashScope model catalogue (PROTOCOLS-2026 A.9.8); what it says
  about a model joins that model's profile.
* ``resolve`` / ``aresolve`` — a name to an ``Endpoint`` (exact, case-insensitive, then by
  service / deployment / model name), RUNNING first, with a clear ``NotFoundError`` otherwise.

Every client has an ``Async…`` twin with the same methods; all listings follow pages to the end
and return typed records (``maas_core.discovery.records``). Credentials: ``maas_core.auth``.
"""

from ._base import DeploymentError, DeploymentTimeoutError
from .catalogue import AsyncDashScopeModels, DashScopeModels, catalogue_facts
from .dashscope import AsyncDashScopeDeployments, DashScopeDeployments
from .fabric import AsyncFabricClient, FabricClient
from .maas import AsyncMaaSModels, MaaSModels
from .modelarts import AsyncModelArtsServices, ModelArtsServices
from .records import (
    DashScopeDeployment,
    DashScopeModel,
    DeploymentStatus,
    DeployRequest,
    FabricInstance,
    FabricInstanceStatus,
    FabricModel,
    FabricModelQuery,
    InferServerInfo,
    ServedModel,
)
from .resolve import (
    AmbiguousNameError,
    Candidate,
    NameNotFoundError,
    ResolveOptions,
    aresolve,
    pick,
    resolve,
)

__all__ = [
    "AmbiguousNameError",
    "AsyncDashScopeDeployments",
    "AsyncDashScopeModels",
    "AsyncFabricClient",
    "AsyncMaaSModels",
    "AsyncModelArtsServices",
    "Candidate",
    "DashScopeDeployment",
    "DashScopeDeployments",
    "DashScopeModel",
    "DashScopeModels",
    "DeployRequest",
    "DeploymentError",
    "DeploymentStatus",
    "DeploymentTimeoutError",
    "FabricClient",
    "FabricInstance",
    "FabricInstanceStatus",
    "FabricModel",
    "FabricModelQuery",
    "InferServerInfo",
    "MaaSModels",
    "ModelArtsServices",
    "NameNotFoundError",
    "ResolveOptions",
    "ServedModel",
    "aresolve",
    "catalogue_facts",
    "pick",
    "resolve",
]
