"""README.md stays true: every Python block runs when pasted alone, and prints what it says.

Each ```python block runs in a fresh interpreter (so a missing import fails it) with the
environment a user would set, pointed at the test session's emulator: ``MAAS_API_KEY``,
``MAAS_BASE_URL``, ``DASHSCOPE_*``, the ``HUAWEICLOUD_*`` credentials and endpoints. A ``print``
line whose comment starts with ``# ->`` states its output: the rest of the comment must match a
whole line of what the block printed, in order (``...`` stands for any text).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from maas_core.emulator import Emulator

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
_BLOCKS = _BLOCK.findall(README.read_text(encoding="utf-8"))
_STATED = re.compile(r"print\(.*#\s*->\s?(.*)$")

pytestmark = pytest.mark.emulator


def stated_outputs(code: str) -> list[str]:
    """The outputs the block's ``# ->`` comments state, in order."""
    return [m.group(1).rstrip() for line in code.splitlines() if (m := _STATED.search(line))]


def _pattern(stated: str) -> re.Pattern[str]:
    parts = re.split(r"\.\.\.|…", stated)
    return re.compile(".*".join(re.escape(p) for p in parts))


def missing_outputs(stated: list[str], printed: str) -> list[str]:
    """The stated outputs not found, in order, as whole lines of ``printed``."""
    lines = printed.splitlines()
    missing: list[str] = []
    position = 0
    for text in stated:
        pattern = _pattern(text)
        for index in range(position, len(lines)):
            if pattern.fullmatch(lines[index].rstrip()):
                position = index + 1
                break
        else:
            missing.append(text)
    return missing


def _user_env(emu: Emulator, home: Path) -> dict[str, str]:
    """What a user would export, pointing at the emulator (its emulated credentials)."""
    cfg = emu.management.config
    return {
        "PATH": "/usr/bin:/bin", "HOME": str(home), "PYTHONWARNINGS": "error::ResourceWarning",
        "MAAS_API_KEY": emu.api_key, "MAAS_BASE_URL": emu.maas_base_url,
        "DASHSCOPE_API_KEY": emu.api_key, "DASHSCOPE_BASE_URL": emu.dashscope_base_url,
        "DASHSCOPE_COMPATIBLE_BASE_URL": emu.dashscope_compatible_base_url,
        "HUAWEICLOUD_IAM_USERNAME": cfg.username, "HUAWEICLOUD_IAM_PASSWORD": cfg.password,
        "HUAWEICLOUD_IAM_DOMAIN": cfg.domain, "HUAWEICLOUD_SDK_PROJECT_ID": cfg.project_id,
        "HUAWEICLOUD_SDK_IAM_ENDPOINT": emu.iam_url,
        "HUAWEICLOUD_MODELARTS_ENDPOINT": emu.modelarts_url,
        "HUAWEICLOUD_FABRIC_ENDPOINT": emu.fabric_url,
        "HUAWEICLOUD_FABRIC_EP_ENDPOINT": emu.fabric_ep_url,
        "HUAWEICLOUD_FABRIC_WORKSPACE_ID": cfg.fabric_workspace,
    }


def test_readme_has_blocks_that_state_their_output() -> None:
    assert len(_BLOCKS) >= 8
    assert sum(bool(stated_outputs(code)) for code in _BLOCKS) >= 5


def test_stated_output_matching() -> None:
    printed = "Echo: hello True\nreasoning\n"
    assert missing_outputs(["Echo: ... True", "reasoning"], printed) == []
    assert missing_outputs(["reasoning", "Echo: hello True"], printed) == ["Echo: hello True"]
    assert missing_outputs(["Echo: hello"], printed) == ["Echo: hello"]  # whole lines only
    assert stated_outputs('print(x)   # -> a ... b\nx  # -> not a print') == ["a ... b"]


@pytest.mark.parametrize("code", _BLOCKS, ids=[f"block{i}" for i in range(len(_BLOCKS))])
def test_readme_block(code: str, emulator: Emulator, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=_user_env(emulator, tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr, done.stderr[-3000:]
    missing = missing_outputs(stated_outputs(code), done.stdout)
    assert not missing, f"not printed: {missing}\nprinted:\n{done.stdout}"


def test_readme_lists_every_notebook() -> None:
    text = README.read_text(encoding="utf-8")
    notebooks = sorted((README.parent / "notebooks").glob("*.ipynb"))
    assert notebooks
    missing = [p.name for p in notebooks if p.name not in text]
    assert not missing, f"README's Notebooks section does not list {missing}"
