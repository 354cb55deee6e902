"""README.md stays true: every Python block introduced as running "as written" runs, offline."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"runs as written\):\n\n```python\n(.*?)```", re.DOTALL)
_BLOCKS = _BLOCK.findall(README.read_text(encoding="utf-8"))

pytestmark = pytest.mark.emulator


def test_readme_has_runnable_blocks() -> None:
    assert len(_BLOCKS) >= 3


@pytest.mark.parametrize("code", _BLOCKS, ids=[f"block{i}" for i in range(len(_BLOCKS))])
def test_readme_block_runs(code: str, tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONWARNINGS": "error::ResourceWarning"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip()
