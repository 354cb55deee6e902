"""The 2026 model families both framework suites run through (PROTOCOLS-2026 A.9.1, D.7.2).

``(platform, model, thinks_by_default)``; platform is ``native`` / ``compatible`` (DashScope)
or ``maas-v2`` (Huawei MaaS V2).
"""

from __future__ import annotations

DASHSCOPE_2026 = [
    ("qwen3.8-max", True),
    ("qwen3.8-flash", True),
    ("qwen3.7-plus", True),
    ("qwen3.7-flash", True),
    ("qwen3.7-max", True),
    ("qwen3.7-max-preview", True),
    ("qwen3.6-plus", True),
    ("qwen3.6-flash", True),
    ("qwen3.6-max-preview", True),
    ("qwen3.5-plus", True),
    ("qwen3.5-flash", True),
    ("qwen3.5-397b-a17b", True),
    ("qwen3.5-omni-plus", True),
    ("qwen3-vl-plus", False),
    ("qwen3-max", False),
    ("qwen-plus", False),
    ("qwen3-32b", True),
    ("qwen3-coder-plus", False),
    ("deepseek-v4-pro", False),
    ("deepseek-v4-flash", False),
    ("kimi-k2.6", False),
    ("kimi-k2.5", False),
    ("kimi/kimi-k2.6", True),
    ("kimi-k2-thinking", True),
    ("glm-5.2", True),
    ("glm-5.1", True),
    ("glm-5", True),
    ("glm-4.7", True),
    ("MiniMax-M2.5", True),
]
MAAS_2026 = [
    ("glm-5.3", True),
    ("glm-5.2", True),
    ("glm-5.1", True),
    ("deepseek-v4-pro", True),
    ("deepseek-v4-flash", True),
    ("deepseek-v4.1-flash", True),
    ("deepseek-v3.2", False),  # V2 also serves the V1 models (D.7.2)
    ("qwen3-32b", True),
    ("kimi-k2.6", False),
]
FAMILIES = [
    *[(p, m, t) for p in ("native", "compatible") for m, t in DASHSCOPE_2026],
    *[("maas-v2", m, t) for m, t in MAAS_2026],
]
IDS = [f"{p}-{m}".replace("/", "_") for p, m, _ in FAMILIES]
