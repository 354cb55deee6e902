"""Check a lean install: `python lean-check.py EXTRA WORKS ABSENT`.

In an environment where only ``maas-integrations[EXTRA]`` was installed, the adapter WORKS imports
and builds a model, the other framework is not installed at all, and importing the adapter ABSENT
fails with one ImportError that names its extra.
"""

from __future__ import annotations

import importlib
import sys
from importlib import metadata
from importlib.util import find_spec

FRAMEWORK = {"langchain_maas": "langchain_core", "llamaindex_maas": "llama_index"}
MODEL = {"langchain_maas": "ChatMaaS", "llamaindex_maas": "MaaS"}
EXTRA = {"langchain_maas": "langchain", "llamaindex_maas": "llamaindex"}


def main(extra: str, works: str, absent: str) -> None:
    assert find_spec(FRAMEWORK[absent]) is None, f"[{extra}] installed {FRAMEWORK[absent]}"
    model = getattr(importlib.import_module(works), MODEL[works])
    model(model="DeepSeek-V3", api_key="sk-lean")
    try:
        importlib.import_module(absent)
    except ImportError as exc:
        assert f"'{EXTRA[absent]}' extra" in str(exc), exc
        print(f"import {absent}: {exc}")
    else:
        raise AssertionError(f"{absent} imported without its framework")
    installed = sorted(d.metadata["Name"].lower() for d in metadata.distributions())
    print(f"[{extra}]: {len(installed)} distributions; {works} works")


if __name__ == "__main__":
    main(*sys.argv[1:])
