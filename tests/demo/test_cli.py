"""``maas-demo`` end to end: offline on its own emulator (in-process and once as a subprocess),
live mode against the test emulator through the environment, and the one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from maas_core._extras import install_command
from maas_core.emulator import Emulator
from maas_demo.cli import SCENES, main

pytestmark = [
    pytest.mark.emulator,
    # llama-index-workflows inspects agents with inspect.getmembers(), which touches pydantic's
    # deprecated class attributes (workflows/utils.py get_steps_from_instance).
    pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince20"),
    pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince211"),
]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def headers(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("[")]


# ---- offline ------------------------------------------------------------------------------------
def test_offline_demo_runs_every_scene_on_both_platforms(
        capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    code, out, err = run([], capsys)
    assert code == 0 and err == "", err
    assert time.monotonic() - started < 20
    assert out.startswith("maas-demo: offline on the embedded emulator at http://127.0.0.1:")
    assert len(headers(out)) == 2 * len(SCENES) == 10
    assert "[1/10] LangChain chain: prompt | chat model - MaaS deepseek-v3.2 (emulator)" in out
    assert "[2/10] LangChain chain: prompt | chat model - DashScope qwen-plus (emulator)" in out
    assert "\x1b[" not in out  # captured stdout is not a terminal
    assert out.rstrip().splitlines()[-1].startswith("done: 10 scenes in ")


def test_chain_streams_thinking_apart_from_answer_with_usage(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--scene", "chain", "--platform", "dashscope"], capsys)
    lines = out.splitlines()
    assert code == 0 and len(headers(out)) == 1
    thinking = lines.index(next(x for x in lines if x.startswith("  thinking: ")))
    assert lines[thinking] == ("  thinking: The user asks: In two sentences: why does a "
                               "reasoning model think before it answers?. Let me think step by "
                               "step.")
    assert lines[thinking + 1].startswith("  answer:   Echo: In two sentences:")
    assert lines[thinking + 2] == "  tokens: in 23, out 34 (reasoning 21), total 57"


def test_agents_show_tool_calls_results_and_answer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--scene", "agent", "--scene", "function-agent", "--platform", "maas"],
                       capsys)
    assert code == 0 and len(headers(out)) == 2
    assert "(langchain.agents.create_agent)" in out
    assert "  -> tool call  get_weather(city='Guiyang')" in out
    assert "  -> tool call  population(city='Guiyang')" in out  # parallel calls on MaaS
    assert "  <- get_weather: Guiyang: 22 C, light breeze, no rain" in out
    assert ("  answer:   Based on the tool results: Guiyang: 22 C, light breeze, no rain; "
            "Guiyang: about 6 million inhabitants.") in out
    assert "  -> tool call  multiply(a=6, b=7)" in out and "  <- multiply: 42" in out
    assert "  <- add: 13" in out and "  answer:   Based on the tool results: 42; 13." in out
    assert "  last call tokens: in " in out


def test_query_engine_retrieves_bundled_docs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--scene", "query", "--platform", "maas"], capsys)
    sources = [line.split()[1] for line in out.splitlines() if line.startswith("  source ")]
    assert code == 0 and sources[0] == "dashscope_overview.md" and len(sources) == 2
    assert "  index     4 documents, bge-m3 embeddings, bge-reranker-v2-m3 rerank" in out
    # the reranked text reached the model: the answer quotes it, not the bare question
    assert ("  answer:   From the context: DashScope API key in the header `Authorization: "
            "Bearer <DASHSCOPE_API_KEY>`.") in out


def test_discovery_resolves_my_services_and_deployments(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--scene", "discovery"], capsys)
    assert code == 0
    assert "  resolve   'DeepSeek-R1-Distill-Qwen-1.5B'" in out
    assert "  model     DeepSeek-R1-Distill-Qwen-1.5B" in out
    assert "  source    service 'dpsk-distill-1-5b'" in out and "  status    RUNNING" in out
    assert "/v1/infers/" in out
    # <think> tags of the self-deployed model are split off, whitespace around them dropped
    assert "  thinking: The user asks: Say hello in five words.. Let me think step by step.\n" \
           "  answer:   Echo: Say hello in five words.\n" in out
    deployment = out[out.index("  source    deployment 'qwen-plus-2025-12-01-b6d61c71'"):]
    assert "  answer:   Echo: Say hello in five words.\n  tokens: in 6, out 20 (reasoning " \
           in deployment  # the deployment answers by its deployed_model name


def test_hand_written_tool_loop_without_langchain(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "langchain.agents", None)  # import fails
    code, out, _ = run(["--scene", "agent", "--platform", "maas"], capsys)
    assert code == 0 and "a hand-written tool loop" in out
    assert "  -> tool call  get_weather(city='Guiyang')" in out
    assert "  <- population: Guiyang: about 6 million inhabitants" in out
    assert "  answer:   Based on the tool results: " in out


def test_model_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--scene", "chain", "--platform", "maas", "--model", "DeepSeek-R1"],
                       capsys)
    assert code == 0 and "MaaS DeepSeek-R1 (emulator)" in out and "  thinking: " in out


# ---- live mode (the environment points at the test emulator) -----------------------------------
@pytest.fixture
def live_maas(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    monkeypatch.setenv("MAAS_API_KEY", emu.api_key)
    monkeypatch.setenv("MAAS_BASE_URL", emu.maas_base_url)
    return emu


def test_live_mode_runs_only_the_platform_with_a_key(live_maas: Emulator,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--scene", "chain"], capsys)
    assert code == 0 and out.startswith("maas-demo: live on MaaS (MAAS_API_KEY)")
    assert headers(out) == ["[1/1] LangChain chain: prompt | chat model - MaaS deepseek-v3.2 "
                            "(live)"]
    assert any(r.path == "/v1/chat/completions" for r in live_maas.requests)


def test_live_discovery_without_iam_credentials_uses_public_models(
        live_maas: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--scene", "discovery"], capsys)
    assert code == 0
    assert "  (My Services skipped: no Huawei Cloud IAM credentials" in out
    assert "  source    models 'deepseek-v3.2'" in out
    assert not any("/services" in r.path for r in live_maas.requests)


def test_live_discovery_with_iam_credentials_lists_my_services(
        live_maas: Emulator, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    cfg = live_maas.management.config
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", cfg.access_key)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", cfg.secret_key)
    monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", cfg.project_id)
    monkeypatch.setenv("HUAWEICLOUD_MODELARTS_ENDPOINT", live_maas.modelarts_url)
    code, out, _ = run(["--scene", "discovery"], capsys)
    assert code == 0 and "My Services skipped" not in out
    assert "  source    models 'deepseek-v3.2'" in out
    assert any("/services" in r.path for r in live_maas.requests)


def test_platform_without_key_is_a_usage_error(live_maas: Emulator,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["--platform", "both"], capsys)
    assert code == 2 and out == ""
    assert err == ("maas-demo: error: DASHSCOPE_API_KEY not set: set it, or add --emulator to "
                   "run offline\n")
    code, out, _ = run(["--platform", "dashscope", "--emulator", "--scene", "chain"], capsys)
    assert code == 0 and "DashScope qwen-plus (emulator)" in out


# ---- one-line errors ----------------------------------------------------------------------------
def assert_one_line(err: str, start: str, end: str) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(start) and lines[0].endswith(end), err


@pytest.mark.parametrize("scene", ["chain", "agent", "query", "function-agent", "discovery"])
def test_bad_dashscope_key_in_every_scene(scene: str, emu: Emulator,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """LangChain, langgraph, LlamaIndex workflows and discovery: the same one line."""
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-wrong")
    monkeypatch.setenv("DASHSCOPE_BASE_URL", emu.dashscope_base_url)
    code, _, err = run(["--scene", scene], capsys)
    assert code == 1
    assert_one_line(err, "error: DashScope rejected the API key (401 InvalidApiKey)",
                    "- check DASHSCOPE_API_KEY")


def test_bad_maas_key(emu: Emulator, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MAAS_API_KEY", "wrong")
    monkeypatch.setenv("MAAS_BASE_URL", emu.maas_base_url)
    code, _, err = run(["--scene", "function-agent"], capsys)
    assert code == 1
    assert_one_line(err, "error: MaaS rejected the API key (401 ", "- check MAAS_API_KEY")


def test_unreachable_endpoint(monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MAAS_API_KEY", "key")
    monkeypatch.setenv("MAAS_BASE_URL", "http://127.0.0.1:9/v1")  # discard port: refused
    code, _, err = run(["--scene", "chain"], capsys)
    assert code == 1
    assert_one_line(err, "error: cannot reach MaaS (ConnectError calling "
                    "http://127.0.0.1:9/v1/chat/completions", "- check MAAS_BASE_URL and your "
                    "network")


# ---- a real process -----------------------------------------------------------------------------
def test_subprocess_offline_demo() -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HUAWEICLOUD_", "MAAS_", "DASHSCOPE_", "NO_COLOR"))}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "maas_demo"], capture_output=True, text=True,
                          env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 30
    assert done.stderr == ""  # no log lines, no warnings
    assert len(headers(done.stdout)) == 10 and "\x1b[" not in done.stdout


def test_missing_emulator_extra_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "maas_core.emulator", None)  # starlette/uvicorn missing
    code, out, err = run(["--scene", "chain"], capsys)
    assert code == 1 and out.strip() == ""
    assert_one_line(err, "error: the offline demo needs the emulator: "
                    f"{install_command('demo')}", "to run live)")


def test_live_dashscope_discovery_without_deployment_is_a_note(
        emu: Emulator, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DASHSCOPE_API_KEY", emu.api_key)
    monkeypatch.setenv("DASHSCOPE_BASE_URL", emu.dashscope_base_url)
    code, out, _ = run(["--scene", "discovery", "--model", "qwen-max"], capsys)
    assert code == 0
    assert ("  (not found: nothing RUNNING named 'qwen-max'; found `qwen-max-0a1b2c3d` "
            "(deployment) but it is STOPPED") in out
