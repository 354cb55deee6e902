"""Typed records of the listing APIs, and the validated request shapes we send.

Response records accept unknown fields (platforms add fields; we keep them in ``model_extra``) and
never fail on an unexpected status string. Request shapes are strict: they carry the ranges of
the platform documents, so a bad value is refused before anything is sent.

Sources: seed 000 (ModelArts ``InferServerInfo``), seed 001 + PROTOCOLS.md D.3, E.5 (models),
seed 002 (Fabric ``ModelInfo`` and list filters), seed 003 (Fabric deploy body), Huawei SDK
``ServiceInstanceBriefInfo`` (PROTOCOLS.md D.8), seed 004 + PROTOCOLS.md C (DashScope deployment).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from ..errors import UnsupportedParameterError

__all__ = [
    "DashScopeDeployment",
    "DashScopeModel",
    "DashScopeModelInfo",
    "DeployRequest",
    "DeploymentStatus",
    "FabricInstance",
    "FabricInstanceQuery",
    "FabricInstanceStatus",
    "FabricModel",
    "FabricModelQuery",
    "FabricUser",
    "InferServerInfo",
    "LlmModelConfig",
    "ModelConfig",
    "ModelVersionInfo",
    "PtuCapacity",
    "ResourceDemand",
    "ServedModel",
    "SourceRef",
    "validated",
]


def _text(value: Any) -> Any:
    """Seed 000 documents strings but shows numbers (``version_count: 10``, ``create_at``)."""
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


Text = Annotated[str | None, BeforeValidator(_text)]
"""An optional string that also accepts a number from the wire."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def validated(cls: type[_Request], what: str, **values: Any) -> Any:
    """``cls(**values)``, or ``UnsupportedParameterError`` naming every bad value and its range."""
    try:
        return cls(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'request'}={err.get('input')!r}: "
            f"{err['msg']}"
            for err in exc.errors()
        )
        raise UnsupportedParameterError(f"{what}: {problems}") from None


# ---- statuses -----------------------------------------------------------------------------------
class FabricInstanceStatus(str, Enum):
    """Fabric service-instance statuses (SDK ``StatusEnum``, PROTOCOLS.md D.8)."""

    PENDING = "PENDING"
    CREATING = "CREATING"
    RUNNING = "RUNNING"
    UPDATING = "UPDATING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    STOPPING = "STOPPING"
    STOPPED = "STOPPED"
    DELETING = "DELETING"
    DELETED = "DELETED"

    def __str__(self) -> str:
        return self.value


class DeploymentStatus(str, Enum):
    """DashScope deployment statuses: the doc's list plus the SDK's ``DEPLOYING`` (PROTOCOLS C)."""

    PENDING = "PENDING"
    DEPLOYING = "DEPLOYING"
    UPDATING = "UPDATING"
    RUNNING = "RUNNING"
    STOPPED = "STOPPED"
    DELETING = "DELETING"
    FAILED = "FAILED"

    def __str__(self) -> str:
        return self.value


def status_text(status: Enum | str | None) -> str | None:
    """The wire string of a status, whether it was known (an enum) or not."""
    return status.value if isinstance(status, Enum) else status


# ---- MaaS /v1/models ----------------------------------------------------------------------------
class ServedModel(_Record):
    """One entry of ``GET /v1/models`` (PROTOCOLS.md D.3, E.5): ``id`` is the served name.

    MaaS ``/v2/models`` documents no field table (PROTOCOLS-2026 D.7.1): ``id``, else
    ``model_name``.
    """

    @model_validator(mode="before")
    @classmethod
    def _id_from_model_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and "id" not in data and data.get("model_name"):
            return {**data, "id": data["model_name"]}
        return data

    id: str
    object: str | None = "model"
    created: int | None = None
    owned_by: str | None = None
    root: str | None = None
    parent: str | None = None
    max_model_len: int | None = None


# ---- ModelArts inference services (seed 000) ----------------------------------------------------
class InferServerInfo(_Record):
    """Seed 000 Table 4: a ModelArts real-time inference service."""

    id: str
    name: Text = None
    status: Text = None
    version: Text = None
    version_count: Text = None
    description: Text = None
    type: Text = None
    deploy_type: Text = None
    user_name: Text = None
    workspace_id: Text = None
    create_at: Text = None
    update_at: Text = None
    auth_type: Text = None

    @property
    def running(self) -> bool:
        return (self.status or "").upper() == "RUNNING"


# ---- DataArts Fabric (seeds 002, 003) -----------------------------------------------------------
class FabricUser(_Record):
    """Seed 002 Table 9."""

    domain_name: str | None = None
    domain_id: str | None = None
    user_name: str | None = None
    user_id: str | None = None


class LlmModelConfig(_Record):
    """Seed 002 Table 8."""

    base_model_type: str | None = None
    model_path: str | None = None
    local_model_path: str | None = None


class ModelConfig(_Record):
    """Seed 002 Table 7."""

    llm_model_config: LlmModelConfig | None = None


class ModelVersionInfo(_Record):
    """Seed 002 Table 6."""

    id: str | None = None
    name: str | None = None
    cap_white_list: list[str] = Field(default_factory=list)
    description: str | None = None
    config: ModelConfig | None = None
    create_time: str | None = None
    create_user: FabricUser | None = None


class FabricModel(_Record):
    """Seed 002 Table 5 (``ModelInfo``)."""

    id: str
    name: str | None = None
    visibility: str | None = None
    description: str | None = None
    type: str | None = None
    create_time: str | None = None
    update_time: str | None = None
    current_version: ModelVersionInfo | None = None
    create_user: FabricUser | None = None
    update_user: FabricUser | None = None


class SourceRef(_Record):
    """Seed 003 Table 4: what an instance serves (model id and version id)."""

    id: str
    version_id: str | None = None


class FabricInstance(_Record):
    """A Fabric service instance (SDK ``ServiceInstanceBriefInfo``, PROTOCOLS.md D.8)."""

    id: str
    name: str | None = None
    description: str | None = None
    visibility: str | None = None
    source: SourceRef | None = None
    endpoint_id: str | None = None
    status: FabricInstanceStatus | str | None = Field(None, union_mode="left_to_right")
    create_time: Text = None
    update_time: Text = None
    duration: int | None = None
    create_user: FabricUser | None = None
    type: str | None = None

    @property
    def status_text(self) -> str | None:
        return status_text(self.status)

    @property
    def running(self) -> bool:
        return self.status == FabricInstanceStatus.RUNNING


_ID = r"^[A-Za-z0-9-]+$"
_MODEL_NAME = r"^[A-Za-z0-9_-]+$"
_INSTANCE_NAME = r"^[\w\-. ]+$"  # seed 003: letters, digits, - _ . and spaces (SDK: also CJK)


class FabricModelQuery(_Request):
    """Seed 002 Table 2: the filters of ``GET /v1/workspaces/{workspace_id}/models``."""

    offset: int = Field(0, ge=0, le=1_000_000_000)
    limit: int = Field(10, ge=1, le=100)
    name: str | None = Field(None, min_length=1, max_length=128, pattern=_MODEL_NAME)
    id: str | None = Field(None, min_length=32, max_length=36, pattern=_ID)
    type: str | None = Field(None, min_length=1, max_length=128)
    visibility: Literal["PRIVATE", "PUBLIC", "ALL"] | None = None
    sort_by: Literal["CREATE_TIME", "UPDATE_TIME", "NAME"] | None = None
    order_by: Literal["ASC", "DESC"] | None = None

    def params(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class FabricInstanceQuery(_Request):
    """Filters of the instance list (SDK Java ``ListServicesInstances``, PROTOCOLS.md D.8).

    Ranges are not documented in our seeds; the model list's (seed 002) are applied [INFER].
    """

    offset: int = Field(0, ge=0, le=1_000_000_000)
    limit: int = Field(10, ge=1, le=100)
    name: str | None = Field(None, min_length=1, max_length=64)
    id: str | None = Field(None, min_length=1, max_length=36, pattern=_ID)
    endpoint_id: str | None = Field(None, min_length=1, max_length=36, pattern=_ID)
    source_id: str | None = Field(None, min_length=1, max_length=36, pattern=_ID)
    version_id: str | None = Field(None, min_length=1, max_length=36, pattern=_ID)
    type: str | None = None
    visibility: Literal["PRIVATE", "PUBLIC", "ALL"] | None = None
    sort_by: Literal["CREATE_TIME", "UPDATE_TIME", "NAME"] | None = None
    order_by: Literal["ASC", "DESC"] | None = None

    def params(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class ResourceDemand(_Request):
    """Seed 003 Table 7: ``min <= max``, both in [1, 1000]."""

    min: int = Field(ge=1, le=1000)
    max: int = Field(ge=1, le=1000)
    spec_code: str = Field(min_length=1, max_length=64)

    @model_validator(mode="after")
    def _min_le_max(self) -> ResourceDemand:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) must be <= max ({self.max})")
        return self


class _SourceInput(_Request):
    id: str = Field(min_length=1, max_length=36, pattern=_ID)
    version_id: str | None = Field(None, min_length=1, max_length=36, pattern=_ID)


class _ModelInstanceConfig(_Request):
    resource: ResourceDemand


class _InstanceConfig(_Request):
    model_instance_config: _ModelInstanceConfig | None = None


class DeployRequest(_Request):
    """Seed 003 Table 3: the body of ``POST /v1/workspaces/{workspace_id}/services/instances``."""

    source: _SourceInput
    name: str = Field(min_length=1, max_length=64, pattern=_INSTANCE_NAME)
    description: str | None = Field(None, max_length=1024, pattern=r"^[^!<>=&'\"]*$")
    endpoint_id: str = Field(min_length=1, max_length=36, pattern=_ID)
    config: _InstanceConfig | None = None

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


# ---- DashScope deployments (seed 004, PROTOCOLS.md C) -------------------------------------------
class PtuCapacity(_Record):
    input_tpm: int | None = None
    output_tpm: int | None = None


class DashScopeDeployment(_Record):
    """A DashScope model deployment (seed 004 ``output``; union of fields in PROTOCOLS.md C)."""

    deployed_model: str
    status: DeploymentStatus | str | None = Field(None, union_mode="left_to_right")
    model_name: str | None = None
    base_model: str | None = None
    gmt_create: str | None = None
    gmt_modified: str | None = None
    base_capacity: int | None = None
    capacity: int | None = None
    ready_capacity: int | None = None
    workspace_id: str | None = None
    charge_type: str | None = None
    creator: str | None = None
    modifier: str | None = None
    plan: str | None = None
    model_unit_spec: Any = None
    ptu_capacity: PtuCapacity | None = None
    rpm_limit: int | None = None
    tpm_limit: int | None = None
    enable_thinking: bool | None = None
    max_context_length: int | None = None

    @property
    def status_text(self) -> str | None:
        return status_text(self.status)

    @property
    def running(self) -> bool:
        return self.status == DeploymentStatus.RUNNING


# ---- DashScope model catalogue (PROTOCOLS-2026 A.9.8) -------------------------------------------
class DashScopeModelInfo(_Record):
    """``model_info`` of a catalogue entry: token limits."""

    context_window: int | None = None
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None
    max_reasoning_tokens: int | None = None
    reasoning_max_input_tokens: int | None = None
    reasoning_max_output_tokens: int | None = None


class DashScopeModel(_Record):
    """One entry of ``GET /api/v1/models`` (``output.models[]``, PROTOCOLS-2026 A.9.8).

    ``capabilities`` are codes (``TG``, ``Reasoning``, ``VU``, ...), ``features`` names
    (``function-calling``, ``structured-outputs``, ...).
    """

    model: str
    name: Text = None
    description: Text = None
    provider: Text = None
    inference_provider: Text = None
    capabilities: list[str] = Field(default_factory=list)
    features: list[str] = Field(default_factory=list)
    published_time: Text = None
    inference_metadata: dict[str, Any] | None = None
    model_info: DashScopeModelInfo | None = None

    @property
    def id(self) -> str:
        return self.model

    @property
    def request_modality(self) -> list[str]:
        modality = (self.inference_metadata or {}).get("request_modality") or []
        return [str(m) for m in modality]
