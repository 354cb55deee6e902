"""Every notebook in ``notebooks/`` runs top to bottom, offline, and prints what it shows.

Each notebook is executed by nbclient in a fresh ipykernel (a subprocess of this test, talking
ZMQ over loopback); any cell error fails the test with the cell and its traceback. Credentials
are removed from the kernel's environment, so the notebooks take their emulator path even on a
machine where ``MAAS_API_KEY`` / ``DASHSCOPE_API_KEY`` are set.

The outputs of the re-executed notebook are then compared, cell by cell, with the committed ones,
after normalising what changes from run to run (ports, ids, request ids, timestamps, timings,
memory addresses): a difference fails the test, so a committed output never shows something the
code no longer prints. After an intended change, regenerate the outputs with::

    python tests/test_notebooks.py            # every notebook
    python tests/test_notebooks.py 04_errors_and_emulator.ipynb
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat not installed (pip install '.[test]')")
nbclient = pytest.importorskip("nbclient", reason="nbclient not installed (pip install '.[test]')")
pytest.importorskip("ipykernel", reason="ipykernel not installed (pip install '.[test]')")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
TIMEOUT = 120  # seconds per cell; each notebook takes a few seconds on the emulator

# Credentials and endpoints the notebooks would otherwise use to reach the real platforms.
CREDENTIAL_VARS = (
    "MAAS_API_KEY",
    "MAAS_BASE_URL",
    "DASHSCOPE_API_KEY",
    "DASHSCOPE_BASE_URL",
    "DASHSCOPE_COMPATIBLE_BASE_URL",
    "DASHSCOPE_WORKSPACE_ID",
    "HUAWEICLOUD_SDK_AK",
    "HUAWEICLOUD_SDK_SK",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN",
    "HUAWEICLOUD_SDK_PROJECT_ID",
    "HUAWEICLOUD_SDK_IAM_ENDPOINT",
    "HUAWEICLOUD_TOKEN",
    "HUAWEICLOUD_IAM_USERNAME",
    "HUAWEICLOUD_IAM_PASSWORD",
    "HUAWEICLOUD_IAM_DOMAIN",
    "HUAWEICLOUD_REGION",
    "HUAWEICLOUD_MODELARTS_ENDPOINT",
    "HUAWEICLOUD_FABRIC_ENDPOINT",
    "HUAWEICLOUD_FABRIC_EP_ENDPOINT",
    "HUAWEICLOUD_FABRIC_WORKSPACE_ID",
)

pytestmark = [
    pytest.mark.emulator,
    pytest.mark.timeout(TIMEOUT * 2),
]

# What differs between two runs of the same code on the emulator, and its stand-in.
_VOLATILE: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement) for pattern, replacement in (
        (r"(127\.0\.0\.1|localhost):\d+", r"\1:PORT"),
        (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID"),
        (r"\b(chatcmpl|chat|call|chatcmpl-tool|lc_run|run)-[0-9A-Za-z-]{8,}", r"\1-ID"),
        (r"\bcall_[0-9A-Za-z]{8,}", "call_ID"),
        (r"\b[0-9a-f]{24,}\b", "HEX"),
        (r"\bat 0x[0-9a-f]+", "at 0xADDR"),
        (r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?Z?", "TIMESTAMP"),
        (r"\b1[6-9]\d{8}(\.\d+)?\b", "EPOCH"),
        (r"\b\d+(\.\d+)?\s?(ms|µs|s|sec|seconds)\b", "DURATION"),
        (r"'(created|expires_at|issued_at)': \d+", r"'\1': N"),
    )
)


def normalise(text: str) -> str:
    """``text`` with run-dependent values replaced by stand-ins."""
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def cell_outputs(cell: Any) -> list[str]:
    """A code cell's outputs as comparable text: streams, results, displays, errors."""
    shown: list[str] = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            shown.append(f"[{out.get('name')}] {_joined(out.get('text', ''))}")
        elif kind in ("execute_result", "display_data"):
            data = out.get("data", {})
            text = data.get("text/plain")
            shown.append(f"[{kind}] {_joined(text)}" if text is not None
                         else f"[{kind}] {sorted(data)}")
        elif kind == "error":
            shown.append(f"[error] {out.get('ename')}: {out.get('evalue')}")
    merged = _merge_streams(shown)
    return [normalise(text) for text in merged]


def _merge_streams(outputs: list[str]) -> list[str]:
    """Consecutive chunks of one stream as one (kernels split them at arbitrary points)."""
    merged: list[str] = []
    for text in outputs:
        if merged and text.startswith("[std") and merged[-1][:8] == text[:8]:
            merged[-1] += text[text.index("] ") + 2:]
        else:
            merged.append(text)
    return merged


def differences(committed: Any, executed: Any) -> list[str]:
    """Unified diffs of the code cells whose normalised outputs differ."""
    diffs: list[str] = []
    old_cells = [c for c in committed.cells if c.cell_type == "code"]
    new_cells = [c for c in executed.cells if c.cell_type == "code"]
    for index, (old, new) in enumerate(zip(old_cells, new_cells, strict=True)):
        before, after = cell_outputs(old), cell_outputs(new)
        if before != after:
            diff = difflib.unified_diff("\n".join(before).splitlines(),
                                        "\n".join(after).splitlines(),
                                        "committed", "re-executed", lineterm="", n=1)
            source = "".join(old.source).splitlines()[:1]
            diffs.append(f"code cell {index} ({source}):\n" + "\n".join(diff))
    return diffs


def _kernel_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_VARS}
    # debugpy (in ipykernel) warns about frozen modules on stderr; not a notebook problem.
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def execute(path: Path) -> Any:
    """``path`` executed top to bottom on the emulator (outputs replaced by this run's)."""
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        book,
        timeout=TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        allow_errors=False,
        record_timing=False,  # no per-cell timestamps in the committed metadata
    )
    # jupyter_client starts the kernelspec's "python" as sys.executable: this venv's interpreter.
    client.execute(env=_kernel_env())
    return book


def test_notebooks_exist() -> None:
    names = {p.name for p in PATHS}
    assert {"01_langchain.ipynb", "02_llamaindex.ipynb", "03_discovery.ipynb",
            "04_errors_and_emulator.ipynb"} <= names


def test_normalise() -> None:
    text = ("http://127.0.0.1:41093/v1 (request_id=0764162f-dbea-4f91-8f7f-9ddb6a8b3fc3) "
            "id chatcmpl-3f2a9b7c1d in 3.0 s, 12 ms, at 0x7f3a2b, 2025-10-15T15:16:21.106000Z")
    assert normalise(text) == ("http://127.0.0.1:PORT/v1 (request_id=UUID) id chatcmpl-ID in "
                               "DURATION, DURATION, at 0xADDR, TIMESTAMP")
    assert normalise("Echo: hello 42 tokens") == "Echo: hello 42 tokens"


def test_differences_are_reported() -> None:
    old = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="- retried automatically\n")])])
    new = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="- slow down\n")])])
    found = differences(old, new)
    assert len(found) == 1 and "-[stdout] - retried automatically" in found[0]
    assert differences(old, old) == []


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs_and_matches_its_outputs(path: Path) -> None:
    try:
        executed = execute(path)
    except nbclient.exceptions.CellExecutionError as err:
        pytest.fail(f"{path.name}: a cell failed\n{err}", pytrace=False)
    errors = [
        out
        for cell in executed.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors, f"{path.name}: error outputs {[e.get('ename') for e in errors]}"
    found = differences(nbformat.read(path, as_version=4), executed)
    assert not found, (f"{path.name}: committed outputs differ from what the code prints now "
                       "(regenerate: python tests/test_notebooks.py " + path.name + ")\n"
                       + "\n\n".join(found))


def regenerate(names: list[str]) -> None:
    """Re-execute notebooks and write their outputs back (the committed outputs)."""
    for path in PATHS:
        if names and path.name not in names:
            continue
        executed = execute(path)
        nbformat.write(executed, path)
        print(f"regenerated {path.name}")


if __name__ == "__main__":
    regenerate(sys.argv[1:])
