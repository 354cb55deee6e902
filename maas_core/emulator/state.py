"""Mutable per-instance state shared by all routes: config, request log, fault counters, cache."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from maas_core.emulator.config import EmulatorConfig


@dataclass
class RecordedRequest:
    """One request as the emulator received it (tests assert what the client sent)."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any
    body: bytes = b""
    query: str = ""


REQUEST_LOG_SIZE = 1000
"""Requests kept in the log, newest last: a long-running emulator must not grow without end."""


class RequestLog(list[RecordedRequest]):
    """A list (tests compare and slice it) that keeps only the last ``REQUEST_LOG_SIZE``."""

    def append(self, request: RecordedRequest) -> None:
        super().append(request)
        if len(self) > REQUEST_LOG_SIZE:
            del self[0]


@dataclass
class EmulatorState:
    config: EmulatorConfig
    requests: RequestLog = field(default_factory=RequestLog)
    fault_counts: dict[str, int] = field(default_factory=dict)
    _seen_prefixes: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    deployed: dict[str, str] = field(default_factory=dict)
    """DashScope ``deployed_model`` -> base model, kept by the deployments API (PROTOCOLS.md C:
    a deployment is called by its name on the ordinary generation APIs)."""

    def record(self, request: RecordedRequest) -> None:
        with self.lock:
            self.requests.append(request)

    def cache_hit(self, scope: str, messages: list[Any]) -> bool:
        """True when ``scope`` (platform + model) saw the same first message before (A.4 / B.3)."""
        if not messages:
            return False
        key = scope + json.dumps(messages[0], sort_keys=True, ensure_ascii=False)
        with self.lock:
            hit = key in self._seen_prefixes
            self._seen_prefixes.add(key)
        return hit
