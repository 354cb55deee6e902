"""Throughput, the ``maas-emulator`` command, import isolation, schema values."""

from __future__ import annotations

import ast
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

import maas_core.emulator
from maas_core.emulator.schema_values import value_for
from tests.emulator.helpers import MAAS_PATH, NATIVE_PATH, SSE_ON, chat_body, native_body

pytestmark = pytest.mark.emulator


def test_benchmark_header_streams_50k_events_fast(client: httpx.Client) -> None:
    start = time.perf_counter()
    with client.stream(
        "POST",
        MAAS_PATH,
        json=chat_body("DeepSeek-V3", stream=True),
        headers={"X-Emulator-Tokens": "50000"},
    ) as r:
        count = sum(1 for line in r.iter_lines() if line.startswith("data: "))
    elapsed = time.perf_counter() - start
    assert count == 50_000 + 3  # role chunk, finish chunk, [DONE]
    assert elapsed < 5, f"50k events took {elapsed:.2f}s"
    events = client.post(
        NATIVE_PATH,
        json=native_body("qwen-max", incremental_output=True),
        headers={**SSE_ON, "X-Emulator-Tokens": "1000"},
    ).text.count("event:result")
    assert events == 1001


def test_cli_prints_urls() -> None:
    command = [sys.executable, "-m", "maas_core.emulator", "--port", "0", "--log-level", "warning"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as proc:
        try:
            lines = []
            while proc.stdout and (line := proc.stdout.readline()):
                lines.append(line)
                if "DashScope workspace" in line:  # the banner's last line
                    break
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    text = "".join(lines)
    assert "MaaS emulator listening on http://127.0.0.1:" in text
    assert "/compatible-mode/v1" in text and "/api/v1" in text and "sk-emulator" in text


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)


def test_emulator_is_independent_of_the_client_code() -> None:
    """The emulator judges the client: it may import nothing of maas_core outside itself.

    The one exception is the packaging helper that turns a missing extra into an install hint.
    """
    package = Path(maas_core.emulator.__file__).parent
    imported = set()
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
    foreign = {
        name
        for name in imported
        if name.startswith(("langchain", "llama_index"))
        or (name.startswith("maas_core") and not name.startswith("maas_core.emulator"))
    } - {"maas_core._extras"}
    assert foreign == set()


def test_missing_extras_give_an_install_hint() -> None:
    result = _python("import sys; sys.modules['starlette'] = None; import maas_core.emulator")
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("ImportError: maas_core.emulator needs starlette")
    assert "'emulator' extra" in message and f"{sys.executable} -m pip install " in message


SCHEMA = {
    "type": "object",
    "definitions": {"Point": {"type": "object", "properties": {"x": {"type": "number"}}}},
    "properties": {
        "when": {"type": "string", "format": "date-time"},
        "count": {"type": "integer", "exclusiveMaximum": 3},
        "point": {"allOf": [{"$ref": "#/definitions/Point"}]},
        "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "boolean"}]},
        "maybe": {"type": ["null", "integer"]},
        "const": {"const": "fixed"},
    },
}


def test_schema_values() -> None:
    value = value_for(SCHEMA, "move 7 to Berlin, then 1.5")
    assert value == {
        "when": "2024-01-01T00:00:00Z",
        "count": 2,
        "point": {"x": 1.5},
        "pair": ["Berlin", True],
        "maybe": 42,
        "const": "fixed",
    }
    assert value_for(
        {"type": "object", "properties": {"input": {"type": "integer"}}},
        "What is the value of magic_function(3)?",
    ) == {"input": 3}
