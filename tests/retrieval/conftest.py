"""Embedding and rerank tests: the session emulator, and a corpus whose answers are known."""

from __future__ import annotations

from typing import Any

import pytest

from maas_core.emulator import Emulator

PASSAGES = [
    "The Eiffel Tower is a wrought-iron lattice tower in Paris, France, finished in 1889.",
    "Giant pandas live in the mountains of central China and eat bamboo almost exclusively.",
    "Python is a programming language created by Guido van Rossum and released in 1991.",
    "Mount Fuji is the highest mountain in Japan, an active volcano near Tokyo.",
    "The Great Barrier Reef off Australia is the largest coral reef system in the world.",
    "Photosynthesis lets plants turn sunlight, water and carbon dioxide into sugar and oxygen.",
]
QUESTIONS = [
    ("What do giant pandas eat?", 1),
    ("When was the Eiffel Tower in Paris finished?", 0),
    ("Who created the Python programming language?", 2),
    ("Which is the highest mountain in Japan?", 3),
]

# (platform fixture key, embedding model, rerank model)
SETUPS = {
    "maas": ("bge-m3", "bge-reranker-v2-m3"),
    "native": ("text-embedding-v4", "qwen3-rerank"),
    "compatible": ("text-embedding-v4", "qwen3-rerank"),
}


def base_url(emu: Emulator, setup: str) -> str:
    return {
        "maas": emu.maas_base_url,
        "native": emu.dashscope_base_url,
        "compatible": emu.dashscope_compatible_base_url,
    }[setup]


def core_platform(setup: str) -> str:
    return {"maas": "maas", "native": "dashscope", "compatible": "dashscope-compatible"}[setup]


def class_kwargs(emu: Emulator, setup: str, **extra: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"api_key": emu.api_key, "base_url": base_url(emu, setup)}
    if setup != "maas":
        kwargs["protocol"] = setup
    return {**kwargs, **extra}


@pytest.fixture(params=list(SETUPS))
def setup(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))
