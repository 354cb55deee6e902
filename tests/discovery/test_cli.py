"""maas-models against the emulator: tables, --json, resolve, one-line errors (in-process and
once as a real subprocess)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys

import pytest

from maas_core.cli import main, table
from maas_core.emulator import Emulator
from maas_core.emulator.management import ManagementConfig

pytestmark = pytest.mark.emulator


@pytest.fixture
def urls(emu: Emulator, huawei_env: None, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("MAAS_API_KEY", emu.api_key)
    monkeypatch.setenv("DASHSCOPE_API_KEY", emu.api_key)
    return ["--modelarts-url", emu.modelarts_url, "--infer-url", emu.infer_url,
            "--fabric-url", emu.fabric_url, "--fabric-ep-url", emu.fabric_ep_url]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_tables(urls: list[str], emu: Emulator, mcfg: ManagementConfig,
                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["services", *urls], capsys)
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["NAME", "STATUS", "DESCRIPTION", "ID", "VERSION"]
    assert lines[-1] == "(26 total)"
    row = next(line for line in lines if line.startswith("dpsk-v3_2 "))
    assert "STOPPED" in row and lines[0].index("STATUS") == row.index("STOPPED")  # aligned
    code, out, _ = run(["models", "--base-url", emu.maas_base_url], capsys)
    assert code == 0 and "DeepSeek-R1" in out
    code, out, _ = run(["fabric-models", "--workspace-id", mcfg.fabric_workspace, "--name",
                        "glm", *urls], capsys)
    assert code == 0 and "Glm-4-9B-Chat" in out and "(1 total)" in out
    code, out, _ = run(["instances", "--workspace-id", mcfg.fabric_workspace, *urls], capsys)
    assert code == 0 and "qwen2-72b-svc" in out


def test_json_and_resolve(urls: list[str], emu: Emulator,
                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--json", "deployments", "--base-url", emu.dashscope_base_url], capsys)
    data = json.loads(out)
    assert code == 0 and len(data) == 14 and data[0]["status"] == "RUNNING"
    code, out, _ = run(["resolve", "DeepSeek-R1-Distill-Qwen-1.5B", "--base-url",
                        emu.maas_base_url, *urls], capsys)
    assert code == 0 and "model     DeepSeek-R1-Distill-Qwen-1.5B" in out
    assert "/v1/infers/" in out
    code, out, _ = run(["resolve", "qwen-plus", "--platform", "dashscope", "--protocol",
                        "compatible", "--base-url", emu.dashscope_base_url, "--json"], capsys)
    assert json.loads(out)["base_url"] == emu.dashscope_compatible_base_url


def test_errors_are_one_line(urls: list[str], emu: Emulator, mcfg: ManagementConfig,
                             monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["resolve", "dpsk-v3_2", "--base-url", emu.maas_base_url, *urls],
                         capsys)
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert "but it is STOPPED" in err and "Traceback" not in err
    code, _, err = run(["fabric-models", "--workspace-id", mcfg.fabric_workspace,
                        "--visibility", "SECRET", *urls], capsys)
    assert code == 2 and err.startswith("maas-models: error: Fabric list models: visibility")
    monkeypatch.delenv("DASHSCOPE_API_KEY")
    code, _, err = run(["deployments", "--base-url", emu.dashscope_base_url], capsys)
    assert code == 2 and err.strip() == (
        "maas-models: error: no DashScope API key: pass --api-key-env NAME or set "
        "DASHSCOPE_API_KEY")


def test_hints_name_options_that_exist(urls: list[str], emu: Emulator,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MAAS_API_KEY", "sk-wrong-key")
    code, _, err = run(["models", "--base-url", emu.maas_base_url], capsys)
    assert code == 1 and "(--api-key-env NAME or MAAS_API_KEY)" in err
    assert "api_key=" not in err and "sk-wrong-key" not in err
    monkeypatch.setenv("HUAWEICLOUD_IAM_PASSWORD", "wrong-password-123")
    code, _, err = run(["services", *urls], capsys)
    assert code == 1 and "HUAWEICLOUD_IAM_PASSWORD" in err
    assert not re.search(r"\b(password|username|domain|project_id|token)=", err), err
    monkeypatch.delenv("HUAWEICLOUD_FABRIC_WORKSPACE_ID", raising=False)
    code, _, err = run(["instances", *urls], capsys)
    assert code == 2 and "--workspace-id" in err and "workspace_id=" not in err


def test_api_key_from_another_variable(emu: Emulator, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("MAAS_API_KEY", raising=False)
    monkeypatch.setenv("MY_MAAS_KEY", emu.api_key)
    code, out, _ = run(["models", "--api-key-env", "MY_MAAS_KEY", "--base-url",
                        emu.maas_base_url], capsys)
    assert code == 0 and "DeepSeek-R1" in out
    code, _, err = run(["models", "--api-key-env", "UNSET_VARIABLE_X"], capsys)
    assert code == 2 and "the variable UNSET_VARIABLE_X is not set" in err


@pytest.mark.parametrize("argv", [["--help"], ["models", "--help"], ["services", "--help"]])
def test_help_lists_the_environment(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(argv)
    out = capsys.readouterr().out
    for name in ("MAAS_API_KEY", "DASHSCOPE_API_KEY", "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_TOKEN",
                 "HUAWEICLOUD_IAM_USERNAME", "HUAWEICLOUD_FABRIC_WORKSPACE_ID", "--api-key-env"):
        assert name in out


def test_no_always_empty_columns() -> None:
    rows = [Row("a", None), Row("b", "")]
    assert table(rows, ["name", "description"]).splitlines()[0] == "NAME"
    assert table([Row("a", "x")], ["name", "description"]).splitlines()[0].split() == [
        "NAME", "DESCRIPTION"]


@dataclasses.dataclass
class Row:
    name: str
    description: str | None


def test_subprocess(emu: Emulator, mcfg: ManagementConfig) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HUAWEICLOUD_", "MAAS_", "DASHSCOPE_"))}
    base = [sys.executable, "-m", "maas_core.cli"]
    missing = subprocess.run([*base, "services", "--modelarts-url", emu.modelarts_url],
                             capture_output=True, text=True, env=env, timeout=60, check=False)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    env.update(HUAWEICLOUD_SDK_AK=mcfg.access_key, HUAWEICLOUD_SDK_SK=mcfg.secret_key,
               HUAWEICLOUD_SDK_PROJECT_ID=mcfg.project_id)
    listed = subprocess.run([*base, "--json", "services", "--modelarts-url", emu.modelarts_url],
                            capture_output=True, text=True, env=env, timeout=60, check=False)
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 26
