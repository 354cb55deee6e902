"""Lean installs: each framework comes with its extra, and a missing one is one clear error.

Runs real interpreters in subprocesses: a framework is made unimportable the way a lean install
leaves it (no module on the path), and an unrelated distribution is made visible to
``importlib.metadata`` the way pip installs it (a ``*.dist-info`` folder on ``sys.path``).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from maas_core._extras import install_command

ROOT = Path(__file__).resolve().parents[1]

# A meta-path finder standing in for an environment where the framework is not installed.
WITHOUT = """
import sys
class _Absent:
    def find_spec(self, name, path=None, target=None):
        if name == {top!r} or name.startswith({top!r} + "."):
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, _Absent())
"""


def _python(code: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, **env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=cwd, env=environ)


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    return result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(("package", "framework", "extra"), [
    ("langchain_maas", "langchain_core", "langchain"),
    ("llamaindex_maas", "llama_index", "llamaindex"),
])
def test_adapter_without_its_framework_names_the_extra(package: str, framework: str,
                                                       extra: str) -> None:
    result = _python(WITHOUT.format(top=framework) + f"import {package}")
    assert result.returncode == 1
    line = _last_line(result)
    assert line.startswith(f"ImportError: {package} needs {framework}"), line
    assert f"install the '{extra}' extra: {install_command(extra)}" in line
    assert "Traceback" in result.stderr and result.stderr.count("Error:") == 1  # one error


@pytest.mark.parametrize(("package", "other"), [
    ("langchain_maas", "llama_index"), ("llamaindex_maas", "langchain_core")])
def test_each_adapter_works_without_the_other_framework(package: str, other: str) -> None:
    result = _python(WITHOUT.format(top=other) + f"from {package} import *; import sys; "
                     f"assert not any(m.split('.')[0] == {other!r} for m in sys.modules)")
    assert result.returncode == 0, result.stderr


def test_core_imports_without_any_framework() -> None:
    code = (WITHOUT.format(top="langchain_core") + WITHOUT.format(top="llama_index")
            + "import maas_core, maas_core.discovery; from maas_core import ChatClient")
    assert _python(code).returncode == 0


def test_install_hint_is_a_command_for_this_interpreter() -> None:
    words = shlex.split(install_command("langchain"))
    assert words[:4] == [sys.executable, "-m", "pip", "install"]
    requirement = words[-1]
    assert requirement.endswith("[langchain]")
    # Installed from this checkout: the hint points at it, not at the PyPI release.
    origin = metadata.distribution("maas-integrations").read_text("direct_url.json")
    if origin and "dir_info" in origin:
        assert requirement == ".[langchain]" and words[-2] == "-e"


def test_install_hint_names_the_checkout_from_elsewhere(tmp_path: Path) -> None:
    result = _python("from maas_core._extras import install_command as c; print(c('all'))",
                     cwd=tmp_path)
    words = shlex.split(result.stdout)
    origin = metadata.distribution("maas-integrations").read_text("direct_url.json")
    if origin and "dir_info" in origin:
        assert words[-1] == f"{ROOT}[all]"
    else:
        assert words[-1] == "maas-integrations[all]"


def test_extras_keep_the_frameworks_apart() -> None:
    requires = metadata.requires("maas-integrations") or []
    by_extra: dict[str | None, set[str]] = {}
    for requirement in requires:
        name = re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower()
        marker = re.search(r"extra\s*==\s*['\"]([^'\"]+)['\"]", requirement)
        by_extra.setdefault(marker.group(1) if marker else None, set()).add(name)
    assert by_extra[None] == {"httpx", "httpx-sse", "pydantic"}
    assert by_extra["langchain"] == {"langchain-core"}
    assert by_extra["llamaindex"] == {"llama-index-core"}
    assert {"all", "emulator", "demo", "test", "bench"} <= set(by_extra)


def _fake_distribution(site: Path, name: str, version: str, files: list[str]) -> None:
    """What pip leaves on disk for a wheel: a dist-info folder with METADATA and RECORD."""
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "RECORD").write_text("".join(f"{f},,\n" for f in files))


CATCH = """
import warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import langchain_maas
    import langchain_maas
for w in caught:
    print(type(w.message).__name__, "|", w.message)
"""


def test_a_clashing_distribution_is_named_with_the_fix(tmp_path: Path) -> None:
    # PyPI's unrelated `langchain-maas` 0.1.1 installs langchain_maas/__init__.py (empty).
    _fake_distribution(tmp_path, "langchain-maas", "0.1.1", ["langchain_maas/__init__.py"])
    result = _python(CATCH, PYTHONPATH=str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1  # once, however often it is imported
    kind, message = lines[0].split(" | ")
    assert kind == "NameClashWarning"
    assert "'langchain-maas' 0.1.1, unrelated to maas-integrations" in message
    fix = message.split("Fix: ")[1]
    assert fix.startswith(f"{shlex.quote(sys.executable)} -m pip uninstall -y langchain-maas && ")
    assert install_command("langchain", "--force-reinstall", "--no-deps") in fix


def test_no_clash_no_warning() -> None:
    result = _python(CATCH)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
