"""State of the emulated management APIs: IAM tokens, services, Fabric, DashScope deployments.

Seeded deterministically (ids from ``uuid5``) with enough items to need several pages and with
the cases discovery must handle: a RUNNING "My Services" service serving
``DeepSeek-R1-Distill-Qwen-1.5B``, a STOPPED ``dpsk-v3_2``, two RUNNING services sharing a
description (an ambiguous name), a RUNNING Fabric instance of ``Qwen-2-72B-Instruct``, a RUNNING
DashScope deployment of ``qwen-plus`` and a STOPPED one of ``qwen-max``.

Deployments (Fabric instances and DashScope deployments) move PENDING -> RUNNING after
``polls_to_running`` reads of that item (or ``seconds_to_running`` seconds when set). Names
starting with ``fail`` end FAILED instead; the spec code / model name ``emulator-stuck`` never
leaves PENDING (timeouts).
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

_NS = uuid.UUID("6f0c54a4-4d0e-4a55-9a43-3c5f0c1d7e11")
STUCK = "emulator-stuck"


def stable_id(*parts: str, hex32: bool = False) -> str:
    value = uuid.uuid5(_NS, "/".join(parts))
    return value.hex if hex32 else str(value)


def iso(ts: float) -> str:
    """IAM / Fabric style UTC time: ``2020-01-04T09:05:22.701000Z``."""
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def local_time(ts: float) -> str:
    """DashScope style ``2025-06-17T11:00:38`` (local time, no zone; PROTOCOLS.md C)."""
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class ManagementConfig:
    """Knobs of the management emulator (all live: tests change them between requests)."""

    project_id: str = "emulator-project"
    region_id: str = "ap-southeast-1"
    fabric_workspace: str = "emulator-ws"
    dashscope_workspace: str = "llm-emulator"
    username: str = "emulator-user"
    password: str = "emulator-password"
    domain: str = "emulator-domain"
    token_ttl: float = 24 * 3600.0
    access_key: str = "EMULATORACCESSKEY"
    secret_key: str = "emulator-secret-key"
    verify_signatures: bool = True
    polls_to_running: int = 2
    seconds_to_running: float | None = None
    services_page_size: int = 10


@dataclass
class Rollout:
    """A PENDING -> RUNNING (or FAILED) state machine for one deployment."""

    target: str = "RUNNING"
    polls: int = 0
    started: float = field(default_factory=time.monotonic)

    def status(self, config: ManagementConfig, current: str) -> str:
        if current not in ("PENDING", "DEPLOYING", "CREATING", "UPDATING"):
            return current
        self.polls += 1
        by_time = config.seconds_to_running is not None and (
            time.monotonic() - self.started >= config.seconds_to_running)
        if self.target != "PENDING" and (by_time or self.polls >= config.polls_to_running):
            return self.target
        return current


@dataclass
class Management:
    config: ManagementConfig = field(default_factory=ManagementConfig)
    tokens: dict[str, float] = field(default_factory=dict)
    services: list[dict[str, Any]] = field(default_factory=list)
    served: dict[str, str] = field(default_factory=dict)
    fabric_models: list[dict[str, Any]] = field(default_factory=list)
    instances: dict[str, dict[str, Any]] = field(default_factory=dict)
    deployments: dict[str, dict[str, Any]] = field(default_factory=dict)
    rollouts: dict[str, Rollout] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    on_deployed: Callable[[dict[str, str]], None] | None = None

    def __post_init__(self) -> None:
        _seed(self)

    # ---- IAM -----------------------------------------------------------------------------------
    def issue_token(self) -> tuple[str, float, float]:
        now = time.time()
        token = "MIIemu" + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = now + self.config.token_ttl
        return token, now, now + self.config.token_ttl

    def token_state(self, token: str) -> str:
        """``valid``, ``expired`` or ``unknown``."""
        expires = self.tokens.get(token)
        if expires is None:
            return "unknown"
        return "valid" if time.time() < expires else "expired"

    def expire_tokens(self) -> None:
        """Expire every issued token server-side (tests of the 401 refresh)."""
        with self.lock:
            for token in self.tokens:
                self.tokens[token] = 0.0

    # ---- state machines ------------------------------------------------------------------------
    def advance(self, key: str, record: dict[str, Any]) -> None:
        rollout = self.rollouts.get(key)
        if rollout is not None:
            record["status"] = rollout.status(self.config, record["status"])
        self.publish()

    def publish(self) -> None:
        """Tell the inference APIs which deployments answer (RUNNING ones, by deployed name)."""
        if self.on_deployed is not None:
            self.on_deployed({
                name: str(d.get("model_name") or d.get("base_model"))
                for name, d in self.deployments.items() if d.get("status") == "RUNNING"
            })

    def start_rollout(self, key: str, name: str, spec: str) -> None:
        target = "FAILED" if name.lower().startswith("fail") else "RUNNING"
        self.rollouts[key] = Rollout("PENDING" if spec == STUCK else target)


# ---- seed data ----------------------------------------------------------------------------------
_T0 = 1760538261.106  # seed 000 example create_at (ms in the wire)


def _service(name: str, status: str, description: str, index: int) -> dict[str, Any]:
    """Seed 000 Table 4 fields, shaped like its example (numbers where the example has them)."""
    return {
        "id": stable_id("service", name), "name": name, "status": status,
        "version": "0.0.9", "version_count": 1 + index % 10, "description": description,
        "type": "REAL_TIME", "deploy_type": "MULTI" if index % 2 else "SINGLE",
        "user_name": "emulator", "workspace_id": "0",
        "create_at": int((_T0 + index * 3600) * 1000),
        "update_at": int((_T0 + index * 7200) * 1000), "auth_type": "NONE",
    }


_SERVICES = [
    ("dpsk-distill-1-5b", "RUNNING", "DeepSeek-R1-Distill-Qwen-1.5B",
     "DeepSeek-R1-Distill-Qwen-1.5B"),
    ("dpsk-v3_2", "STOPPED", "DeepSeek-V3.2-EXP", "deepseek-v3.2"),
    ("qwen3-chat-a", "RUNNING", "qwen3-32b chat", "qwen3-32b"),
    ("qwen3-chat-b", "RUNNING", "qwen3-32b chat", "qwen3-32b"),
    ("DeepSeek-R1-prod", "RUNNING", "DeepSeek-R1 production", "DeepSeek-R1"),
    ("glm-test", "DEPLOYING", "GLM test deployment", "glm-4"),
]


def _user() -> dict[str, str]:
    return {"domain_name": "emulator-domain", "domain_id": stable_id("domain", hex32=True),
            "user_name": "emulator-user", "user_id": stable_id("user", hex32=True)}


def fabric_model(name: str, index: int, visibility: str = "PRIVATE",
                 mtype: str = "LLM_MODEL", description: str = "") -> dict[str, Any]:
    """Seed 002 Table 5 (ModelInfo) with its nested version, config and users."""
    created = iso(_T0 + index * 60)
    version = {
        "id": stable_id("version", name, hex32=True), "name": "v1", "cap_white_list": [],
        "description": description,
        "config": {"llm_model_config": {"base_model_type": name,
                                        "model_path": f"obs://emulator/models/{name}/"}},
        "create_time": created, "create_user": _user(),
    }
    return {
        "visibility": visibility, "id": stable_id("model", name, hex32=True), "name": name,
        "description": description, "type": mtype, "create_time": created,
        "update_time": iso(_T0 + index * 120), "current_version": version,
        "create_user": _user(), "update_user": _user(),
    }


_FABRIC_MODELS = [
    ("Qwen-2-72B-Instruct", "PUBLIC", "Qwen 2 72B Instruct"),
    ("Glm-4-9B-Chat", "PUBLIC", "Glm 4 9B Chat"),
    ("LLama3-8b", "PRIVATE", "description"),
]


def fabric_instance(name: str, model: dict[str, Any], status: str, index: int,
                    endpoint_id: str = "", description: str = "") -> dict[str, Any]:
    """A service instance (SDK ``ServiceInstanceBriefInfo``)."""
    return {
        "visibility": "PRIVATE", "id": stable_id("instance", name),
        "source": {"id": model["id"], "version_id": model["current_version"]["id"]},
        "name": name, "description": description,
        "endpoint_id": endpoint_id or stable_id("endpoint", "default"),
        "status": status, "create_time": iso(_T0 + index * 30),
        "update_time": iso(_T0 + index * 30), "duration": 3600 * index,
        "create_user": _user(), "type": "INFERENCE",
    }


def deployment(model_name: str, deployed: str, status: str, capacity: int, ws: str,
               ts: float) -> dict[str, Any]:
    """A DashScope deployment object (seed 004 ``output``)."""
    return {
        "deployed_model": deployed, "gmt_create": local_time(ts), "gmt_modified": local_time(ts),
        "status": status, "model_name": model_name, "base_model": model_name,
        "base_capacity": 1, "capacity": capacity, "ready_capacity": capacity if status ==
        "RUNNING" else 0, "workspace_id": ws, "charge_type": "post_paid",
        "creator": "175805416***", "modifier": "175805416***", "plan": "mu",
    }


def _seed(m: Management) -> None:
    services = [_service(n, s, d, i) for i, (n, s, d, _) in enumerate(_SERVICES)]
    services += [_service(f"svc-{i:02d}", "RUNNING" if i % 3 else "STOPPED",
                          f"filler service {i}", i + 10) for i in range(20)]
    m.services = services
    m.served = {stable_id("service", n): served for n, _, _, served in _SERVICES}
    models = [fabric_model(n, i, v, description=d) for i, (n, v, d) in enumerate(_FABRIC_MODELS)]
    models += [fabric_model(f"model-{i:02d}", i + 5, "PUBLIC" if i % 2 else "PRIVATE",
                            "LLM_MODEL" if i % 4 else "EMBEDDING", f"filler {i}")
               for i in range(22)]
    m.fabric_models = models
    instances = [
        fabric_instance("qwen2-72b-svc", models[0], "RUNNING", 1, description="chat"),
        fabric_instance("glm4-svc", models[1], "STOPPED", 2),
    ]
    instances += [fabric_instance(f"inst-{i:02d}", models[3 + i], "RUNNING" if i % 2 else
                                  "STOPPED", i + 3) for i in range(13)]
    m.instances = {i["id"]: i for i in instances}
    ws = m.config.dashscope_workspace
    deps = [
        deployment("qwen-plus", "qwen-plus-2025-12-01-b6d61c71", "RUNNING", 1, ws, _T0),
        deployment("qwen-max", "qwen-max-0a1b2c3d", "STOPPED", 2, ws, _T0 + 60),
    ]
    deps += [deployment("qwen-turbo", f"qwen-turbo-ft-{i:02d}", "RUNNING" if i % 2 else "FAILED",
                        1, ws, _T0 + 120 + i) for i in range(12)]
    m.deployments = {d["deployed_model"]: d for d in deps}
