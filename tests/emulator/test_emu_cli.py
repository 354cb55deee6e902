"""``maas-emulator`` as a user runs it: --help, the banner, a port in use, Ctrl-C mid-request."""

from __future__ import annotations

import contextlib
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from maas_core.emulator.__main__ import main

pytestmark = pytest.mark.emulator

COMMAND = [sys.executable, "-m", "maas_core.emulator"]


def _default_sigint() -> None:  # a shell's background job may have inherited "ignore SIGINT"
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_help_has_a_line_and_default_for_every_option(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "``" not in out and "Ctrl-C" in out
    for option, default in (("--host", "127.0.0.1"), ("--port", "8000"),
                            ("--api-key", "sk-emulator"), ("--log-level", "info")):
        block = out[out.index(option, out.index("options:")):]
        assert f"(default: {default})" in " ".join(block.split()[:30]), option


def test_port_in_use_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([*COMMAND, "--port", str(port)], capture_output=True, text=True,
                              timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == (f"maas-emulator: error: port {port} on 127.0.0.1 is in use "
                                   "(choose another with --port)")


def test_banner_and_ctrl_c_during_a_request() -> None:
    process = subprocess.Popen([*COMMAND, "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=_default_sigint)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline()]
        while "DashScope workspace" not in lines[-1] and lines[-1]:
            lines.append(process.stdout.readline())
        banner = "".join(lines)
        url = re.search(r"listening on (http://\S+)", banner)
        assert url, banner
        for needle in ("/v1 ", "/v2", "/openai/v1", "/v1/infers/<service-id>/v1", "/api/v1 ",
                       "/compatible-mode/v1", "/api/v1/deployments", "Huawei IAM",
                       "ModelArts services", "DataArts Fabric EP", "sk-emulator",
                       "emulator-user", "emulator-password", "emulator-domain",
                       "emulator-project", "EMULATORACCESSKEY", "emulator-ws", "llm-emulator"):
            assert needle in banner, needle
        pending = threading.Thread(target=_slow_request, args=(url.group(1),), daemon=True)
        pending.start()
        time.sleep(1.0)  # the request is inside the server, waiting
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode in (0, 130)
    assert "Traceback" not in stderr and "CancelledError" not in stderr, stderr


def _slow_request(url: str) -> None:
    fault = json.dumps({"kind": "delay", "seconds": 10})
    with contextlib.suppress(httpx.HTTPError):  # the server went away: expected
        httpx.post(f"{url}/v1/chat/completions", timeout=30,
                   headers={"Authorization": "Bearer sk-emulator", "X-Emulator-Fault": fault},
                   json={"model": "DeepSeek-V3", "messages": [{"role": "user", "content": "x"}]})
