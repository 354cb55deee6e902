"""Emulated management APIs: Huawei IAM, ModelArts "My Services", DataArts Fabric, DashScope
deployments (PROTOCOLS.md C, D.5-D.8; seeds 000, 002, 003, 004).

``routes(state)`` plugs into the emulator app like every other API module; the management state
lives on ``state.management`` (a ``store.Management``) and its knobs in
``state.management.config`` (a ``ManagementConfig``: IAM user/password/domain, token lifetime,
known AK/SK, polls until RUNNING, page sizes). ``ManagementHandle`` gives the running emulator
the addresses clients need (``iam_url``, ``modelarts_url``, ``fabric_url``, ``fabric_ep_url``,
``infer_url``: one server, told apart by path).

Independent of the client: nothing here imports ``maas_core`` outside ``maas_core.emulator``.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from maas_core.emulator.management import deployments, huawei
from maas_core.emulator.management.store import Management, ManagementConfig
from maas_core.emulator.state import EmulatorState

__all__ = ["Management", "ManagementConfig", "ManagementHandle", "management_of", "routes"]


def management_of(state: EmulatorState) -> Management:
    """The management state of an emulator instance (created on first use)."""
    found = getattr(state, "management", None)
    if found is None:
        found = Management()
        state.management = found  # type: ignore[attr-defined]
    return found


def routes(state: EmulatorState) -> list[Route]:
    mgmt = management_of(state)
    # "My Services" served names, so /v1/infers/{id}/v1/models answers for seeded services.
    for service_id, served in mgmt.served.items():
        state.config.services.setdefault(service_id, served)

    def deployed(running: dict[str, str]) -> None:
        state.deployed.clear()
        state.deployed.update(running)

    mgmt.on_deployed = deployed
    mgmt.publish()
    return [*huawei.routes(mgmt), *deployments.routes(mgmt, lambda: state.config.api_key)]


class ManagementHandle:
    """Addresses and state of the management APIs on a running emulator (in ``Emulator``)."""

    url: Any
    state: EmulatorState

    @property
    def management(self) -> Management:
        return management_of(self.state)

    @property
    def iam_url(self) -> str:
        return str(self.url)

    @property
    def modelarts_url(self) -> str:
        return str(self.url)

    @property
    def fabric_url(self) -> str:
        return str(self.url)

    @property
    def fabric_ep_url(self) -> str:
        return str(self.url)

    @property
    def infer_url(self) -> str:
        """Host of MaaS "My Services" (``{infer_url}/v1/infers/{service_id}/v1``)."""
        return str(self.url)
