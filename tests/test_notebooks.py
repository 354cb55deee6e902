"""Every notebook in ``notebooks/`` runs top to bottom, offline, against the emulator.

Each notebook is executed by nbclient in a fresh ipykernel (a subprocess of this test, talking
ZMQ over loopback); any cell error fails the test with the cell and its traceback. Credentials
are removed from the kernel's environment, so the notebooks take their emulator path even on a
machine where ``MAAS_API_KEY`` / ``DASHSCOPE_API_KEY`` are set.
"""

from __future__ import annotations

import os
from pathlib import Path

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
)

pytestmark = [
    pytest.mark.emulator,
    pytest.mark.timeout(TIMEOUT * 2),
]


def _kernel_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_VARS}
    # debugpy (in ipykernel) warns about frozen modules on stderr; not a notebook problem.
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def test_notebooks_exist() -> None:
    names = {p.name for p in PATHS}
    assert {"01_langchain.ipynb", "02_llamaindex.ipynb", "03_discovery.ipynb"} <= names


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs(path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        book,
        timeout=TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        allow_errors=False,
    )
    # jupyter_client starts the kernelspec's "python" as sys.executable: this venv's interpreter.
    try:
        client.execute(env=_kernel_env())
    except nbclient.exceptions.CellExecutionError as err:
        pytest.fail(f"{path.name}: a cell failed\n{err}", pytrace=False)
    errors = [
        out
        for cell in book.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors, f"{path.name}: error outputs {[e.get('ename') for e in errors]}"
